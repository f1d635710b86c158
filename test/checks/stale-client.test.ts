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

  it('keeps finding ids stable across runs', async () => {
    const files = { 'e.ndjson': events(['1.0.0']) };
    const [a] = await audit(staleClient, files, { min_app_version: '2.0.0' });
    const [b] = await audit(staleClient, files, { min_app_version: '2.0.0' });
    expect(a!.id).toBe(b!.id);
  });
});
