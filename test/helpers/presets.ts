// The preset tests' shared step: ingest a fixture with one built-in preset, check the preset read it, and select
// the mapped events' columns.
import { expect } from 'vitest';
import { ingestFile, type SourceSummary } from '../../src/ingest/ingest-source.js';
import { presets } from '../../src/ingest/mapping/presets/index.js';
import type { Store } from '../../src/store/db.js';

/** Ingest `path` with the preset named `preset`, expect the summary to name it, and return the summary and
 *  `SELECT <cols> FROM events ORDER BY <order>` as JSON rows. */
export async function ingestPreset<R>(store: Store, path: string, preset: string, cols: string, order = 'line'): Promise<{ s: SourceSummary; rows: R[] }> {
  const s = await ingestFile(store, path, { mapping: presets().get(preset)! });
  expect(s.preset).toBe(preset);
  return { s, rows: await store.json<R>(`SELECT ${cols} FROM events ORDER BY ${order}`) };
}
