// Auth events (DESIGN.md "Auth events"): canonical fields become columns, everything else stays in `extra`.
// A file is read in parts of bounded size (src/ingest/split-lines.ts) so memory does not grow with the file;
// each part is staged, checked and copied into `events` inside the source's one transaction.
import { rm } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { Store } from '../store/db.js';
import { loadKeys } from '../store/key-registry.js';
import type { KeyRecord } from '../types.js';
import { lap } from '../util/profile.js';
import { EVENT_STAGE } from './event-fields.js';
import type { FileScan } from './file-scan.js';
import { reportProgress } from './ingest-progress.js';
import type { LoadResult } from './load-result.js';
import { makePartDir } from './part-dir.js';
import { stageNdjson, type RejectRow, type StageSpec } from './ndjson-stage.js';
import { tsReject } from './read-records.js';
import { newTokensFrom, startVerifying, storeTokens, type TokenBatch } from './register-tokens.js';
import { MAX_LINE_BYTES, readAhead, splitLines, type LinePart } from './split-lines.js';

/** Bytes of NDJSON per part: big enough that DuckDB's parallel read pays off, small enough to keep memory flat. */
export function partBytes(): number {
  const env = Number(process.env.JWT_FORENSICS_PART_BYTES);
  return Number.isFinite(env) && env > 0 ? env : 256 * 1024 * 1024;
}

/** The first part is small so that DuckDB starts reading while the bigger ones are still being cut. */
const FIRST_PART_BYTES = 32 * 1024 * 1024;

/** DuckDB's memory while events load (it would otherwise keep up to 80% of RAM of written blocks cached). A part
 *  and its stage fit in it; what is over it is evicted or spilled, so memory stays flat however big the file. */
export function ingestMemory(): string {
  const env = process.env.JWT_FORENSICS_MEMORY?.trim();
  if (!env) return '1GB';
  if (!/^\d+(\.\d+)?\s*(MB|GB|MiB|GiB)$/i.test(env)) throw new InputError(`JWT_FORENSICS_MEMORY must be a size such as 2GB or 512MB, not ${JSON.stringify(env.slice(0, 20))}`);
  return env;
}

// `spec` is EVENT_STAGE for canonical events, a compiled mapping's spec for provider logs (src/ingest/mapping.ts).
export async function readEvents(store: Store, scan: FileScan, sourceId: number, spec: StageSpec = EVENT_STAGE): Promise<LoadResult> {
  lap('events: start');
  const memory = ingestMemory();
  const dir = await makePartDir();
  try {
    await store.run(`SET memory_limit = $memory`, { memory });
    // Every distinct token of the file and its sha256; events join it to carry the sha256, not the token.
    await store.run(`CREATE OR REPLACE TEMP TABLE stage_tokens (token VARCHAR, token_sha VARCHAR)`);
    const rejects: RejectRow[] = [];
    const batches: TokenBatch[] = [];
    let rows = 0;
    let lines = 0;
    const keys = await loadKeys(store); // an events file brings no keys: load them once, not once per part
    const size = partBytes();
    for await (const part of readAhead(splitLines(scan.path, scan.gzip, dir, size, Math.min(size, FIRST_PART_BYTES)))) {
      const loaded = await loadPart(store, part, spec, sourceId, keys);
      await rm(part.path, { force: true });
      rows += loaded.rows;
      lines += part.lines;
      rejects.push(...loaded.rejects, ...part.oversized.map(tooLong));
      batches.push(loaded.tokens);
      reportProgress({ path: scan.label ?? scan.path, bytesRead: part.sourceBytesRead, bytesTotal: scan.bytes, events: rows });
    }
    // The parts and the background scan read the file separately: if they disagree, it changed under us.
    if (lines !== (await scan.lines)) {
      throw new InputError(`${scan.label ?? scan.path}: the file changed while it was being read (${await scan.lines} lines, then ${lines}); copy it and ingest the copy`);
    }
    let newTokens = 0;
    for (const batch of batches) newTokens += await storeTokens(store, sourceId, batch);
    lap('events: tokens stored');
    return { rows, rejects: rejects.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)), newTokens };
  } finally {
    await store.run(`DROP TABLE IF EXISTS stage_tokens`).catch(() => undefined);
    await store.run(`RESET memory_limit`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadPart(
  store: Store,
  part: LinePart,
  spec: StageSpec,
  sourceId: number,
  keys: KeyRecord[],
): Promise<{ rows: number; rejects: RejectRow[]; tokens: TokenBatch }> {
  const staged = await stageNdjson(store, part, spec);
  const t = spec.table;
  const badTs = await store.all<{ line: bigint; ts_raw: string | null }>(`SELECT line, ts_raw FROM ${t} WHERE ts IS NULL ORDER BY line`);
  const rejects = staged.rejects.concat(badTs.map(tsReject));
  await store.run(`DELETE FROM ${t} WHERE ts IS NULL`);
  // sha256 once per distinct token (tens of thousands), not once per event (millions), then joined back.
  await store.run(`CREATE OR REPLACE TEMP TABLE part_tokens AS
    SELECT token, sha256(token) AS token_sha FROM (SELECT DISTINCT token FROM ${t} WHERE token IS NOT NULL) n
    WHERE NOT EXISTS (SELECT 1 FROM stage_tokens k WHERE k.token = n.token)`);
  await store.run(`INSERT INTO stage_tokens SELECT token, token_sha FROM part_tokens`);
  const fresh = await newTokensFrom(store, 'part_tokens');
  await store.run(`DROP TABLE part_tokens`);
  lap('events: part tokens hashed');
  // Each row carries its line number, so the copy need not keep the stage's order: it can run in parallel.
  await store.run(`SET preserve_insertion_order = false`);
  const copying = store.run(
    `INSERT INTO events SELECT $sid, s.line, s.ts, s.event, k.token_sha, s.jti, s.sub, s.sid, s.client_id, s.ip, s.country,
       s.city, s.lat, s.lon, s.ua, s.app_version, s.aud, s.outcome, s.parent_jti, s.reason, s.extra
     FROM ${t} s LEFT JOIN stage_tokens k ON k.token = s.token`,
    { sid: sourceId },
  );
  copying.catch(() => undefined); // awaited just below
  // This part's new tokens are decoded (and verified, on into the next part) in JS while DuckDB copies.
  const tokens = startVerifying(keys, fresh);
  try {
    await copying;
  } finally {
    await store.run(`SET preserve_insertion_order = true`);
  }
  const rows = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))!.n);
  await store.run(`DROP TABLE ${t}`);
  lap('events: part inserted');
  return { rows, rejects, tokens };
}

function tooLong(o: { line: number; bytes: number }): RejectRow {
  return { line: o.line, reason: 'line-too-long', detail: `the line is ${o.bytes.toLocaleString('en')} bytes, over the ${MAX_LINE_BYTES / 1024 / 1024} MiB a line may have` };
}
