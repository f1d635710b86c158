// Issue 21: a week of realistic benign production traffic (fixtures/benign-week, written by scripts/make-benign.ts)
// must raise nothing of medium or above — with the default policy, and with the deployment's own policy.json
// (trusted audiences, an app-version floor with its grace period). Every routine pattern is planted and tagged
// (`benign_pattern`); patterns.json counts them, and this test checks each is really in the store.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { CHECKS } from '../../src/checks/registry.js';
import { severityRank, type Finding } from '../../src/findings/finding.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { DEFAULT_POLICY, mergePolicy } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';

const DIR = new URL('../../fixtures/benign-week/', import.meta.url).pathname;
const patterns = JSON.parse(readFileSync(join(DIR, 'patterns.json'), 'utf8')) as { events: number; patterns: Record<string, number> };

const loud = (findings: Finding[]): string[] =>
  findings
    .filter((f) => severityRank(f.severity) <= severityRank('medium'))
    .map((f) => `${f.severity} ${f.check}: ${f.title} ${JSON.stringify(f.evidence).slice(0, 240)}`);

describe('the benign production week', () => {
  let store: Store;
  beforeAll(async () => {
    store = await Store.open(':memory:');
    await ingestPaths(store, [DIR]);
  }, 120_000);
  afterAll(() => store.close());

  it('loads whole: every event, every planted pattern', async () => {
    const [row] = await store.all<{ n: bigint; rejects: bigint }>(
      `SELECT (SELECT count(*) FROM events) AS n, (SELECT count(*) FROM rejects) AS rejects`,
    );
    const { n, rejects } = row!;
    expect({ n: Number(n), rejects: Number(rejects) }).toEqual({ n: patterns.events, rejects: 0 });
    const tagged = (await store.all(
      `SELECT extra->>'benign_pattern' AS p, count(*) AS n FROM events GROUP BY ALL`,
    )) as { p: string | null; n: bigint }[];
    const counts = Object.fromEntries(tagged.map((r) => [r.p ?? '(background)', Number(r.n)]));
    expect(counts).toEqual(patterns.patterns);
  });

  it('raises nothing of medium or above with the default policy', { timeout: 300_000 }, async () => {
    expect(loud(await runChecks(store, DEFAULT_POLICY, CHECKS))).toEqual([]);
  });

  it("raises nothing of medium or above with the deployment's policy", { timeout: 300_000 }, async () => {
    const file = join(DIR, 'policy.json');
    const policy = existsSync(file) ? mergePolicy(JSON.parse(readFileSync(file, 'utf8'))) : DEFAULT_POLICY;
    expect(loud(await runChecks(store, policy, CHECKS))).toEqual([]);
  });
});
