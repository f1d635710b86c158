// A preset that lists its provider's whole table of event types (Auth0's log type codes) says how many records
// carried a type outside it: such a record is kept, lower-cased, with its outcome unknown, and the summary names
// the types so that a provider's new code is noticed rather than silently left unclassified.
import type { Store } from '../../store/db.js';
import { stripControlInline } from '../../util/sanitize.js';
import { CANONICAL_EVENTS } from './mapping-check.js';
import type { Mapping } from './mapping.js';
import { AUTH0_TYPES } from './presets/auth0.js';

/** preset name → every provider type it knows (mapped or deliberately kept as it is) */
const KNOWN_TYPES: Record<string, readonly string[]> = { auth0: AUTH0_TYPES };

const SHOWN = 10;

export async function unknownTypesWarning(store: Store, sourceId: number, mapping: Mapping): Promise<string | null> {
  const list = Object.hasOwn(KNOWN_TYPES, mapping.label) ? KNOWN_TYPES[mapping.label]! : null;
  if (list === null) return null;
  const known = new Set<string>([...list.map((t) => t.toLowerCase()), ...CANONICAL_EVENTS]);
  // the event column holds a type no table lists as the type, lower-cased: one pass over a column, not the records
  const rows = await store.all<{ event: string; n: bigint }>(
    `SELECT event, count(*) AS n FROM events WHERE source_id = $sid AND event IS NOT NULL GROUP BY event ORDER BY n DESC, event`,
    { sid: sourceId },
  );
  const unknown = rows.filter((r) => !known.has(r.event));
  if (unknown.length === 0) return null;
  const total = unknown.reduce((sum, r) => sum + Number(r.n), 0);
  // the type is the provider's text (a log line's): no control character reaches the terminal
  const names = unknown.slice(0, SHOWN).map((r) => `${stripControlInline(r.event)} (${r.n})`);
  const more = unknown.length > SHOWN ? `, and ${unknown.length - SHOWN} more` : '';
  return `${total} record${total === 1 ? '' : 's'} with event types the ${mapping.label} preset does not know, kept as they are with outcome unknown: ${names.join(', ')}${more}`;
}
