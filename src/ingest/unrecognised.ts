// Chain of custody for what was not read (DESIGN.md "Inputs"): a file no reader recognises is still recorded in
// `sources` — kind `unrecognised`, its sha256 and size, no rows — with one reject (`unrecognised`, no line) saying
// why, so every report's list of inputs shows it. The same bytes read later with a preset, a mapping or --kind
// replace this record (src/ingest/ingest-source.ts).
import { stat } from 'node:fs/promises';
import type { Store } from '../store/db.js';
import { StoreWriteError } from '../store/write-error.js';
import { recordSource } from '../store/sources.js';
import { sha256OfFile } from './events/file-scan.js';
import type { SourceSummary } from './ingest-source.js';
import { recordIngest } from './ledger-entry.js';

export async function recordUnrecognised(store: Store, path: string, label: string, why: string, unusable: string | null): Promise<SourceSummary> {
  const started = Date.now();
  const sha256 = await sha256OfFile(path);
  const bytes = (await stat(path)).size;
  const base: SourceSummary = {
    path: label, sha256, kind: 'unrecognised', preset: null, skipped: false, rows: 0, rejected: 0, rejects: [], newTokens: 0, reverified: 0, warnings: [], elapsedMs: 0,
    ...(unusable ? { unusable } : {}),
  };
  if (await store.one(`SELECT id FROM sources WHERE sha256 = $sha`, { sha: sha256 })) return { ...base, skipped: true, elapsedMs: Date.now() - started };
  const reject = { line: null, reason: 'unrecognised', detail: `not read: ${why}` };
  await store.transaction(async () => {
    const id = Number((await store.one<{ id: bigint }>(`SELECT nextval('source_ids') AS id`))!.id);
    await store.run(`INSERT INTO rejects VALUES ($id, $path, NULL, $reason, $detail)`, { id, path: label, reason: reject.reason, detail: reject.detail });
    await recordSource(store, {
      id, path: label, sha256, kind: 'unrecognised', preset: null, bytes, rows: 0, rejected: 1, newTokens: 0, elapsedMs: Date.now() - started,
    });
    await recordIngest(store, id);
  }).catch((err: unknown) => {
    throw err instanceof StoreWriteError ? err.during(label) : err;
  });
  return { ...base, rejected: 1, rejects: [reject], elapsedMs: Date.now() - started };
}
