// An ingest's ledger entry (src/store/ledger.ts): the source as recorded in `sources` — path as given, size, the
// sha256 of the bytes read, kind, preset or mapping (and the sha256 of the mapping's canonical JSON), rows, rejects — and the digests of
// the rows it added, table by table. Written inside the source's transaction: the rows and their entry land together.
import { appendEntry, type LedgerEntry } from '../store/ledger.js';
import canonicalize from 'canonicalize';
import { ROW_TEXT, sourceDigests, type TableBlocks } from '../store/ledger-digest.js';
import { sha256Hex } from '../util/sha256.js';
import type { Mapping } from './mapping/mapping.js';
import type { Store } from '../store/db.js';
import { TOOL_VERSION } from '../version.js';

export async function recordIngest(
  store: Store,
  sourceId: number,
  extra: { mapping?: Mapping | null; replaces?: number | null; ready?: Record<string, TableBlocks> } = {},
): Promise<LedgerEntry> {
  const s = await store.one<{ path: string; sha256: string; kind: string; preset: string | null; bytes: unknown; rows: unknown; rejected: unknown }>(
    `SELECT path, sha256, kind, preset, bytes, rows, rejected FROM sources WHERE id = $id`, { id: sourceId },
  );
  if (!s) throw new Error(`ledger: source ${sourceId} is not recorded`);
  const { tables, blocks } = await sourceDigests(store, sourceId, extra.ready);
  return appendEntry(store, 'ingest', {
    source_id: sourceId, path: s.path, bytes: Number(s.bytes), sha256: s.sha256, kind: s.kind, preset: s.preset,
    mapping_sha256: extra.mapping ? sha256Hex(canonicalize(extra.mapping.file) ?? '') : null, rows: Number(s.rows), rejected: Number(s.rejected),
    replaces: extra.replaces ?? null, tool_version: TOOL_VERSION, row_text: ROW_TEXT, tables,
  }, blocks);
}
