// Key rotation records and revocations: small NDJSON kinds through the same DuckDB reader as events.
import type { Store } from '../../store/db.js';
import { excerpt } from '../../util/sanitize.js';
import type { FileScan } from '../events/file-scan.js';
import type { LoadResult } from '../load-result.js';
import { tsReject, type RejectRow } from '../line-reasons.js';
import { stageNdjson, type StageSpec } from '../events/ndjson-stage.js';
import { textSql, timestampSql } from '../sql-time.js';

export const KEY_ACTIONS = ['created', 'activated', 'retired', 'revoked', 'compromised'] as const;

interface BadRow {
  line: bigint;
  ts: Date | null;
  ts_raw: string | null;
  kid?: string | null;
  action?: string | null;
}

function spec(table: string, fields: readonly string[]): StageSpec {
  return {
    table,
    fields: Object.fromEntries(['ts', ...fields].map((f) => [f, `$.${f}`])),
    projection: {
      ts: timestampSql('r_ts'),
      ts_raw: 'r_ts',
      ...Object.fromEntries(fields.map((f) => [f, textSql(`r_${f}`)])),
      extra: 'x',
    },
    omit: Object.fromEntries(['ts', ...fields].map((f) => [f, null])),
  };
}

const KEY_EVENT_STAGE = spec('stage_key_events', ['kid', 'action', 'actor', 'reason', 'jkt', 'iss']);
const REVOCATION_STAGE = spec('stage_revocations', ['jti', 'sub', 'sid', 'reason']);

export async function readKeyEvents(store: Store, scan: FileScan, sourceId: number): Promise<LoadResult> {
  const staged = await stageNdjson(store, scan, KEY_EVENT_STAGE);
  const t = KEY_EVENT_STAGE.table;
  await store.run(`UPDATE ${t} SET action = lower(action)`);
  const invalid = `ts IS NULL OR kid IS NULL OR action IS NULL OR NOT list_contains($actions::VARCHAR[], action)`;
  const bad = await store.all<BadRow>(
    `SELECT line, ts, ts_raw, kid, action FROM ${t} WHERE ${invalid} ORDER BY line`,
    { actions: JSON.stringify(KEY_ACTIONS) },
  );
  const rejects = staged.rejects.concat(bad.map(keyEventReject));
  await store.run(`DELETE FROM ${t} WHERE ${invalid}`, { actions: JSON.stringify(KEY_ACTIONS) });
  // `jkt` (the key's RFC 7638 thumbprint) and `iss` narrow a record to one key under a kid that several share
  await store.run(
    `INSERT INTO key_events (source_id, line, ts, kid, action, actor, reason, extra, jkt, iss)
     SELECT $sid, line, ts, kid, action, actor, reason, extra, jkt, iss FROM ${t}`,
    { sid: sourceId },
  );
  return finish(store, t, rejects);
}

export async function readRevocations(store: Store, scan: FileScan, sourceId: number): Promise<LoadResult> {
  const staged = await stageNdjson(store, scan, REVOCATION_STAGE);
  const t = REVOCATION_STAGE.table;
  const invalid = `ts IS NULL OR (jti IS NULL AND sub IS NULL AND sid IS NULL)`;
  const bad = await store.all<BadRow>(
    `SELECT line, ts, ts_raw FROM ${t} WHERE ${invalid} ORDER BY line`,
  );
  const rejects = staged.rejects.concat(
    bad.map((r) =>
      r.ts === null
        ? tsReject(r)
        : { line: Number(r.line), reason: 'missing-target', detail: 'a revocation needs `jti`, `sub` or `sid`' },
    ),
  );
  await store.run(`DELETE FROM ${t} WHERE ${invalid}`);
  await store.run(`INSERT INTO revocations SELECT $sid, line, ts, jti, sub, sid, reason, extra FROM ${t}`, { sid: sourceId });
  return finish(store, t, rejects);
}

async function finish(store: Store, table: string, rejects: RejectRow[]): Promise<LoadResult> {
  const rows = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`))!.n);
  await store.run(`DROP TABLE ${table}`);
  return { rows, rejects, newTokens: 0 };
}

function keyEventReject(r: BadRow): RejectRow {
  if (r.ts === null) return tsReject(r);
  if (r.kid === null) return { line: Number(r.line), reason: 'missing-kid', detail: 'a rotation record needs `kid`' };
  return {
    line: Number(r.line),
    reason: 'bad-action',
    detail: `\`action\` must be one of ${KEY_ACTIONS.join(', ')}; found ${r.action ? excerpt(r.action, 30) : 'none'}`,
  };
}
