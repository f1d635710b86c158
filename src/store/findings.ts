// The `findings` table, owned here: the checks' conclusions saved (a re-run of a check replaces its findings) and
// read back as the one Finding type by `report`, `timeline` and `investigate`, which show them without re-running.
import { compareFindings, type EventRef, type Finding, type Severity } from '../findings/finding.js';
import { appendRows } from './append.js';
import type { Store } from './db.js';
import { columns, typedRows, type RowOf } from './rows.js';
import { isoMillis } from './iso-sql.js';

/** The select list for rows of `findings` (alias-free: use it over `findings` or an alias of it). */
const FINDING_COLUMNS = `id, check_id, severity, title, jti, sub, kid, token,
  ${isoMillis('first_seen')} AS first_seen, ${isoMillis('last_seen')} AS last_seen,
  events::VARCHAR AS events, evidence::VARCHAR AS evidence, remediation`;

const FINDING_ROW = columns({
  id: 'text', check_id: 'text', severity: 'text', title: 'text', jti: 'text?', sub: 'text?', kid: 'text?', token: 'text?',
  first_seen: 'text?', last_seen: 'text?', events: 'text?', evidence: 'text?', remediation: 'text?',
});
type FindingRow = RowOf<typeof FINDING_ROW>;

/**
 * Replace the stored findings of the checks that ran with these, made by run `runId` (store/runs.ts). Call it inside
 * the transaction that records the run, so findings and run land together.
 */
export async function saveFindings(store: Store, checks: readonly { readonly id: string }[], findings: readonly Finding[], runId: number | null = null): Promise<void> {
  const runAt = timestampText(new Date().toISOString());
  await store.run(`DELETE FROM findings WHERE list_contains($ids::VARCHAR[], check_id)`, { ids: JSON.stringify(checks.map((c) => c.id)) });
  await appendRows(
    store,
    'findings',
    ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'json', 'json', 'text', 'text', 'int'],
    findings.map((f) => [
      f.id, f.check, f.severity, f.title, f.jti, f.sub, f.kid, f.token, timestampText(f.first_seen), timestampText(f.last_seen),
      JSON.stringify(f.events), JSON.stringify(f.evidence), f.remediation, runAt, runId,
    ]),
  );
}

/** Every stored finding, sorted by severity then time. */
export async function loadFindings(store: Store): Promise<Finding[]> {
  const rows = await typedRows(store, 'findings', FINDING_ROW, `SELECT ${FINDING_COLUMNS} FROM findings`);
  return rows.map(rowToFinding).sort(compareFindings);
}

/** How many findings are stored (0: no check has run yet, or none found anything). */
export async function countFindings(store: Store): Promise<number> {
  const row = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM findings`);
  return row ? Number(row.n) : 0;
}

/** What a story is made of, for the findings that touch it. */
export interface StoryKeys {
  tokens: Iterable<string>;
  jtis: Iterable<string>;
  subs: Iterable<string>;
  kids: Iterable<string>;
  /** with --sub: every finding about that subject */
  querySub: string | null;
  /** event lines as `source#line` */
  refs: Iterable<string>;
}

/** The findings table is small: a list travels as one JSON parameter. */
const inList = (param: string): string => `(SELECT unnest(from_json($${param}, '["VARCHAR"]')))`;

/**
 * A finding touches the story when it names one of its tokens or jtis, cites one of its event lines, or is about
 * its subject or signing key as a whole (no token, no jti). With --sub, every finding about that subject.
 */
const TOUCHING_SQL = `
SELECT ${FINDING_COLUMNS}
FROM findings f
WHERE f.token IN ${inList('tokens')} OR f.jti IN ${inList('jtis')}
  OR (f.token IS NULL AND f.jti IS NULL AND (f.sub IN ${inList('subs')} OR f.kid IN ${inList('kids')}))
  OR f.sub = $query_sub
  OR list_has_any(
    list_transform(from_json(f.events, '[{"source":"VARCHAR","line":"BIGINT"}]'), r -> r.source || '#' || r.line::VARCHAR),
    from_json($refs, '["VARCHAR"]'))`;

