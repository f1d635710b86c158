// What is this file? Decided from its content (DESIGN.md: not only the file name); `--kind` overrides.
import { UsageError } from '../errors.js';

export const KINDS = ['events', 'captures', 'jwks', 'pem', 'key-events', 'revocations', 'har'] as const;
export type Kind = (typeof KINDS)[number];

const ALIASES: Record<string, Kind> = {
  events: 'events',
  logs: 'events',
  captures: 'captures',
  tokens: 'captures',
  jwks: 'jwks',
  pem: 'pem',
  'key-events': 'key-events',
  rotation: 'key-events',
  revocations: 'revocations',
  har: 'har',
};

export function parseKind(value: string): Kind {
  const kind = ALIASES[value.toLowerCase()];
  if (!kind) throw new UsageError(`--kind must be one of ${Object.keys(ALIASES).join(', ')}; got '${value}'`);
  return kind;
}

/** Captures in text form are told apart from NDJSON ones by their first line. */
export type DetectedKind = Kind | 'captures-text';

const JWT_LIKE = /^\s*(bearer\s+)?[A-Za-z0-9_\-+/=]*\.[A-Za-z0-9_\-+/=.]*\s*$/i;

export function detectKind(head: Buffer): DetectedKind | null {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  if (looksLikeHar(text)) return 'har';
  if (/^-----BEGIN [A-Z0-9 ]+-----/m.test(text)) return 'pem';
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const first = lines[0];
  if (first === undefined) return null;
  if (JWT_LIKE.test(first)) return 'captures-text';
  const records = lines.slice(0, 20).map(tryObject);
  const firstRecord = records[0];
  if (firstRecord === undefined || firstRecord === null) {
    // Not one object a line: a pretty-printed JSON document is a JWKS or nothing we know.
    if (/"keys"\s*:\s*\[|"kty"\s*:/.test(text)) return 'jwks';
    // A first line longer than the peek (a megabyte token) cannot be parsed here: judge it by its keys.
    if (lines.length === 1 && first.trimStart().startsWith('{')) return classifyRecords([keysOf(first)]);
    return guessFromLater(records);
  }
  if (Array.isArray(firstRecord.keys) || typeof firstRecord.kty === 'string') return 'jwks';
  return classifyRecords(records.filter((r): r is Record<string, unknown> => r !== null));
}

function guessFromLater(records: (Record<string, unknown> | null)[]): DetectedKind | null {
  const good = records.filter((r): r is Record<string, unknown> => r !== null);
  return good.length ? classifyRecords(good) : null;
}

function classifyRecords(records: Record<string, unknown>[]): DetectedKind | null {
  const has = (k: string): boolean => records.some((r) => k in r);
  if (has('action') && has('kid')) return 'key-events';
  if (has('captured_at') || (has('token') && !has('ts') && !has('event'))) return 'captures';
  const tokenish = has('token') || has('authorization') || has('event') || has('ip');
  if (!tokenish && has('ts') && (has('jti') || has('sub') || has('sid'))) return 'revocations';
  // An event has a time or a token; a JSON object with neither (a policy, a report) is not ours to load.
  return has('ts') || has('token') || has('authorization') ? 'events' : null;
}

/** One NDJSON line as an object, or null when it is not one. */
export function tryObject(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The top-level-looking keys of a JSON object cut off mid-way (good enough to tell the kind). */
function keysOf(partial: string): Record<string, unknown> {
  return Object.fromEntries([...partial.matchAll(/"([A-Za-z_]+)"\s*:/g)].map((m) => [m[1]!, true]));
}

/** A HAR 1.2 file (browser devtools, proxies): one object whose first member is `log`, an object naming the HAR's
 *  `version`, `creator`, `pages` or `entries` (src/ingest/har/). */
export function looksLikeHar(text: string): boolean {
  return /^\s*\{\s*"log"\s*:\s*\{\s*"(version|creator|browser|pages|entries|comment)"\s*:/.test(text.replace(/^\uFEFF/, ''));
}
