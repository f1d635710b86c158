// har-token-replay's coverage counts only HAR captures with a time: a HAR whose entries have no readable
// startedDateTime gives it nothing to compare uses with, so it is not evaluated and says why (never silently clean).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCoveredChecks } from '../../src/checks/engine.js';
import { CHECKS } from '../../src/checks/registry.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { DEFAULT_POLICY } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';

const BASELINE = new URL('../../fixtures/scenarios/clean-baseline/', import.meta.url).pathname;
const events = readFileSync(join(BASELINE, 'events.ndjson'), 'utf8');
const token = (JSON.parse(events.split('\n')[0]!) as { token: string }).token;

const har = (started: string | undefined): string =>
  JSON.stringify({ log: { version: '1.2', entries: [{ ...(started ? { startedDateTime: started } : {}),
    request: { method: 'GET', url: 'https://api.example/v1', headers: [{ name: 'Authorization', value: `Bearer ${token}` }] } }] } });

async function harCoverage(started: string | undefined) {
  const dir = tempDir();
  writeFileSync(join(dir, 'events.ndjson'), events);
  writeFileSync(join(dir, 'session.har'), har(started));
  const store = await Store.open(':memory:');
  try {
    await ingestPaths(store, [dir]);
    const { coverage } = await runCoveredChecks(store, DEFAULT_POLICY, CHECKS);
    return coverage.find((e) => e.check === 'har-token-replay')!;
  } finally {
    store.close();
  }
}

describe('har-token-replay coverage', () => {
  it('a HAR whose entries have no startedDateTime: not evaluated, and says why', async () => {
    expect(typeof token).toBe('string');
    const entry = await harCoverage(undefined);
    expect(entry).toMatchObject({ evaluated: false, examined: 0 });
    expect(entry.why).toContain('1 HAR capture, none with a readable startedDateTime');
  });

  it('near miss: the same HAR with a time is evaluated', async () => {
    expect(await harCoverage('2026-03-14T10:00:00Z')).toMatchObject({ evaluated: true, examined: 1 });
  });
});
