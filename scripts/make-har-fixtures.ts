// Writes fixtures/har/ (see its SOURCE.md): HAR 1.2 files in the shapes Chrome's and Firefox's devtools export,
// with real RS256 tokens (the incident's committed test key acme-2026-rsa, deterministic) planted in every place a
// token turns up, and a cut copy. Run: node --import tsx scripts/make-har-fixtures.ts
import { writeFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { getKey, loadIncidentKeys } from './incident/keys.js';

const OUT = new URL('../fixtures/har/', import.meta.url);
const T0 = Date.parse('2026-03-14T09:00:00Z') / 1000;

const keys = await loadIncidentKeys();
const key = getKey(keys, 'acme-2026-rsa');
const sign = (jti: string, extra: Record<string, unknown> = {}, typ = 'at+jwt'): Promise<string> =>
  new SignJWT({ iss: 'https://auth.acme.example', sub: 'u-1042', aud: 'https://api.acme.example', jti, client_id: 'acme-web', ...extra })
    .setProtectedHeader({ alg: 'RS256', kid: 'acme-2026-rsa', typ })
    .setIssuedAt(T0)
    .setNotBefore(T0)
    .setExpirationTime(T0 + 3600)
    .sign(key.signKey);

const t = {
  header: await sign('har-header-lower-bearer'),
  headerCase: await sign('har-header-bearer-lowercase-scheme'),
  dpop: await sign('har-authorization-dpop', { cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }),
  proof: await sign('har-dpop-proof', { htm: 'GET', htu: 'https://api.acme.example/v1/orders' }, 'dpop+jwt'),
  cookie: await sign('har-cookie-session'),
  query: await sign('har-query-access-token'),
  form: await sign('har-form-id-token-hint', {}, 'JWT'),
  json: await sign('har-json-request-assertion', {}, 'JWT'),
  access: await sign('har-response-access-token'),
  id: await sign('har-response-id-token', { nonce: 'n-0S6_WzA2Mj' }, 'JWT'),
  refresh: await sign('har-response-refresh-token', { token_use: 'refresh' }, 'JWT'),
  base64: await sign('har-base64-response-token'),
};

const iso = (s: number): string => new Date((T0 + s) * 1000).toISOString();
const h = (name: string, value: string): { name: string; value: string } => ({ name, value });
const timings = { blocked: 1.2, dns: -1, ssl: -1, connect: -1, send: 0.2, wait: 41.5, receive: 0.9 };

/** Chrome's export: members in alphabetical order, HTTP/2 header names in lower case, `encoding` after `text`. */
function chromeEntry(at: number, request: object, response: object, server = '203.0.113.10'): object {
  return {
    _initiator: { type: 'script' }, _priority: 'High', _resourceType: 'fetch', cache: {}, connection: '443', pageref: 'page_1',
    request: { httpVersion: 'http/2.0', headersSize: -1, bodySize: 0, cookies: [], queryString: [], ...request },
    response: { status: 200, statusText: '', httpVersion: 'http/2.0', cookies: [], redirectURL: '', headersSize: -1, bodySize: -1, _transferSize: 512, _error: null, ...response },
    serverIPAddress: server, startedDateTime: iso(at), time: 43.8, timings,
  };
}
const json = (text: string): object => ({ content: { size: text.length, mimeType: 'application/json', text }, headers: [h('content-type', 'application/json')] });

const chrome = {
  log: {
    version: '1.2',
    creator: { name: 'WebInspector', version: '537.36' },
    pages: [{ startedDateTime: iso(0), id: 'page_1', title: 'https://app.acme.example/orders', pageTimings: { onContentLoad: 412.1, onLoad: 655.3 } }],
    entries: [
      // 1: the session token behind `Bearer` with two spaces, header name lower case (HTTP/2)
      chromeEntry(1, { method: 'GET', url: 'https://api.acme.example/v1/orders?page=2', queryString: [h('page', '2')],
        headers: [h(':authority', 'api.acme.example'), h(':method', 'GET'), h(':path', '/v1/orders?page=2'), h('accept', 'application/json'), h('authorization', `Bearer  ${t.header}`)] }, json('{"orders":[]}')),
      // 2: an opaque (non-JWT) bearer token: no capture
      chromeEntry(2, { method: 'GET', url: 'https://legacy.acme.example/api/me', headers: [h('authorization', 'Bearer 2YotnFZFEjr1zCsicMWpAA')] }, json('{"id":"u-1042"}'), '198.51.100.7'),
      // 3: DPoP-bound token and its proof
      chromeEntry(3, { method: 'GET', url: 'https://api.acme.example/v1/orders', headers: [h('authorization', `DPoP ${t.dpop}`), h('dpop', t.proof)] }, json('{"orders":[]}')),
      // 4: a session cookie (the cookies array and the Cookie header both carry it: one capture)
      chromeEntry(4, { method: 'GET', url: 'https://app.acme.example/account', cookies: [{ name: '__Host-session', value: t.cookie, path: '/', httpOnly: true, secure: true }, { name: 'theme', value: 'dark' }],
        headers: [h('cookie', `__Host-session=${t.cookie}; theme=dark`)] }, { content: { size: 1200, mimeType: 'text/html', text: '<!doctype html><title>Account</title>' } }),
      // 5: the token in the query string (a websocket-style URL)
      chromeEntry(5, { method: 'GET', url: `https://api.acme.example/v1/stream?access_token=${t.query}&view=full`, queryString: [h('access_token', t.query), h('view', 'full')], headers: [] }, json('{}')),
      // 6: the token endpoint: tokens issued to the client in the JSON response
      chromeEntry(6, { method: 'POST', url: 'https://auth.acme.example/oauth2/token', headers: [h('content-type', 'application/x-www-form-urlencoded')],
        postData: { mimeType: 'application/x-www-form-urlencoded', text: 'grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=https%3A%2F%2Fapp.acme.example%2Fcb' } },
        json(JSON.stringify({ access_token: t.access, token_type: 'Bearer', expires_in: 3600, id_token: t.id, refresh_token: t.refresh })), '203.0.113.20'),
      // 7: a base64-encoded JSON response holding a token (encoding after text, as Chrome writes it)
      chromeEntry(7, { method: 'GET', url: 'https://api.acme.example/v1/session', headers: [] },
        { content: { size: 120, mimeType: 'application/json', text: Buffer.from(JSON.stringify({ data: { session: { token: t.base64, ttl: 3600 } } })).toString('base64'), encoding: 'base64' }, headers: [] }),
      // 8: an image, base64, no token
      chromeEntry(8, { method: 'GET', url: 'https://cdn.acme.example/logo.png', headers: [] },
        { content: { size: 68, mimeType: 'image/png', text: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', encoding: 'base64' }, headers: [] }),
    ],
  },
};

/** Firefox's export: startedDateTime first, header names as sent, postData with params. */
const firefox = {
  log: {
    version: '1.2',
    creator: { name: 'Firefox', version: '124.0' },
    browser: { name: 'Firefox', version: '124.0' },
    pages: [{ startedDateTime: iso(100), id: 'page_1', pageTimings: { onContentLoad: 300, onLoad: 500 }, title: 'Sign out' }],
    entries: [
      { pageref: 'page_1', startedDateTime: iso(101), request: { bodySize: 120, method: 'POST', url: 'https://auth.acme.example/oidc/logout', httpVersion: 'HTTP/1.1',
        headers: [h('Host', 'auth.acme.example'), h('Authorization', `bearer ${t.headerCase}`), h('Content-Type', 'application/x-www-form-urlencoded')], cookies: [], queryString: [],
        headersSize: 512, postData: { mimeType: 'application/x-www-form-urlencoded', params: [h('id_token_hint', t.form), h('post_logout_redirect_uri', 'https://app.acme.example/')], text: `id_token_hint=${t.form}&post_logout_redirect_uri=https%3A%2F%2Fapp.acme.example%2F` } },
        response: { status: 302, statusText: 'Found', httpVersion: 'HTTP/1.1', headers: [h('Location', 'https://app.acme.example/')], cookies: [], content: { mimeType: 'text/plain', size: 0, text: '' }, redirectURL: 'https://app.acme.example/', headersSize: 200, bodySize: 0 },
        cache: {}, timings: { blocked: 0, dns: 0, connect: 0, ssl: 0, send: 0, wait: 30, receive: 0 }, time: 30, _securityState: 'secure', serverIPAddress: '2001:db8::20', connection: '443' },
      { pageref: 'page_1', startedDateTime: iso(102), request: { bodySize: 60, method: 'POST', url: 'https://api.acme.example/v1/token-exchange', httpVersion: 'HTTP/1.1',
        headers: [h('Content-Type', 'application/json')], cookies: [], queryString: [], headersSize: 300, postData: { mimeType: 'application/json', params: [], text: JSON.stringify({ assertion: t.json, scope: 'orders:read' }) } },
        response: { status: 400, statusText: 'Bad Request', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { mimeType: 'application/json', size: 30, text: '{"error":"invalid_grant"}' }, redirectURL: '', headersSize: 100, bodySize: 30 },
        cache: {}, timings: { blocked: 0, dns: 0, connect: 0, ssl: 0, send: 0, wait: 20, receive: 0 }, time: 20, serverIPAddress: '203.0.113.10', connection: '443' },
    ],
  },
};

const chromeText = JSON.stringify(chrome, null, 2) + '\n';
writeFileSync(new URL('chrome-devtools.har', OUT), chromeText);
writeFileSync(new URL('firefox-devtools.har', OUT), JSON.stringify(firefox, null, 2) + '\n');
// cut inside entry 5 (after the first four entries' closing braces): what an interrupted upload leaves
const cut = chromeText.indexOf('"startedDateTime": "' + iso(5));
writeFileSync(new URL('truncated.har', OUT), chromeText.slice(0, cut + 10));
process.stderr.write(`wrote fixtures/har: ${Object.keys(t).length} planted tokens\n`);
