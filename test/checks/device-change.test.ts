import { describe, expect, it } from 'vitest';
import { deviceChange } from '../../src/checks/device-change.js';
import { Store } from '../../src/store/db.js';
import { uaFamilySql } from '../../src/util/ua-family.js';
import { findingsFor, T0 } from './behaviour-helpers.js';

const FAMILIES: [string, string | null][] = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome on Windows'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36 Edg/133.0.0.0', 'Edge on Windows'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Safari/605.1.15', 'Safari on macOS'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1', 'Safari on iOS'],
  ['Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36', 'Chrome on Android'],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:136.0) Gecko/20100101 Firefox/136.0', 'Firefox on Linux'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/122.0.0.0 Safari/537.36', 'Headless Chrome on Linux'],
  ['AcmeMobile/5.4.1 (iPhone; iOS 18.3; Scale/3.00)', 'acmemobile on iOS'],
  ['AcmeMobile/5.4.0 (Linux; Android 15; Pixel 8)', 'acmemobile on Android'],
  ['python-requests/2.31.0', 'python-requests'],
  ['curl/8.5.0', 'curl'],
  ['acme-cli/1.9.0 (darwin; arm64)', 'acme-cli on macOS'],
  ['   ', null],
];

describe('user-agent family', () => {
  it('names browser and OS without versions', async () => {
    const store = await Store.open(':memory:');
    try {
      const rows = await store.json<{ f: string | null }>(
        `SELECT ${uaFamilySql('ua')} AS f FROM (SELECT unnest($uas::VARCHAR[]) AS ua, generate_subscripts($uas::VARCHAR[], 1) AS i) ORDER BY i`,
        { uas: JSON.stringify(FAMILIES.map(([ua]) => ua)) },
      );
      expect(rows.map((r) => r.f)).toEqual(FAMILIES.map(([, f]) => f));
    } finally {
      store.close();
    }
  });
});

describe('device-change', () => {
  const chrome = FAMILIES[0]![0];
  const use = (min: number, extra: object) => ({ ts: T0 + min * 60, event: 'use', ip: '81.2.69.142', outcome: 'success', ...extra });

  it('follows a refresh token into the refresh events that exchange it (parent_jti)', async () => {
    const found = await findingsFor(deviceChange, [
      { ...use(0, { ua: chrome, client_id: 'acme-web', jti: 'rt-2' }), event: 'refresh', parent_jti: 'rt-1' },
      { ...use(20, { ua: chrome, client_id: 'acme-web', jti: 'rt-3a' }), event: 'refresh', parent_jti: 'rt-2' },
      { ...use(50, { ua: 'python-requests/2.31.0', client_id: 'acme-web', jti: 'rt-3b', ip: '1.128.0.1' }), event: 'refresh', parent_jti: 'rt-2' },
    ]);
    expect(found.map((f) => [f.jti, f.severity])).toEqual([['rt-2', 'high']]);
    expect(found[0]!.events).toHaveLength(3);
  });

  it('keeps a stable id across runs', async () => {
    const events = [use(0, { ua: chrome, jti: 'a' }), use(5, { ua: 'curl/8.5.0', jti: 'a', outcome: 'failure' })];
    const [first] = await findingsFor(deviceChange, events);
    const [again] = await findingsFor(deviceChange, events);
    expect(first!.severity).toBe('low');
    expect(again!.id).toBe(first!.id);
  });

  it('ignores tokens seen on one device, whatever the version bumps', async () => {
    const found = await findingsFor(deviceChange, [
      use(0, { ua: chrome, jti: 'b', client_id: 'acme-web' }),
      use(9, { ua: chrome.replace('Chrome/120', 'Chrome/121'), jti: 'b', client_id: 'acme-web' }),
      use(10, { jti: 'b' }), // no UA, no client_id: unknown, not another device
    ]);
    expect(found).toEqual([]);
  });
});
