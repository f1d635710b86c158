// One test per scenario folder: ingest its inputs, run every check, compare the findings of the checks it judges
// with its expected.json after a complete sort.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { CHECKS } from '../../src/checks/registry.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { DEFAULT_POLICY, mergePolicy } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';

const ROOT = new URL('../../fixtures/scenarios/', import.meta.url).pathname;
const KEYS = ['check', 'severity', 'token', 'jti', 'sub', 'kid'] as const;

interface ExpectedFile {
  checks: string[];
  findings: Record<string, string | null>[];
}

export async function findingsOf(dir: string) {
  const store = await Store.open(':memory:');
  try {
    await ingestPaths(store, [dir]);
    const policyFile = join(dir, 'policy.json');
    const policy = existsSync(policyFile) ? mergePolicy(JSON.parse(readFileSync(policyFile, 'utf8'))) : DEFAULT_POLICY;
    return await runChecks(store, policy, CHECKS);
  } finally {
    store.close();
  }
}

const scenarios = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, 'expected.json'))).sort() : [];

describe('check scenarios', () => {
  it('exist', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  for (const name of scenarios) {
    it(name, async () => {
      const dir = join(ROOT, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as ExpectedFile;
      const actual = (await findingsOf(dir))
        .filter((f) => expected.checks.includes(f.check))
        .map((f) => Object.fromEntries(KEYS.map((k) => [k, f[k]])) as Record<string, unknown>);
      // Each expected entry must match one finding on the fields it pins; nothing may be left over.
      const unexpected = [...actual];
      const missing: unknown[] = [];
      for (const want of expected.findings) {
        const i = unexpected.findIndex((a) => KEYS.every((k) => !(k in want) || want[k] === a[k]));
        if (i === -1) missing.push(want);
        else unexpected.splice(i, 1);
      }
      expect({ missing, unexpected }).toEqual({ missing: [], unexpected: [] });
    });
  }
});
