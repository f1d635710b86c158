// Lines that repeat a canonical key (duplicate-keys.ts), set right after the bulk INSERT: DuckDB projected the
// FIRST value of each repeated key and dropped them all from `extra`; the row is projected again from the line
// with each repeated key at its LAST value (what a JSON.parse consumer sees), and every value is kept as written
// in `extra.duplicate_keys` ({"token": [first, second]}). A token that only the last value names is new: it is
// returned to be decoded and verified like any other.
import { appendRows } from '../../store/append.js';
import type { Store } from '../../store/db.js';
import { deduplicate } from './duplicate-keys.js';
import { linesOf, type LineLayout } from './line-scan.js';
import { projectionParams, projectionSql, type StageSpec } from './ndjson-stage.js';
import type { RawToken } from '../register-tokens.js';

export interface DuplicateFix {
  /** lines of the source, loaded as events, that repeat a canonical key */
  lines: number;
  /** the keys repeated, sorted */
  keys: string[];
  /** tokens named only by a last value, not in the store yet */
  tokens: RawToken[];
}

export async function fixDuplicateKeys(
  store: Store,
  src: { path: string; gzip: boolean; index?: LayoutOrNull },
  sid: number,
  spec: StageSpec,
  candidates: readonly number[],
): Promise<DuplicateFix> {
  const none: DuplicateFix = { lines: 0, keys: [], tokens: [] };
  if (candidates.length === 0) return none;
  const bytes = await linesOf({ path: src.path, gzip: src.gzip, ...(src.index ? { index: src.index } : {}) }, candidates);
  const rows: [number, string, string][] = [];
  const keysOf = new Map<number, string[]>();
  for (const [line, b] of bytes) {
    const d = deduplicate(b.toString('utf8'));
    if (!d) continue;
    rows.push([line, d.json, d.duplicates]);
    keysOf.set(line, d.keys);
  }
  if (rows.length === 0) return none;
  await store.run(`CREATE OR REPLACE TEMP TABLE dup_lines (line BIGINT, j VARCHAR, dups VARCHAR)`);
  await appendRows(store, 'dup_lines', ['bigint', 'text', 'text'], rows);
  // only lines that loaded as events (a repeated key in a rejected line changes nothing)
  await store.run(`DELETE FROM dup_lines WHERE line NOT IN (SELECT line FROM events WHERE source_id = $sid)`, { sid });
  await store.run(
    `CREATE OR REPLACE TEMP TABLE dup_rows AS SELECT p.*, d.dups FROM (${projectionSql(spec, '(SELECT line, j::JSON AS j FROM dup_lines)')}) p JOIN dup_lines d USING (line)`,
    projectionParams(spec),
  );
  const marked = `json_merge_patch(coalesce(%s, '{}'::JSON), json_object('duplicate_keys', dups::JSON))`;
  // A last value that leaves no usable time: the row keeps the first (it loaded with it), marked all the same.
  await store.run(
    `UPDATE events SET extra = ${marked.replace('%s', 'events.extra')} FROM dup_rows d
     WHERE events.source_id = $sid AND events.line = d.line AND (d.ts IS NULL OR d.jt <> 'OBJECT')`,
    { sid },
  );
  await store.run(`DELETE FROM dup_rows WHERE ts IS NULL OR jt <> 'OBJECT'`);
  await store.run(`DELETE FROM events WHERE source_id = $sid AND line IN (SELECT line FROM dup_rows)`, { sid });
  await store.run(
    `INSERT INTO events SELECT $sid, line, ts, event, sha256(token), jti, sub, sid, client_id, ip, country, city, lat, lon, ua,
       app_version, aud, outcome, parent_jti, reason, ${marked.replace('%s', 'extra')} FROM dup_rows ORDER BY line`,
    { sid },
  );
  const fresh = await store.all<{ sha: string; raw: string }>(
    `SELECT sha256(token) AS sha, any_value(token) AS raw FROM dup_rows
     WHERE token IS NOT NULL AND sha256(token) NOT IN (SELECT sha256 FROM tokens) GROUP BY ALL ORDER BY sha`,
  );
  const kept = await store.all<{ line: bigint }>(`SELECT line FROM dup_lines`);
  const keys = new Set(kept.flatMap((r) => keysOf.get(Number(r.line)) ?? []));
  await store.run(`DROP TABLE dup_lines`);
  await store.run(`DROP TABLE dup_rows`);
  return { lines: kept.length, keys: [...keys].sort(), tokens: fresh.map((r) => ({ sha256: r.sha, raw: r.raw })) };
}

type LayoutOrNull = LineLayout | undefined;

export function duplicateWarning(fix: DuplicateFix): string | null {
  if (fix.lines === 0) return null;
  const keys = fix.keys.map((k) => `\`${k}\``).join(', ');
  return `${fix.lines} line${fix.lines === 1 ? '' : 's'} with duplicate keys (${keys}): the last value is used, both kept in extra (extra.duplicate_keys)`;
}
