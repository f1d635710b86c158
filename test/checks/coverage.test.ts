// Coverage: every check says what it needs; a store without it makes the check "not evaluated" (with why), never
// silently clean, and never a finding about what is missing (a key "without rotation records" in a store that has none).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAMILIES, NEEDS, strictFailures } from '../../src/checks/coverage.js';
import { runChecks, runCoveredChecks } from '../../src/checks/engine.js';
import { keyRotationGap } from '../../src/checks/key-rotation-gap.js';
import { CHECKS } from '../../src/checks/registry.js';
import type { CoverageEntry } from '../../src/findings/coverage.js';
import type { Finding } from '../../src/findings/finding.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { DEFAULT_POLICY, mergePolicy, type Policy } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';

const BASELINE = new URL('../../fixtures/scenarios/clean-baseline/', import.meta.url).pathname;
const read = (name: string): string => readFileSync(join(BASELINE, name), 'utf8');
const baselineEvents = (): Record<string, unknown>[] => read('events.ndjson').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const ndjson = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const POLICY = mergePolicy(JSON.parse(read('policy.json')) as Record<string, unknown>);

interface Covered {
  findings: Finding[];
  coverage: CoverageEntry[];
  of: (check: string) => CoverageEntry;
}

/** Every check, coverage first, over a store holding these files. */
async function covered(files: Record<string, string>, policy: Policy = POLICY, also?: (store: Store) => Promise<void>): Promise<Covered> {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const store = await Store.open(':memory:');
  try {
    await ingestPaths(store, [dir]);
    const { findings, coverage } = await runCoveredChecks(store, policy, CHECKS);
    await also?.(store);
    return { findings, coverage, of: (id) => coverage.find((e) => e.check === id)! };
  } finally {
    store.close();
  }
}

describe('coverage declarations', () => {
  it.each(CHECKS.map((c) => [c.id, c] as const))('%s declares what it needs and its family', (_id, check) => {
    expect(check.coverage, `${check.id} has no coverage declaration`).toBeDefined();
    expect(FAMILIES).toContain(check.coverage!.family);
    expect(check.coverage!.needs.length).toBeGreaterThan(0);
    for (const need of check.coverage!.needs.flat()) expect(NEEDS).toContain(need);
  });

  it('signature and use checks are the strict ones; the key audit and behaviour checks are not', () => {
    const fam = (id: string) => CHECKS.find((c) => c.id === id)!.coverage!.family;
    expect(['bad-signature', 'alg-none', 'unknown-key', 'revoked-key'].map(fam)).toEqual(['signature', 'signature', 'signature', 'signature']);
    expect(['expired-use', 'revoked-use', 'refresh-reuse'].map(fam)).toEqual(['use', 'use', 'use']);
    expect(['impossible-travel', 'key-rotation-gap'].map(fam)).toEqual(['behaviour', 'keys']);
  });
});

