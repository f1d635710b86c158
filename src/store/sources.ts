// The `sources` row of an ingested file: one statement, columns named, for every reader (ingest-source.ts) and for
// the files no reader took (unrecognised.ts).
import { TOOL_VERSION } from '../version.js';
import type { Store } from './db.js';

export interface SourceRow {
  id: number;
  /** as given on the command line (`-` for standard input) */
  path: string;
  sha256: string;
  kind: string;
  preset: string | null;
  bytes: number;
  rows: number;
  rejected: number;
  newTokens: number;
  elapsedMs: number;
}

export async function recordSource(store: Store, r: SourceRow): Promise<void> {
  await store.run(
    `INSERT INTO sources (id, path, sha256, kind, preset, bytes, rows, rejected, new_tokens, ingested_at, tool_version, elapsed_ms)
     VALUES ($id, $path, $sha, $kind, $preset, $bytes, $rows, $rejected, $tokens, now()::TIMESTAMP, $version, $ms)`,
    {
      id: r.id, path: r.path, sha: r.sha256, kind: r.kind, preset: r.preset, bytes: r.bytes, rows: r.rows, rejected: r.rejected,
      tokens: r.newTokens, version: TOOL_VERSION, ms: r.elapsedMs,
    },
  );
}
