// The findings that touch a story, read from the store's `findings` table (filled by `check` / `investigate`):
// a timeline shows what the checks concluded, it does not re-run them.
import { compareFindings, type Finding } from '../findings/finding.js';
import { FINDING_COLUMNS, rowToFinding, type FindingRow } from '../findings/stored.js';
import type { Store } from '../store/db.js';
import type { RawLine } from './lines.js';
import type { Identities } from './related.js';

/** The findings table is small: a list travels as one JSON parameter. */
const inList = (param: string): string => `(SELECT unnest(from_json($${param}, '["VARCHAR"]')))`;

/**
 * A finding touches the story when it names one of its tokens or jtis, cites one of its event lines, or is about
 * its subject or signing key as a whole (no token, no jti). With --sub, every finding about that subject.
 */
const FINDINGS_SQL = `
SELECT ${FINDING_COLUMNS}
FROM findings f
WHERE f.token IN ${inList('tokens')} OR f.jti IN ${inList('jtis')}
  OR (f.token IS NULL AND f.jti IS NULL AND (f.sub IN ${inList('subs')} OR f.kid IN ${inList('kids')}))
  OR f.sub = $query_sub
  OR list_has_any(
    list_transform(from_json(f.events, '[{"source":"VARCHAR","line":"BIGINT"}]'), r -> r.source || '#' || r.line::VARCHAR),
    from_json($refs, '["VARCHAR"]'))`;

export interface TouchingFindings {
  findings: Finding[];
  /** false when the store holds no findings at all: no check has run yet */
  checksRun: boolean;
}

export const refOf = (source: string, line: number | null): string => `${source}#${line ?? ''}`;

export async function touchingFindings(store: Store, ids: Identities, lines: readonly RawLine[], querySub: string | null): Promise<TouchingFindings> {
  const count = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM findings`);
  if (!count || count.n === 0n) return { findings: [], checksRun: false };
  const list = (set: Iterable<string>): string => JSON.stringify([...set].sort());
  const refs = lines.filter((l) => l.kind === 'event').map((l) => refOf(l.source, l.line));
  const rows = await store.json<FindingRow>(FINDINGS_SQL, {
    tokens: list(ids.tokens), jtis: list(ids.jtis), subs: list(ids.subs), kids: list(ids.kids),
    query_sub: querySub, refs: list(new Set(refs)),
  });
  return { findings: rows.map(rowToFinding).sort(compareFindings), checksRun: true };
}
