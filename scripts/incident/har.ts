// (13) A support-desk HAR: u-1014 records her browser session for ticket SUP-5521 (13:12–13:18); whoever later
// reads the ticket's attachment exchanges the refresh token its token response issued to her browser, from
// Amsterdam (another country and network) with her own user agent copied from the HAR's headers. The access token
// the same HAR holds is used only from her office afterwards (near miss N13). Built last, so the tokens of every other incident stay as they were.
import { jti, type Minted } from './tokens.js';
import { refresh, webClient } from './traffic.js';
import type { Scenario } from './scenario.js';
import { API, at, PLACES, UA, type Client } from './world.js';

export const HAR_FILE = 'captures/support-ticket-SUP-5521.har';
const REPLAY: Client['geo'] = { country: 'NL', city: 'Amsterdam', lat: 52.3676, lon: 4.9041 };
const ISSUER_HOST = 'auth.acme.example';
const API_HOST = new URL(API).host;

export async function harIncident(s: Scenario): Promise<string> {
  const office = webClient('81.2.69.143', PLACES.london, UA.chromeWin);
  const replay: Client = { ...office, ip: '45.155.205.17', geo: REPLAY };
  const ms = at('13:10:00');
  const sid = s.issuer.newSid();
  const rt1 = await s.issuer.refresh('u-1014', 'acme-web', sid, ms);
  const at1 = await s.issuer.access('u-1014', 'acme-web', sid, ms);
  s.log.tokenEvent(ms, 'issue', office, rt1, { extra: { grant_type: 'password' } });
  s.log.tokenEvent(ms, 'issue', office, at1, { extra: { grant_type: 'password' } });
  for (const c of ['13:10:30', '13:12:05', '13:13:10']) s.log.use(at(c), office, at1);
  const [rt2, at2] = await refresh(s, 'u-1014', office, rt1, at('13:15:00'));
  for (const c of ['13:16:20', '13:20:40', '13:27:30']) s.log.use(at(c), office, at2);
  // 14:20: the refresh token the HAR's token response issued to her browser, exchanged from Amsterdam
  const [, at3] = await refresh(s, 'u-1014', replay, rt2, at('14:20:00'));
  for (const c of ['14:20:40', '14:24:10', '14:31:00']) s.log.use(at(c), replay, at3);
  s.planted.push({
    id: '13', title: "Refresh token issued in a support-desk HAR (u-1014's browser session), exchanged from Amsterdam", checks: ['har-token-replay'],
    jti: jti(rt2), sub: 'u-1014', ts: at('14:20:00'), outcome: 'success',
    detail: `${HAR_FILE} recorded 13:12:05–13:18:00 holds her access token ${jti(at1)} in \`authorization: Bearer\` (entries 1–2), the refresh token ${jti(rt1)} in the token request's form (entry 3) and the pair its JSON response issued to her browser (${jti(at2)}, and the refresh token ${jti(rt2)}); at 14:20:00 that refresh token is exchanged from 45.155.205.17 (NL) with her own Chrome user agent (copied from the HAR's headers), and the access token ${jti(at3)} it gets is used until 14:31:00`,
  });
  s.nearMisses.push({
    id: 'N13', title: 'u-1014 carries on with the access token the HAR recorded, from her office', checks: [], sub: 'u-1014', jti: jti(at2), ts: at('13:20:40'), outcome: 'success',
    detail: 'har-token-replay must not fire on it: after the recording only her own address (81.2.69.143) presents it',
  });
  return harText(office, at1, rt1, at2, rt2);
}

const h = (name: string, value: string): { name: string; value: string } => ({ name, value });

function harText(client: Client, at1: Minted, rt1: Minted, at2: Minted, rt2: Minted): string {
  const iso = (c: string): string => new Date(at(c)).toISOString();
  const browser = [h(':authority', API_HOST), h('accept', 'application/json'), h('user-agent', client.ua ?? ''), h('sec-ch-ua-platform', '"Windows"')];
  // Chrome's export: entry members in alphabetical order, HTTP/2 header names in lower case
  const entry = (clock: string, request: object, response: object, server: string): object => ({
    _initiator: { type: 'script' }, _priority: 'High', _resourceType: 'fetch', cache: {}, connection: '443', pageref: 'page_1',
    request: { httpVersion: 'http/2.0', headersSize: -1, bodySize: 0, cookies: [], queryString: [], ...request },
    response: { status: 200, statusText: '', httpVersion: 'http/2.0', cookies: [], redirectURL: '', headersSize: -1, bodySize: -1, _transferSize: 900, _error: null, ...response },
    serverIPAddress: server, startedDateTime: iso(clock), time: 61.4, timings: { blocked: 1.1, dns: -1, ssl: -1, connect: -1, send: 0.3, wait: 58.7, receive: 1.3 },
  });
  const json = (v: unknown): object => {
    const text = JSON.stringify(v);
    return { content: { size: text.length, mimeType: 'application/json', text }, headers: [h('content-type', 'application/json')] };
  };
  const api = (clock: string, path: string, token: Minted, body: unknown, query: [string, string][] = []): object =>
    entry(clock, {
      method: 'GET', url: `${API}${path}${query.length ? `?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`,
      queryString: query.map(([name, value]) => h(name, value)), headers: [...browser, h('authorization', `Bearer ${token.token}`)],
    }, json(body), '203.0.113.10');
  const har = {
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: '537.36' },
      pages: [{ startedDateTime: iso('13:12:00'), id: 'page_1', title: 'https://app.acme.example/billing', pageTimings: { onContentLoad: 640.2, onLoad: 1210.9 } }],
      entries: [
        api('13:12:05', '/v1/accounts/me', at1, { id: 'u-1014', plan: 'business' }),
        api('13:13:10', '/v1/invoices', at1, { invoices: [{ id: 'INV-2209', status: 'failed' }] }, [['page', '1']]),
        entry('13:15:00', {
          method: 'POST', url: `https://${ISSUER_HOST}/oauth2/token`, headers: [h('content-type', 'application/x-www-form-urlencoded'), h('user-agent', client.ua ?? '')],
          postData: { mimeType: 'application/x-www-form-urlencoded', params: [h('grant_type', 'refresh_token'), h('refresh_token', rt1.token), h('client_id', 'acme-web')] },
        }, json({ access_token: at2.token, token_type: 'Bearer', expires_in: 3600, refresh_token: rt2.token, scope: 'openid profile api:read api:write' }), '203.0.113.20'),
        api('13:16:20', '/v1/invoices/INV-2209', at2, { id: 'INV-2209', status: 'failed', error: 'card_declined' }),
        entry('13:18:00', { method: 'GET', url: 'https://app.acme.example/static/spinner.png', headers: [h('user-agent', client.ua ?? '')] },
          { content: { size: 68, mimeType: 'image/png', text: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', encoding: 'base64' }, headers: [h('content-type', 'image/png')] }, '203.0.113.30'),
      ],
    },
  };
  return JSON.stringify(har, null, 2) + '\n';
}
