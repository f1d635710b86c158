// Run one check over a handful of events written on the spot (the behaviour checks' unit tests).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import type { Finding } from '../../src/findings/finding.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { mergePolicy } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';

export const T0 = Date.UTC(2026, 2, 14, 10, 0, 0) / 1000;

export async function findingsFor(check: Check, events: object[], policy: Record<string, unknown> = {}, files: Record<string, string> = {}): Promise<Finding[]> {
  const dir = tempDir();
  writeFileSync(join(dir, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const store = await Store.open(':memory:');
  try {
    await ingestPaths(store, [dir]);
    return await runChecks(store, mergePolicy(policy), [check]);
  } finally {
    store.close();
  }
}
