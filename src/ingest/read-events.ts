// Auth events (DESIGN.md "Auth events"): canonical fields become columns, everything else stays in `extra`.
import type { Store } from '../store/db.js';
import type { FileScan } from './file-scan.js';
import type { LoadResult } from './load-result.js';
import { EVENT_STAGE } from './event-fields.js';
import { stageNdjson } from './ndjson-stage.js';
import { tsReject } from './read-records.js';
import { newTokensFrom, registerTokens } from './register-tokens.js';

export async function readEvents(store: Store, scan: FileScan, sourceId: number): Promise<LoadResult> {
  const staged = await stageNdjson(store, scan, EVENT_STAGE);
  const t = EVENT_STAGE.table;
  const badTs = await store.all<{ line: bigint; ts_raw: string | null }>(
    `SELECT line, ts_raw FROM ${t} WHERE ts IS NULL ORDER BY line`,
  );
  const rejects = staged.rejects.concat(badTs.map(tsReject));
  await store.run(`DELETE FROM ${t} WHERE ts IS NULL`);
  await store.run(
    `INSERT INTO events SELECT $sid, line, ts, event, token_sha, jti, sub, sid, client_id, ip, country, city, lat, lon,
       ua, app_version, aud, outcome, parent_jti, reason, extra FROM ${t}`,
    { sid: sourceId },
  );
  const loaded = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))!.n);
  const newTokens = await registerTokens(store, sourceId, await newTokensFrom(store, t));
  await store.run(`DROP TABLE ${t}`);
  return { rows: loaded, rejects, newTokens };
}