export async function findingsTouching(store: Store, keys: StoryKeys): Promise<Finding[]> {
  const list = (set: Iterable<string>): string => JSON.stringify([...new Set(set)].sort());
  const rows = await typedRows(store, 'findings', FINDING_ROW, TOUCHING_SQL, {
    tokens: list(keys.tokens), jtis: list(keys.jtis), subs: list(keys.subs), kids: list(keys.kids),
    query_sub: keys.querySub, refs: list(keys.refs),
  });
  return rows.map(rowToFinding).sort(compareFindings);
}

function rowToFinding(r: FindingRow): Finding {
  const events = (r.events ? JSON.parse(r.events) : []) as EventRef[];
  return {
    id: r.id,
    check: r.check_id,
    severity: r.severity as Severity,
    title: r.title,
    jti: r.jti,
    sub: r.sub,
    kid: r.kid,
    token: r.token,
    first_seen: iso(r.first_seen),
    last_seen: iso(r.last_seen),
    events: events.map((e) => ({ ...e, line: Number(e.line) })),
    evidence: (r.evidence ? JSON.parse(r.evidence) : {}) as Record<string, unknown>,
    remediation: r.remediation ?? '',
  };
}

/** ISO-8601 UTC (`…T…Z`) to the text a TIMESTAMP column takes (naive UTC). */
function timestampText(isoText: string | null): string | null {
  return isoText ? isoText.replace('T', ' ').replace(/Z$/, '') : null;
}

function iso(text: string | null): string | null {
  return text ? text.replace(/\.000Z$/, 'Z') : null;
}

/** How a stored finding involves one token (`inspect`): it names it, lists it in its evidence, cites an event that
 *  carried it, or is about its jti without naming a token. */
export type TokenLink = 'token' | 'evidence' | 'event' | 'jti';

/** One token as `inspect` knows it: sha256 of the compact form, fingerprint, and its jti claim. */
export interface TokenKeys {
  sha256: string;
  fingerprint: string;
  jti: string | null;
}

// Evidence lists fingerprints as JSON strings (`tokens`, `token_fingerprints`, `fingerprints`): the quoted 12 hex
// match only a whole list member. Event refs are matched as in TOUCHING_SQL, against the events carrying the token.
const FOR_TOKEN_SQL = `
WITH mine AS (
  SELECT coalesce(list(s.path || '#' || e.line::VARCHAR), []) AS refs
  FROM events e JOIN sources s ON s.id = e.source_id WHERE e.token_sha = $sha),
linked AS (
  SELECT f.*, CASE
    WHEN f.token = $fp THEN 'token'
    WHEN contains(f.evidence::VARCHAR, '"' || $fp || '"') THEN 'evidence'
    WHEN list_has_any(
      list_transform(from_json(f.events, '[{"source":"VARCHAR","line":"BIGINT"}]'), r -> r.source || '#' || r.line::VARCHAR),
      (SELECT refs FROM mine)) THEN 'event'
    WHEN f.token IS NULL AND f.jti = $jti THEN 'jti'
  END AS link
  FROM findings f)
SELECT ${FINDING_COLUMNS}, link FROM linked WHERE link IS NOT NULL`;

const LINKED_ROW = columns({ ...FINDING_ROW, link: 'text' });

/** The stored findings that involve one token, each with how, sorted as findings are. */
export async function findingsForToken(store: Store, t: TokenKeys): Promise<{ finding: Finding; link: TokenLink }[]> {
  const rows = await typedRows(store, 'findings', LINKED_ROW, FOR_TOKEN_SQL, { sha: t.sha256, fp: t.fingerprint, jti: t.jti });
  return rows
    .map((r) => ({ finding: rowToFinding(r), link: r.link as TokenLink }))
    .sort((a, b) => compareFindings(a.finding, b.finding));
}
