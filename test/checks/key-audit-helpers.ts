// Run one key-audit check over a few inline input files (written to a temp folder and ingested in memory).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import type { Finding } from '../../src/findings/finding.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { DEFAULT_POLICY, mergePolicy } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';

export async function audit(check: Check, files: Record<string, string>, policy: Record<string, unknown> = {}): Promise<Finding[]> {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const store = await Store.open(':memory:');
  try {
    await ingestPaths(store, [dir]);
    return await runChecks(store, Object.keys(policy).length ? mergePolicy(policy) : DEFAULT_POLICY, [check]);
  } finally {
    store.close();
  }
}

export const ndjson = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

export const rec = (kid: string, action: string, ts: string) => ({ ts, kid, action, actor: 'ops' });
