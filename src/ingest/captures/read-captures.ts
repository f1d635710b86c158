// Token captures: one compact JWT a line, or NDJSON {captured_at, token, source, note}. Malformed tokens are
// kept (decoded with a reason code): a broken token in a capture is still evidence.
import { sha256Hex } from '../../jwt/fingerprint.js';
import { appendRows, type Cell } from '../../store/append.js';
import type { Store } from '../../store/db.js';
import type { FileScan } from '../events/file-scan.js';
import { isBlank, readLines } from '../events/line-scan.js';
import { MAX_LINE_BYTES, tooLong } from '../events/line-limits.js';
import { gunzipGuard } from '../gunzip-limit.js';
import { loadKeys } from '../../store/key-registry.js';
import type { LoadResult } from '../load-result.js';
import { tsReject, type RejectRow } from '../line-reasons.js';
import { stageNdjson, type StageSpec } from '../events/ndjson-stage.js';
import { TOKEN_CHUNK, TokenChunks, type RawToken } from '../register-tokens.js';
import { textSql, timestampSql } from '../sql-time.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Capture rows appended at a time. */
const ROW_CHUNK = 50_000;

/** Text form: a line is a token, optionally behind `Bearer `. Read in chunks, like events: the rows are appended
 *  every ROW_CHUNK lines and the new tokens go through TOKEN_CHUNK at a time (register-tokens.ts), so memory holds a
 *  few chunks, not every token of the file (1M distinct tokens took 2.4 GB when they were kept). */
export async function readCaptureLines(store: Store, scan: FileScan, sourceId: number): Promise<LoadResult> {
  const label = scan.label ?? scan.path;
  const chunks = new TokenChunks(store, sourceId, await loadKeys(store), scan.verify);
  const rejects: RejectRow[] = [];
  let rows: Cell[][] = [];
  let total = 0;
  let fresh = new Map<string, RawToken>(); // tokens of this chunk not met before in the file
  const startTokens = async (): Promise<void> => {
    const known = await knownShas(store, [...fresh.keys()]);
    await chunks.add([...fresh.values()].filter((t) => !known.has(t.sha256)));
    fresh = new Map();
  };
  const appendCaptures = async (): Promise<void> => {
    await appendRows(store, 'captures', ['int', 'bigint', 'text', 'text', 'text', 'text', 'json'], rows);
    total += rows.length;
    rows = [];
  };
  const lines = readLines(scan.path, scan.gzip, { maxLineBytes: MAX_LINE_BYTES, guard: gunzipGuard(label, scan.bytes) });
  for await (const batch of lines) {
    for (const { line, bytes, tooLong: length } of batch) {
      if (length !== undefined) {
        rejects.push(tooLong({ line, bytes: length }));
        continue;
      }
      if (isBlank(bytes)) continue;
      let text: string;
      try {
        text = utf8.decode(bytes);
      } catch {
        rejects.push({ line, reason: 'bad-utf8', detail: 'the line is not valid UTF-8' });
        continue;
      }
      const raw = text.replace(/^\uFEFF/, '').trim().replace(/^bearer\s+/i, '');
      const sha = sha256Hex(raw);
      rows.push([sourceId, line, null, sha, null, null, null]);
      if (fresh.has(sha) || chunks.has(sha)) continue;
      fresh.set(sha, { sha256: sha, raw });
      if (fresh.size >= TOKEN_CHUNK) await startTokens();
    }
    if (rows.length >= ROW_CHUNK) await appendCaptures();
  }
  await startTokens();
  await appendCaptures();
  return { rows: total, rejects, newTokens: await chunks.finish() };
}

const CAPTURE_STAGE: StageSpec = {
  table: 'stage_captures',
  fields: { ts: '$.captured_at', token: '$.token', origin: '$.source', note: '$.note' },
  projection: {
    ts: timestampSql('r_ts'),
    ts_raw: 'r_ts',
    token: `NULLIF(trim(regexp_replace(r_token, '^\\s*[Bb]earer\\s+', '')), '')`,
    token_sha: `sha256(NULLIF(trim(regexp_replace(r_token, '^\\s*[Bb]earer\\s+', '')), ''))`,
    origin: textSql('r_origin'),
    note: textSql('r_note'),
    extra: 'x',
  },
  omit: { captured_at: null, token: null, source: null, note: null },
};

/** NDJSON form. `captured_at` is optional; when present it must be a time. */
export async function readCaptureRecords(store: Store, scan: FileScan, sourceId: number): Promise<LoadResult> {
  const staged = await stageNdjson(store, scan, CAPTURE_STAGE);
  const t = CAPTURE_STAGE.table;
  const invalid = `token IS NULL OR (ts IS NULL AND ts_raw IS NOT NULL)`;
  const bad = await store.all<{ line: bigint; ts_raw: string | null; token: string | null }>(
    `SELECT line, ts_raw, token FROM ${t} WHERE ${invalid} ORDER BY line`,
  );
  const rejects = staged.rejects.concat(
    bad.map((r) =>
      r.token === null ? { line: Number(r.line), reason: 'missing-token', detail: 'a capture needs `token`' } : tsReject(r),
    ),
  );
  await store.run(`DELETE FROM ${t} WHERE ${invalid}`);
  await store.run(`INSERT INTO captures SELECT $sid, line, ts, token_sha, origin, note, extra FROM ${t}`, { sid: sourceId });
  const rows = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))!.n);
  // the new tokens in chunks, as the text form: sorted once by sha256 in DuckDB, then read a chunk at a time
  const chunks = new TokenChunks(store, sourceId, await loadKeys(store), scan.verify);
  await store.run(
    `CREATE OR REPLACE TEMP TABLE new_capture_tokens AS SELECT token_sha AS sha, any_value(token) AS raw FROM ${t} s
     WHERE token IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tokens k WHERE k.sha256 = s.token_sha)
     GROUP BY token_sha ORDER BY token_sha`,
  );
  await store.run(`DROP TABLE ${t}`);
  for (let after = '';;) {
    const page = await store.all<{ sha: string; raw: string }>(
      `SELECT sha, raw FROM new_capture_tokens WHERE sha > $after ORDER BY sha LIMIT ${TOKEN_CHUNK}`,
      { after },
    );
    if (page.length === 0) break;
    await chunks.add(page.map((r) => ({ sha256: r.sha, raw: r.raw })));
    after = page[page.length - 1]!.sha;
  }
  await store.run(`DROP TABLE new_capture_tokens`);
  return { rows, rejects, newTokens: await chunks.finish() };
}

async function knownShas(store: Store, shas: string[]): Promise<Set<string>> {
  if (shas.length === 0) return new Set();
  const rows = await store.all<{ sha256: string }>(`SELECT sha256 FROM tokens WHERE list_contains($s::VARCHAR[], sha256)`, {
    s: JSON.stringify(shas),
  });
  return new Set(rows.map((r) => r.sha256));
}
