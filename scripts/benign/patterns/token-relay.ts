// Issue 21 pattern 6. Token relay and hybrid apps: one token presented by two agents without anyone replaying it.
// - The web app's backend-for-frontend and the API gateway forward the user's access token to internal services
//   behind the same API (billing, profile) from private addresses with their HTTP client's user agent (node-fetch, axios, Go, Java), as
//   the OAuth 2.0 for Browser-Based Applications BCP's token-mediating backend does.
// - The phone app opens its help centre and account pages in an embedded web view (iOS WKWebView, Android WebView)
//   and hands it the same access token; the web view calls the API from the same phone.
import { API, DAY, HOUR, T0, type Device, type World } from '../world.js';

const PATTERN = 'token-relay';

/** Internal callers: which service relays, from where, with which user agent and client_id. */
const RELAYS = [
  { ip: '10.20.1.7', ua: 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', client_id: 'web-bff', aud: API },
  { ip: '10.20.1.8', ua: 'axios/1.6.7', client_id: 'web-bff', aud: API },
  { ip: '172.16.4.2', ua: 'Go-http-client/1.1', client_id: 'api-gateway', aud: API },
  { ip: '192.168.50.11', ua: 'Java/17.0.10', client_id: 'profile-svc', aud: API },
  { ip: '10.20.3.30', ua: 'Apache-HttpClient/5.2.1 (Java/17.0.10)', client_id: 'billing-svc', aud: API },
];

const WEB_VIEW: Record<string, string> = {
  'ios-app': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'android-app':
    'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.64 Mobile Safari/537.36',
};

export async function plant(w: World): Promise<void> {
  await relays(w);
  await hybrid(w);
}

async function relays(w: World): Promise<void> {
  for (const [i, user] of w.users.slice(0, 36).entries()) {
    const day = i % 5;
    const start = T0 + day * DAY + (user.home.geo.lon < -30 ? 15 : 9) * HOUR + w.int(0, 2 * HOUR);
    const s = await w.session(user, start, w.int(30 * 60, 90 * 60), { pattern: PATTERN });
    // the browser's last access token, also relayed inward a few times by one or two services
    const at = s.access;
    const c = w.common(s);
    w.push(PATTERN, { ts: at.iat + 20, event: 'use', token: at.token, jti: at.jti, aud: API, outcome: 'success', ...c });
    const services = [w.pick(RELAYS), ...(w.chance(0.4) ? [w.pick(RELAYS)] : [])];
    for (const r of services) {
      for (let k = 0; k < w.int(1, 4); k++) {
        w.push(PATTERN, {
          ts: at.iat + 21 + k * w.int(5, 120), event: 'use', token: at.token, jti: at.jti, sub: user.sub, sid: s.sid, aud: r.aud,
          outcome: 'success', ip: r.ip, ua: r.ua, client_id: r.client_id,
        });
      }
    }
  }
}

async function hybrid(w: World): Promise<void> {
  const phones = w.users.filter((u) => u.devices[1]).slice(0, 30);
  for (const [i, user] of phones.entries()) {
    const app: Device = user.devices[1]!;
    const evening = T0 + (i % 7) * DAY + (user.home.geo.lon < -30 ? 23 : 19) * HOUR + w.int(0, HOUR);
    const s = await w.session(user, evening, w.int(5 * 60, 12 * 60), { device: app, pattern: PATTERN });
    const at = s.access;
    const c = w.common(s);
    // the app's own call, then the web view it opened with the same token (same phone, same IP, same client)
    w.push(PATTERN, { ts: at.iat + 10, event: 'use', token: at.token, jti: at.jti, aud: API, outcome: 'success', ...c });
    for (let k = 0; k < w.int(2, 5); k++) {
      w.push(PATTERN, { ts: at.iat + 30 + k * w.int(10, 60), event: 'use', token: at.token, jti: at.jti, aud: API, outcome: 'success', ...c, ua: WEB_VIEW[app.client_id] });
    }
  }
}
