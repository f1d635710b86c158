import { describe, expect, it } from 'vitest';
import { staleClient } from '../../src/checks/stale-client.js';
import { audit, ndjson } from './key-audit-helpers.js';

const T0 = 1773482400;
const events = (versions: string[]) =>
  ndjson(versions.map((app_version, i) => ({ ts: T0 + i, event: 'use', sub: `u-${i}`, client_id: 'app', app_version, outcome: 'success' })));
const flagged = async (min: string | null, versions: string[]) =>
  (await audit(staleClient, { 'e.ndjson': events(versions) }, { min_app_version: min })).map((f) => f.evidence.app_version).sort();

describe('stale-client', () => {
  it('compares versions numerically, part by part', async () => {
    const versions = ['4.10.0', '4.9.10', '4.9.2', '4.9.2+build.5', '10.0.0', '4.9.1', 'v4.9.1', '4.9', '4.9.2-rc.1', '3'];
    expect(await flagged('4.9.2', versions)).toEqual(['3', '4.9', '4.9.1', '4.9.2-rc.1', 'v4.9.1']);
  });

  it('leaves versions it cannot read alone', async () => {
    expect(await flagged('4.9.2', ['garbage', '', '99999999999999999999999.1'])).toEqual([]);
  });

  it('holds named apps to their own minimum and the rest to the unnamed one', async () => {
    const versions = ['ios-5.3.9', 'ios-5.4.0', 'iOS-5.10', 'android-3.9.9', 'android-4.1.0', 'web-2026.03.2'];
    expect(await flagged('ios-5.4.0, 4.0.0', versions)).toEqual(['android-3.9.9', 'ios-5.3.9']);
  });

  it('is off without a minimum', async () => {
    expect(await flagged(null, ['0.0.1'])).toEqual([]);
  });

  it('leaves builds in their grace period at info, and judges only the requests from the effective date on', async () => {
    const from = new Date((T0 + 100) * 1000).toISOString();
    const rows = [
      { ts: T0 + 10, v: '1.0.0', sub: 'early' }, // grace only
      { ts: T0 + 20, v: '1.1.0', sub: 'late' },
      { ts: T0 + 200, v: '1.1.0', sub: 'late' }, // after the deadline, still accepted
    ];
    const files = {
      'e.ndjson': ndjson(rows.map((r) => ({ ts: r.ts, event: 'use', sub: r.sub, client_id: 'app', app_version: r.v, outcome: 'success' }))),
    };
    const found = await audit(staleClient, files, { min_app_version: { version: '2.0.0', from } });
    const by = Object.fromEntries(found.map((f) => [f.evidence.app_version as string, f]));
    expect(by['1.0.0']).toMatchObject({ severity: 'info', evidence: { uses: 1, uses_in_grace_period: 1, accepted: 0 } });
    expect(by['1.0.0']!.title).toContain('grace period until');
    expect(by['1.1.0']).toMatchObject({ severity: 'medium', evidence: { uses: 2, uses_in_grace_period: 1, accepted: 1 } });
    // the same floor without a date takes effect at once: both are stale
    const now = await audit(staleClient, files, { min_app_version: { version: '2.0.0', from: null } });
    expect(now.map((f) => f.severity)).toEqual(['medium', 'medium']);
  });

  it('keeps finding ids stable across runs', async () => {
    const files = { 'e.ndjson': events(['1.0.0']) };
    const [a] = await audit(staleClient, files, { min_app_version: '2.0.0' });
    const [b] = await audit(staleClient, files, { min_app_version: '2.0.0' });
    expect(a!.id).toBe(b!.id);
  });
});
