import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const CHROME = (v: number): string =>
  `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`;
const UA = {
  chrome120: CHROME(120),
  chrome121: CHROME(121),
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Safari/605.1.15',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:136.0) Gecko/20100101 Firefox/136.0',
  ios540: 'AcmeMobile/5.4.0 (iPhone; iOS 18.3; Scale/3.00)',
  ios541: 'AcmeMobile/5.4.1 (iPhone; iOS 18.3; Scale/3.00)',
  python: 'python-requests/2.31.0',
  curl: 'curl/8.5.0',
  nodeFetch: 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
  goHttp: 'Go-http-client/1.1',
  iosWebView: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  androidApp: 'AcmeMobile/5.4.1 (Linux; Android 15; Pixel 8)',
  androidWebView: 'Mozilla/5.0 (Linux; Android 15; Pixel 8 Build/AP4A.250205.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/133.0.6943.49 Mobile Safari/537.36',
};
const BFF = '10.20.1.7'; // the backend-for-frontend, inside the data centre
const GATEWAY = '172.16.4.2';
const PHONE = '1.128.0.1'; // a phone on its carrier
const OFFICE = '81.2.69.142';
const ATTACKER = '175.16.199.23';

export async function scenario(kit: Kit): Promise<Scenario> {
  const base = { iss: 'https://auth.example', aud: 'https://api.example', iat: T0, exp: T0 + 3600 };
  const tok = (sub: string, jti?: string) => kit.sign('rsa', { ...base, sub, ...(jti ? { jti } : {}) });
  const replayed = await tok('alice', 'dc-replayed');
  const rejected = await tok('bob', 'dc-rejected');
  const noJti = await tok('carol'); // identified by its fingerprint
  const updated = await tok('dave', 'dc-update');
  const headerless = await tok('erin', 'dc-headerless');
  const frankWeb = await tok('frank', 'dc-frank-web');
  const frankApp = await tok('frank', 'dc-frank-app');
  const appUpdate = await tok('gina', 'dc-app-update');
  const relayed = await tok('hank', 'dc-relayed');
  const hybridIos = await tok('iris', 'dc-hybrid-ios');
  const hybridAndroid = await tok('jack', 'dc-hybrid-android');
  const sameDesk = await tok('kate', 'dc-same-desk');
  const fakeView = await tok('liam', 'dc-fake-web-view');

  type Opt = { outcome?: string | null; event?: string; ip?: string; client_id?: string | null };
  const ev = (min: number, token: string, ua: string | null, o: Opt = {}) => ({
    ts: T0 + Math.round(min * 60), event: o.event ?? 'use', token, ip: o.ip ?? OFFICE, aud: base.aud,
    ...(ua ? { ua } : {}),
    ...(o.client_id === null ? {} : { client_id: o.client_id ?? 'acme-web' }),
    ...(o.outcome === null ? {} : { outcome: o.outcome ?? 'success' }),
  });
  return {
    id: 'device-change',
    description: 'Bearer tokens replayed from a second device (other UA family or client_id), accepted, rejected and of unknown outcome; a token copied into curl on the same network (medium); a spoofed web-view UA from another network; relays and hybrid apps quiet.',
    checks: ['device-change'],
    files: {
      'keys.json': kit.jwks('rsa'),
      'events.ndjson': ndjson([
        // alice's token copied into a script: accepted on both devices → high
        ev(0, replayed, UA.chrome120, { event: 'issue' }),
        ev(1, replayed, UA.chrome120),
        ev(12, replayed, UA.python, { ip: ATTACKER, client_id: null }),
        ev(14, replayed, UA.python, { ip: ATTACKER, client_id: null }),
        // bob's token tried with curl and rejected (bound to the client) → low
        ev(2, rejected, UA.safariMac),
        ev(20, rejected, UA.curl, { ip: ATTACKER, outcome: 'failure', client_id: null }),
        ev(21, rejected, UA.curl, { ip: ATTACKER, outcome: 'failure', client_id: null }),
        // carol's jti-less token: same app UA, but presented under another client_id, outcome not logged → medium
        ev(3, noJti, UA.ios541, { client_id: 'acme-mobile' }),
        ev(30, noJti, UA.ios541, { client_id: 'partner-portal', ip: ATTACKER, outcome: null }),
        // near miss: Chrome auto-updated 120 → 121 on the same PC mid-token, and an admin revoking it from Firefox
        ev(4, updated, UA.chrome120),
        ev(40, updated, UA.chrome121),
        ev(45, updated, UA.firefoxLinux, { event: 'revoke', client_id: 'admin-console', ip: '10.0.0.5' }),
        // near miss: a gateway line without UA or client_id is an unknown agent, not a second device
        ev(5, headerless, UA.firefoxLinux),
        ev(6, headerless, null, { client_id: null }),
        // near miss: one person, two devices, two different tokens
        ev(7, frankWeb, UA.chrome120),
        ev(8, frankApp, UA.ios541, { client_id: 'acme-mobile' }),
        // near miss: the mobile app updated 5.4.0 → 5.4.1 on the same iPhone
        ev(9, appUpdate, UA.ios540, { client_id: 'acme-mobile' }),
        ev(50, appUpdate, UA.ios541, { client_id: 'acme-mobile' }),
        // near miss: the web app's backend-for-frontend and the API gateway relay hank's browser token to internal
        // services from private addresses, with server user agents and their own client_ids
        ev(10, relayed, UA.chrome120),
        ev(10.1, relayed, UA.nodeFetch, { ip: BFF, client_id: 'web-bff' }),
        ev(10.2, relayed, UA.goHttp, { ip: GATEWAY, client_id: null }),
        ev(11, relayed, UA.nodeFetch, { ip: BFF, client_id: 'web-bff' }),
        // near miss: hybrid apps: the native app and its embedded web view (WKWebView, Android WebView) share the token
        ev(12, hybridIos, UA.ios541, { client_id: 'acme-mobile', ip: PHONE }),
        ev(13, hybridIos, UA.iosWebView, { client_id: 'acme-mobile', ip: PHONE }),
        ev(14, hybridAndroid, UA.androidApp, { client_id: 'acme-mobile', ip: PHONE }),
        ev(15, hybridAndroid, UA.androidWebView, { client_id: null, ip: PHONE }),
        // kate's token pasted into curl on the same office network: a device change alone → medium, not high
        ev(16, sameDesk, UA.chrome120),
        ev(17, sameDesk, UA.curl, { client_id: null }),
        // liam's app token replayed with a web-view user agent from another network: not the app's web view → high
        ev(18, fakeView, UA.ios541, { client_id: 'acme-mobile', ip: PHONE }),
        ev(19, fakeView, UA.iosWebView, { client_id: 'acme-mobile', ip: ATTACKER }),
      ]),
    },
    expected: [
      { check: 'device-change', severity: 'high', token: fingerprint(replayed), jti: 'dc-replayed', sub: 'alice', kid: 'rsa-current' },
      { check: 'device-change', severity: 'low', token: fingerprint(rejected), jti: 'dc-rejected', sub: 'bob' },
      { check: 'device-change', severity: 'medium', token: fingerprint(noJti), jti: null, sub: 'carol' },
      { check: 'device-change', severity: 'medium', token: fingerprint(sameDesk), jti: 'dc-same-desk', sub: 'kate' },
      { check: 'device-change', severity: 'high', token: fingerprint(fakeView), jti: 'dc-fake-web-view', sub: 'liam' },
    ],
    near_misses: [
      'Chrome/120 → Chrome/121 on the same Windows PC (browser auto-update) is one device',
      'AcmeMobile 5.4.0 → 5.4.1 on the same iPhone (app update) is one device',
      'an admin revoking the token from another browser is not a use of it',
      'an event without UA or client_id is an unknown agent, not a second device',
      'one subject on two devices with two different tokens is normal multi-device use',
      'a backend-for-frontend (node-fetch) and an API gateway (Go-http-client) relaying the browser token from private addresses are relays, not devices',
      'an iOS app and its WKWebView, an Android app and its WebView, on the same phone network: one hybrid app',
      'kate: the token copied into curl on the same office network is medium (a device change alone), not high',
    ],
  };
}