describe('coverage of a store', () => {
  it('a store whose events carry no token: the token checks are not evaluated, and say why', async () => {
    const events = baselineEvents().map(({ token: _t, ...e }) => e);
    const { coverage, of, findings } = await covered({ 'events.ndjson': ndjson(events), 'keys.json': read('keys.json'), 'rotation.ndjson': read('rotation.ndjson') });
    for (const id of ['alg-none', 'alg-confusion', 'bad-signature', 'header-injection', 'unknown-key', 'jti-collision', 'lifetime-excessive']) {
      expect(of(id)).toMatchObject({ evaluated: false, why: 'no tokens (no event or capture carries one)' });
    }
    expect(of('expired-use')).toMatchObject({ evaluated: false, unit: 'events carry a token', examined: 0, total: events.length });
    expect(of('expired-use').why).toContain('no tokens');
    expect(findings.filter((f) => ['alg-none', 'bad-signature', 'expired-use', 'unknown-key'].includes(f.check))).toEqual([]);
    // behaviour checks that need no token still look
    expect(of('failure-burst')).toMatchObject({ evaluated: true, examined: events.length, total: events.length, unit: 'events record an outcome' });
    expect(strictFailures(coverage, CHECKS).map((e) => e.check)).toContain('bad-signature');
  });

  it('no events at all, only captures: the use checks say "no auth events"', async () => {
    const tokens = [...new Set(baselineEvents().flatMap((e) => (typeof e.token === 'string' ? [e.token] : [])))].slice(0, 5);
    const { of } = await covered({ 'captures.txt': `${tokens.join('\n')}\n`, 'keys.json': read('keys.json') });
    expect(of('alg-none')).toMatchObject({ evaluated: true, examined: 5, total: 5, unit: 'tokens decoded' });
    expect(of('expired-use')).toMatchObject({ evaluated: false, why: 'no auth events and no refresh events' });
    expect(of('impossible-travel')).toMatchObject({ evaluated: false, why: 'no auth events' });
  });

  it('har-token-replay follows HAR captures only: captures from other files leave it not evaluated, and it says so', async () => {
    const tokens = [...new Set(baselineEvents().flatMap((e) => (typeof e.token === 'string' ? [e.token] : [])))].slice(0, 3);
    const { of } = await covered({ 'events.ndjson': read('events.ndjson'), 'captures.txt': `${tokens.join('\n')}\n`, 'keys.json': read('keys.json') });
    expect(of('har-token-replay')).toMatchObject({ evaluated: false, why: 'no HAR file ingested (the captures come from other files)' });
    const none = await covered({ 'events.ndjson': read('events.ndjson'), 'keys.json': read('keys.json') });
    expect(none.of('har-token-replay')).toMatchObject({ evaluated: false, why: 'no token captures (no HAR file ingested)' });
  });

  it('a store without rotation records: key-rotation-gap is not evaluated, not a finding per key', async () => {
    const files = { 'events.ndjson': read('events.ndjson'), 'keys.json': read('keys.json') };
    let uncovered: Finding[] = [];
    const { of, findings } = await covered(files, POLICY, async (store) => {
      uncovered = await runChecks(store, POLICY, [keyRotationGap]);
    });
    for (const id of ['key-rotation-gap', 'retired-key', 'revoked-key']) {
      expect(of(id)).toMatchObject({ evaluated: false, why: 'no key rotation records', examined: 0, unit: 'registry keys have rotation records' });
    }
    expect(findings.filter((f) => f.check === 'key-rotation-gap')).toEqual([]);
    // run on its own (no coverage), the audit would have called every key "without rotation records"
    expect(uncovered.length).toBeGreaterThan(0);
    expect(uncovered.every((f) => f.evidence.problem === 'no-records')).toBe(true);
  });

  it('the same store with its rotation records: evaluated, with how many keys have records', async () => {
    const { of } = await covered({ 'events.ndjson': read('events.ndjson'), 'keys.json': read('keys.json'), 'rotation.ndjson': read('rotation.ndjson') });
    const keys = (JSON.parse(read('keys.json')) as { keys: { kid: string }[] }).keys.length;
    expect(of('key-rotation-gap')).toMatchObject({ evaluated: true, total: keys, unit: 'registry keys have rotation records', why: null });
    expect(of('key-rotation-gap').examined).toBeGreaterThan(0);
  });

  it('a store without locations: impossible-travel is not evaluated; with some, it says how many of the events', async () => {
    const events = baselineEvents();
    const bare = events.map(({ geo: _g, ...e }) => e);
    const none = await covered({ 'events.ndjson': ndjson(bare), 'keys.json': read('keys.json') });
    expect(none.of('impossible-travel')).toMatchObject({
      evaluated: false, examined: 0, total: events.length, unit: 'events located',
      why: '0 events located (no geo lat/lon in the logs, no --geoip place for their IPs)',
    });
    expect(none.findings.filter((f) => f.check === 'impossible-travel')).toEqual([]);

    const some = events.map((e, i) => (i % 2 === 0 ? e : bare[i]!));
    const located = some.filter((e) => {
      const g = e.geo as { lat?: number; lon?: number } | undefined;
      return g !== undefined && typeof g.lat === 'number' && !(g.lat === 0 && g.lon === 0);
    }).length;
    const half = await covered({ 'events.ndjson': ndjson(some), 'keys.json': read('keys.json') });
    expect(half.of('impossible-travel')).toMatchObject({ evaluated: true, examined: located, total: events.length, why: null });
  });

  it('policy needs: stale-client is off without min_app_version, audience-mismatch without aud or trusted lists', async () => {
    const events = baselineEvents().map(({ aud: _a, ...e }) => e);
    const { of } = await covered({ 'events.ndjson': ndjson(events), 'keys.json': read('keys.json') }, DEFAULT_POLICY);
    expect(of('stale-client')).toMatchObject({ evaluated: false, why: 'policy min_app_version is not set (the check is off)' });
    expect(of('audience-mismatch')).toMatchObject({
      evaluated: false,
      why: '0 events name the API they targeted (aud) and the policy sets neither trusted_audiences nor trusted_issuers',
    });
  });

  it('the clean baseline with its policy: every signature and use check is evaluated', async () => {
    const { coverage } = await covered({
      'events.ndjson': read('events.ndjson'), 'keys.json': read('keys.json'), 'rotation.ndjson': read('rotation.ndjson'),
    });
    expect(strictFailures(coverage, CHECKS)).toEqual([]);
    expect(coverage.map((e) => e.check)).toEqual(CHECKS.map((c) => c.id));
  });
});
