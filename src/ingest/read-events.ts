// Auth events (DESIGN.md "Auth events"): canonical fields become columns, everything else stays in `extra`.
import type { Store } from '../store/db.js';
import type { FileScan } from './file-scan.js';
import type { LoadResult } from './load-result.js';
import { EVENT_STAGE } from './event-fields.js';
import { stageNdjson, type StageSpec } from './ndjson-stage.js';
import { lap } from '../util/profile.js';
import { tsReject } from './read-records.js';
import { newTokensFrom, startVerifying, storeTokens } from './register-tokens.js';

// `spec` is EVENT_STAGE for canonical events, a compiled mapping's spec for provider logs (src/ingest/mapping.ts).
export async function readEvents(store: Store, scan: FileScan, sourceId: number, spec: StageSpec = EVENT_STAGE): Promise<LoadResult> {
  lap('events: start');
  const staged = await stageNdjson(store, scan, spec);
  lap('events: stage (read + project)');
  const t = spec.table;
  const badTs = await store.all<{ line: bigint; ts_raw: string | null }>(
    `SELECT line, ts_raw FROM ${t} WHERE ts IS NULL ORDER BY line`,
  );
  const rejects = staged.rejects.concat(badTs.map(tsReject));
  await store.run(`DELETE FROM ${t} WHERE ts IS NULL`);
  // sha256 once per distinct token (tens of thousands), not once per event (millions), then joined back.
  await store.run(`CREATE OR REPLACE TEMP TABLE stage_tokens AS
    SELECT token, sha256(token) AS token_sha FROM (SELECT DISTINCT token FROM ${t} WHERE token IS NOT NULL)`);
  lap('events: distinct tokens hashed');
  // Tokens are decoded and verified in JS while DuckDB copies the events: the two overlap.
  const batch = await startVerifying(store, await newTokensFrom(store, 'stage_tokens'));
  // Each row carries its line number, so the copy need not keep the stage's order: it can run in parallel.
  await store.run(`SET preserve_insertion_order = false`);
  try {
    await store.run(
      `INSERT INTO events SELECT $sid, s.line, s.ts, s.event, k.token_sha, s.jti, s.sub, s.sid, s.client_id, s.ip, s.country,
         s.city, s.lat, s.lon, s.ua, s.app_version, s.aud, s.outcome, s.parent_jti, s.reason, s.extra
       FROM ${t} s LEFT JOIN stage_tokens k ON k.token = s.token`,
      { sid: sourceId },
    );
  } finally {
    await store.run(`SET preserve_insertion_order = true`);
  }
  lap('events: insert');
  const loaded = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))!.n);
  const newTokens = await storeTokens(store, sourceId, batch);
  await store.run(`DROP TABLE ${t}`);
  await store.run(`DROP TABLE stage_tokens`);
  lap('events: tokens stored');
  return { rows: loaded, rejects, newTokens };
}
