import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceChange } from '../../src/checks/device-change.js';
import { runChecks } from '../../src/checks/engine.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { DEFAULT_POLICY } from '../../src/policy/policy.js';
import { tempDir } from '../helpers/tmp.js';
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

  describe('relays, hybrid apps and a device change alone (issue 21)', () => {
    const safari = FAMILIES[2]![0];
    const u = (min: number, ua: string, ip: string, extra: object = {}) => use(min, { ua, ip, jti: 't', ...extra });
    const judged = async (events: object[], policy: Record<string, unknown> = {}) =>
      (await findingsFor(deviceChange, events, policy)).map((f) => f.severity);

    it('sets aside a server agent relaying the token from an internal network, not from a public one', async () => {
      const browser = u(0, chrome, '81.2.69.142', { client_id: 'web' });
      const agents = ['axios/1.6.7', 'Go-http-client/2.0', 'okhttp/4.12.0', 'Java/17.0.2', 'Apache-HttpClient/5.2.1 (Java/17)', 'curl/8.5.0'];
      const ips = ['10.0.3.4', '192.168.1.20', '172.31.0.9', '100.64.1.1', '127.0.0.1', 'fd12:3456::7'];
      const relays = agents.flatMap((agent, i) => ips.flatMap((ip, k) => {
        const jti = `relay-${i}-${k}`;
        return [{ ...browser, jti }, u(1, agent, ip, { client_id: 'bff', jti })];
      }));
      expect(await judged(relays)).toEqual([]);
      // the same agent from a public address, or a browser from an internal one, is a device
      expect(await judged([browser, u(1, 'axios/1.6.7', '203.0.113.5', { client_id: 'bff' })])).toEqual(['high']);
      expect(await judged([browser, u(1, safari, '10.0.3.4', { client_id: 'web' })])).toEqual(['high']);
      // and no network is internal when the policy lists none
      expect(await judged([browser, u(1, 'axios/1.6.7', '10.0.3.4', { client_id: 'bff' })], { internal_networks: [] })).toEqual(['high']);
    });

    it('counts the relayed uses in the evidence of a finding the token raises otherwise', async () => {
      const found = await findingsFor(deviceChange, [
        u(0, chrome, '81.2.69.142', { client_id: 'web' }),
        u(1, 'node-fetch/1.0', '10.1.1.1', { client_id: 'bff' }),
        u(2, 'python-requests/2.31.0', '175.16.199.23'),
      ]);
      expect(found.map((f) => [f.severity, f.evidence.device_count, f.evidence.relayed_uses])).toEqual([['high', 2, 1]]);
    });

    it('joins an embedded web view to its native app on the same network, and only then', async () => {
      const app = 'AcmeApp/5.2.1 (Linux; Android 14; Pixel 8)';
      const webView = 'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.64 Mobile Safari/537.36';
      const iosApp = 'AcmeApp/5.2.1 CFNetwork/1494.0.7 Darwin/23.4.0 (iPhone)';
      const wk = 'Mozilla/5.0 (iPad; CPU OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
      expect(await judged([u(0, app, '1.128.0.1', { client_id: 'android' }), u(1, webView, '1.128.0.1', { client_id: 'android' })])).toEqual([]);
      expect(await judged([u(0, iosApp, '1.128.0.1', { client_id: 'ios' }), u(1, wk, '1.128.0.77')])).toEqual([]);
      // another network, another client, or a web view of the other platform: devices
      expect(await judged([u(0, app, '1.128.0.1', { client_id: 'android' }), u(1, webView, '175.16.199.23', { client_id: 'android' })])).toEqual(['high']);
      expect(await judged([u(0, app, '1.128.0.1', { client_id: 'android' }), u(1, webView, '1.128.0.1', { client_id: 'web' })])).toEqual(['medium']);
      expect(await judged([u(0, iosApp, '1.128.0.1', { client_id: 'ios' }), u(1, webView, '1.128.0.1')])).toEqual(['medium']);
      // a real Chrome on Android is no web view
      const chromeAndroid = FAMILIES[4]![0];
      expect(await judged([u(0, app, '1.128.0.1', { client_id: 'android' }), u(1, chromeAndroid, '1.128.0.1', { client_id: 'android' })])).toEqual(['medium']);
    });

    it('is medium for a device change on one network and place, high with another place or no IP to tell', async () => {
      const paris = { country: 'FR', city: 'Paris', lat: 48.8566, lon: 2.3522 };
      const lyon = { country: 'FR', city: 'Lyon', lat: 45.764, lon: 4.8357 };
      expect(await judged([u(0, chrome, '81.2.69.142', { geo: paris }), u(5, 'curl/8.5.0', '81.2.69.200', { geo: paris })])).toEqual(['medium']);
      expect(await judged([u(0, chrome, '81.2.69.142', { geo: paris }), u(5, 'curl/8.5.0', '81.2.69.200', { geo: lyon })])).toEqual(['high']);
      expect(await judged([use(0, { ua: chrome, jti: 't' }), use(5, { ua: 'curl/8.5.0', jti: 't' })].map(({ ip: _ip, ...e }) => e))).toEqual(['high']);
      // IPv6: one /48
      expect(await judged([u(0, chrome, '2a02:6b8:0:1::5'), u(5, 'curl/8.5.0', '2a02:6b8:0:9::7')])).toEqual(['medium']);
    });

    it('reads one autonomous system as one network when --asn knows both addresses', async () => {
      const dir = tempDir();
      const events = [u(0, chrome, '81.2.69.142'), u(5, 'curl/8.5.0', '81.2.70.9')];
      writeFileSync(join(dir, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
      const store = await Store.open(':memory:');
      try {
        await ingestPaths(store, [dir]);
        expect((await runChecks(store, DEFAULT_POLICY, [deviceChange])).map((f) => f.severity)).toEqual(['high']);
        await store.run(`INSERT INTO ip_locations (ip, asn, db) VALUES ('81.2.69.142', 20712, 'test'), ('81.2.70.9', 20712, 'test')`);
        expect((await runChecks(store, DEFAULT_POLICY, [deviceChange])).map((f) => f.severity)).toEqual(['medium']);
      } finally {
        store.close();
      }
    });
  });
});
