// Auth events (DESIGN.md "Auth events"): canonical fields become columns, everything else stays in `extra`.
// DuckDB reads a plain file whole, in place, and writes its events straight into `events`
// (events/insert-part.ts); a .gz file, or one with a line too long to read, is cut into parts first
// (events/split-lines.ts). Either way it streams, inside the source's one transaction, so memory does not
// grow with the file.
import { rm } from 'node:fs/promises';
import { InputError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import { loadKeys } from '../../store/key-registry.js';
import { lap } from '../../util/profile.js';
import { EVENT_STAGE } from './event-fields.js';
import type { FileScan } from './file-scan.js';
import { reportProgress } from '../ingest-progress.js';
import type { LoadResult } from '../load-result.js';
import { makePartDir } from './part-dir.js';
import { insertPart, PlacementError } from './insert-part.js';
import type { RejectRow } from '../line-reasons.js';
import type { StageSpec } from './ndjson-stage.js';
import { settleClaims, startVerifying, storeTokens, TOKEN_CHUNK, TokenChunks } from '../register-tokens.js';
import { newTokenLines, tokenTexts } from './token-lines.js';
import { tooDeep, tooLong } from './line-limits.js';
import { splitParts, wholeFile } from './ndjson-parts.js';
import { duplicateWarning, fixDuplicateKeys } from './duplicate-fix.js';
import type { LinePart } from './split-lines.js';
import { digestAlongside, type TableBlocks } from '../../store/ledger-digest.js';

/** DuckDB's memory while events load (it would otherwise keep up to 80% of RAM of written blocks cached): what is
 *  over it is evicted or spilled, so memory stays flat however big the file. */
export function ingestMemory(): string {
  const env = process.env.JWT_FORENSICS_MEMORY?.trim();
  if (!env) return '1GB';
  if (!/^\d+(\.\d+)?\s*(MB|GB|MiB|GiB)$/i.test(env)) throw new InputError(`JWT_FORENSICS_MEMORY must be a size such as 2GB or 512MB, not ${JSON.stringify(env.slice(0, 20))}`);
  return env;
}

/** Run `work` with DuckDB's memory capped as while events load (captures too: their tokens fill a transaction). */
export async function withMemoryCap<T>(store: Store, work: () => Promise<T>): Promise<T> {
  await store.run(`SET memory_limit = $memory`, { memory: ingestMemory() });
  try {
    return await work();
  } finally {
    await store.run(`RESET memory_limit`).catch(() => undefined);
  }
}

// `spec` is EVENT_STAGE for canonical events, a compiled mapping's spec for provider logs (mapping/mapping.ts).
export async function readEvents(store: Store, scan: FileScan, sourceId: number, spec: StageSpec = EVENT_STAGE): Promise<LoadResult> {
  lap('events: start');
  const memory = ingestMemory();
  const dir = await makePartDir();
  let early: Promise<TableBlocks | null> | null = null;
  try {
    await store.run(`SET memory_limit = $memory`, { memory });
    const rejects: RejectRow[] = [];
    let rows = 0;
    let lines = 0;
    const keys = await loadKeys(store); // an events file brings no keys: load them once, not once per part
    const chunks = new TokenChunks(store, sourceId, keys, scan.verify);
    const seen = new Set<string>(); // sha256 of the tokens earlier parts brought
    const label = scan.label ?? scan.path;
    let newTokens = 0;
    const duplicates: number[] = []; // lines that repeat a key, found by DuckDB as it reads (insert-part.ts)
    const load = async (part: LinePart, last: boolean): Promise<void> => {
      const loaded = await insertPart(store, part, spec, sourceId);
      if (last) {
        // the source's events as they will stay, unless a later step changes them (settled below): committed, and
        // hashed for its ledger entry on a second connection while the tokens are decoded and verified in JS
        await store.commitSoFar();
        early = digestAlongside(store, 'events', sourceId);
      }
      // New tokens go through in chunks: each is decoded, then verified in JS while DuckDB goes on (the next
      // chunk's lines, the next part); a chunk is stored once more than MAX_PENDING tokens wait, so memory holds
      // a few chunks of decoded tokens, not every token of the file.
      const wanted = await newTokenLines(store, part, sourceId, seen);
      for (let i = 0; i < wanted.length; i += TOKEN_CHUNK) {
        const fresh = await tokenTexts(store, part, spec, wanted.slice(i, i + TOKEN_CHUNK), seen, loaded.recovered, dir);
        await chunks.add(fresh);
      }
      rows += loaded.rows;
      lines += part.lines;
      duplicates.push(...loaded.duplicates);
      rejects.push(...loaded.rejects, ...part.oversized.map(tooLong), ...part.tooDeep.map(tooDeep));
      reportProgress({ path: label, bytesRead: part.sourceBytesRead, bytesTotal: scan.bytes, events: rows });
    };
    const whole = await wholeFile(scan);
    if (whole) {
      const progress = (pct: number): void => reportProgress({ path: label, bytesRead: (scan.bytes * pct) / 100, bytesTotal: scan.bytes, events: Math.round((whole.lines * pct) / 100) });
      await withProgress(store, progress, () => load(whole, true));
    } else {
      for await (const part of splitParts(scan, dir)) {
        await load(part, false);
        await rm(part.path, { force: true });
      }
    }
    // The parts and the background scan read the file separately: if they disagree, it changed under us.
    if (lines !== (await scan.lines)) {
      throw new InputError(`${label}: the file changed while it was being read (${await scan.lines} lines, then ${lines}); copy it and ingest the copy`);
    }
    newTokens += await chunks.finish();
    lap('events: tokens stored');
    // Lines that repeat a key: settled after the bulk INSERT, so the few that repeat a canonical one are re-read.
    const fix = await fixDuplicateKeys(store, { path: scan.path, gzip: scan.gzip, index: (await scan.layout) ?? undefined }, sourceId, spec, duplicates.sort((a, b) => a - b));
    if (fix.tokens.length) newTokens += await storeTokens(store, sourceId, startVerifying(keys, fix.tokens, scan.verify));
    const warning = duplicateWarning(fix);
    lap('events: duplicate keys set');
    // events that carry claims instead of a token: onto their token's identity, or rejected with their line
    const refused = await settleClaims(store, sourceId, 'events');
    rows -= refused.length;
    rejects.push(...refused);
    // the early digest stands only if no row changed since: no line re-read for a repeated key, none moved onto
    // the token its claims stand for
    const blocks = early ? await early : null;
    const ready = blocks && fix.lines === 0 && chunks.claimsTexts === 0 ? { ready: { events: blocks } } : {};
    return { rows, rejects: rejects.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)), newTokens, ...(warning ? { warnings: [warning] } : {}), ...ready };
  } catch (err) {
    if (err instanceof PlacementError) throw new PlacementError(`${scan.label ?? scan.path}: the file changed while it was being read (${err.message}); copy it and ingest the copy`);
    throw err;
  } finally {
    await early; // never left running on a store about to close (it settles to null on failure)
    await store.run(`RESET memory_limit`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Run `work` while reporting how far DuckDB's running statement is, a few times a second (only forward: the
 *  small statements after the big read must not move the bar back). */
async function withProgress<T>(store: Store, report: (pct: number) => void, work: () => Promise<T>): Promise<T> {
  await store.run(`SET enable_progress_bar = true`);
  await store.run(`SET enable_progress_bar_print = false`);
  let shown = 0;
  report(0); // the bar's clock starts now, so its events/s is right
  const timer = setInterval(() => {
    const pct = Math.min(store.progress(), 99);
    if (pct > shown) report((shown = pct));
  }, 250);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await store.run(`RESET enable_progress_bar`).catch(() => undefined);
    await store.run(`RESET enable_progress_bar_print`).catch(() => undefined);
  }
}
