// Token captures: one compact JWT a line, or NDJSON {captured_at, token, source, note}. Malformed tokens are
// kept (decoded with a reason code): a broken token in a capture is still evidence.
import { sha256Hex } from '../../jwt/fingerprint.js';
import { appendRows } from '../../store/append.js';
import type { Store } from '../../store/db.js';
import type { FileScan } from '../events/file-scan.js';
import { forEachLine, isBlank } from '../events/line-scan.js';
import type { LoadResult } from '../load-result.js';
import { tsReject, type RejectRow } from '../line-reasons.js';
import { stageNdjson, type StageSpec } from '../events/ndjson-stage.js';
import { newTokensFrom, registerTokens, type RawToken } from '../register-tokens.js';
import { textSql, timestampSql } from '../sql-time.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text form: a line is a token, optionally behind `Bearer `. */
export async function readCaptureLines(store: Store, scan: FileScan, sourceId: number): Promise<LoadResult> {
  const rows: [number, number, null, string, null, null, null][] = [];
  const tokens = new Map<string, RawToken>();
  const rejects: RejectRow[] = [];
  await forEachLine(scan.path, scan.gzip, (line, bytes) => {
    if (isBlank(bytes)) return;
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      rejects.push({ line, reason: 'bad-utf8', detail: 'the line is not valid UTF-8' });
      return;
    }
    const raw = text.replace(/^\uFEFF/, '').trim().replace(/^bearer\s+/i, '');
    const sha = sha256Hex(raw);
    tokens.set(sha, { sha256: sha, raw });
    rows.push([sourceId, line, null, sha, null, null, null]);
  });
  await appendRows(store, 'captures', ['int', 'bigint', 'text', 'text', 'text', 'text', 'json'], rows);
  const known = await knownShas(store, [...tokens.keys()]);
  const fresh = [...tokens.values()].filter((t) => !known.has(t.sha256));
  return { rows: rows.length, rejects, newTokens: await registerTokens(store, sourceId, fresh) };
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
  const newTokens = await registerTokens(store, sourceId, await newTokensFrom(store, t));
  await store.run(`DROP TABLE ${t}`);
  return { rows, rejects, newTokens };
}

async function knownShas(store: Store, shas: string[]): Promise<Set<string>> {
  if (shas.length === 0) return new Set();
  const rows = await store.all<{ sha256: string }>(`SELECT sha256 FROM tokens WHERE list_contains($s::VARCHAR[], sha256)`, {
    s: JSON.stringify(shas),
  });
  return new Set(rows.map((r) => r.sha256));
}
