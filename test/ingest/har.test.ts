// HAR captures (src/ingest/har/): every place a token turns up in a HAR, found; a non-JWT bearer not; base64 bodies
// decoded; a cut HAR rejected at its position with the entries before it kept; the file's sha256 in sources.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectKind } from '../../src/ingest/detect-kind.js';
import { findJwts, JwtStream } from '../../src/ingest/har/jwt-scan.js';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { Store } from '../../src/store/db.js';
import { tempFile } from '../helpers/tmp.js';
import { makeKey } from '../helpers/tokens.js';

const CHROME = 'fixtures/har/chrome-devtools.har';
const FIREFOX = 'fixtures/har/firefox-devtools.har';
const TRUNCATED = 'fixtures/har/truncated.har';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

interface Row {
  jti: string;
  line: number;
  captured_at: string | null;
  origin: string;
  note: string;
  extra: string;
}
const captures = async (): Promise<Map<string, Row & { har: Record<string, unknown> }>> => {
  const rows = await store.all<Row>(
    `SELECT t.jti, c.line, strftime(c.captured_at, '%Y-%m-%dT%H:%M:%SZ') AS captured_at, c.origin, c.note, c.extra::VARCHAR AS extra
     FROM captures c JOIN tokens t ON t.sha256 = c.token_sha ORDER BY c.line, t.jti`,
  );
  return new Map(rows.map((r) => [r.jti, { ...r, line: Number(r.line), har: (JSON.parse(r.extra) as { har: Record<string, unknown> }).har }]));
};

describe('HAR detection', () => {
  it('tells a HAR by its shape (a top-level log with version/creator/entries), whatever its name', () => {
    expect(detectKind(readFileSync(CHROME))).toBe('har');
    expect(detectKind(Buffer.from('\uFEFF{"log":{"entries":[]}}'))).toBe('har');
    // near miss: an events line with a `log` field is not a HAR
    expect(detectKind(Buffer.from('{"ts":"2026-03-14T10:00:00Z","log":"x","event":"use"}\n'))).toBe('events');
  });
});

describe('HAR captures', () => {
  it('finds a token in every place: headers in any case and scheme, DPoP, cookie, query, responses (plain and base64)', async () => {
    const s = await ingestFile(store, CHROME);
    expect(s.kind).toBe('har');
    expect(s.rejected).toBe(0);
    const c = await captures();
    expect([...c.keys()].sort()).toEqual([
      'har-authorization-dpop', 'har-base64-response-token', 'har-cookie-session', 'har-dpop-proof', 'har-header-lower-bearer',
      'har-query-access-token', 'har-response-access-token', 'har-response-id-token', 'har-response-refresh-token',
    ]);
    const header = c.get('har-header-lower-bearer')!;
    expect(header.origin).toBe('HAR chrome-devtools.har: request header authorization (Bearer), GET api.acme.example/v1/orders');
    expect(header.captured_at).toBe('2026-03-14T09:00:01Z');
    expect(header.har).toMatchObject({ entry: 1, direction: 'request', issued_to_client: false, method: 'GET', host: 'api.acme.example', path: '/v1/orders', query_names: ['page'], server_ip: '203.0.113.10' });
    expect(c.get('har-authorization-dpop')!.har.places).toEqual([{ kind: 'header', name: 'authorization', scheme: 'DPoP' }]);
    expect(c.get('har-dpop-proof')!.har.places).toEqual([{ kind: 'header', name: 'dpop' }]);
    // the cookies array and the Cookie header carry the same token: one capture, named by its cookie
    expect(c.get('har-cookie-session')!.har.places).toEqual([{ kind: 'cookie', name: '__Host-session' }]);
    // query: the parameter's name, never its value; the URL's query is not kept
    const query = c.get('har-query-access-token')!;
    expect(query.har).toMatchObject({ places: [{ kind: 'query', name: 'access_token' }], path: '/v1/stream', query_names: ['access_token', 'view'] });
    expect(query.origin).not.toContain('?');
    // issued to the client in the token endpoint's JSON response, by JSON path
    for (const [jti, path] of [['har-response-access-token', '$.access_token'], ['har-response-id-token', '$.id_token'], ['har-response-refresh-token', '$.refresh_token']] as const) {
      const r = c.get(jti)!;
      expect(r.har).toMatchObject({ direction: 'response', issued_to_client: true, places: [{ kind: 'body', name: path }], method: 'POST', host: 'auth.acme.example', status: 200, server_ip: '203.0.113.20' });
      expect(r.origin).toBe(`HAR chrome-devtools.har: response body ${path}, POST auth.acme.example/oauth2/token`);
      expect(r.note).toBe('HAR entry 6; issued to the client (status 200); server 203.0.113.20');
    }
    // base64 body (`encoding` after `text`, as Chrome writes it): decoded and read as JSON
    expect(c.get('har-base64-response-token')!.har.places).toEqual([{ kind: 'body', name: '$.data.session.token' }]);
    // every capture's time is its entry's startedDateTime
    expect(c.get('har-base64-response-token')!.captured_at).toBe('2026-03-14T09:00:07Z');
  });

  it('a non-JWT bearer token (RFC 6749 example) and a binary base64 body are no capture', async () => {
    await ingestFile(store, CHROME);
    const lines = (await store.all<{ line: bigint }>(`SELECT DISTINCT line FROM captures ORDER BY line`)).map((r) => Number(r.line));
    expect(lines).not.toContain(2);
    expect(lines).not.toContain(8);
    const raw = await store.all<{ n: bigint }>(`SELECT count(*) AS n FROM tokens WHERE raw LIKE '%2YotnFZFEjr1zCsicMWpAA%'`);
    expect(Number(raw[0]!.n)).toBe(0);
  });

  it('Firefox: `bearer` in lower case, a posted form parameter, a JSON request body; IPv6 server address', async () => {
    await ingestFile(store, FIREFOX);
    const c = await captures();
    expect(c.get('har-header-bearer-lowercase-scheme')!.har).toMatchObject({ places: [{ kind: 'header', name: 'Authorization', scheme: 'bearer' }], server_ip: '2001:db8::20', method: 'POST', path: '/oidc/logout' });
    // the form parameter (params) and the same text: one capture, named by its parameter
    expect(c.get('har-form-id-token-hint')!.har.places).toEqual([{ kind: 'form', name: 'id_token_hint' }]);
    expect(c.get('har-json-request-assertion')!.har.places).toEqual([{ kind: 'body', name: '$.assertion' }]);
    expect(c.get('har-json-request-assertion')!.har.direction).toBe('request');
  });

  it('tokens are verified like any capture (the registry key verifies them)', async () => {
    await ingestFile(store, 'fixtures/incident-acme/keys/jwks.json');
    await ingestFile(store, CHROME);
    const st = await store.all<{ sig_status: string; n: bigint }>(`SELECT sig_status, count(*) AS n FROM tokens GROUP BY ALL`);
    expect(st.map((r) => [r.sig_status, Number(r.n)])).toEqual([['valid', 9]]);
  });

  it('the HAR file is evidence: its sha256 in sources, kind har; the same bytes again add nothing', async () => {
    await ingestFile(store, CHROME);
    const src = await store.all<{ sha256: string; kind: string; rows: bigint }>(`SELECT sha256, kind, rows FROM sources`);
    expect(src).toEqual([{ sha256: createHash('sha256').update(readFileSync(CHROME)).digest('hex'), kind: 'har', rows: 9n }]);
    expect((await ingestFile(store, CHROME)).skipped).toBe(true);
  });

  it('a cut HAR: rejected at its position (line, column, byte), the entries before it kept, the file unusable (exit 2)', async () => {
    const text = readFileSync(TRUNCATED, 'utf8');
    const s = await ingestFile(store, TRUNCATED);
    const lines = text.split('\n');
    const endLine = lines.length;
    const endCol = lines.at(-1)!.length + 1;
    expect(s.rejects).toEqual([{ line: endLine, reason: 'not-json', detail: expect.stringContaining(`line ${endLine}, column ${endCol} (byte ${Buffer.byteLength(text)})`) }]);
    expect(s.unusable).toMatch(new RegExp(`^${TRUNCATED}:${endLine}:${endCol}: not valid JSON`));
    // entries 1–4 ended before the cut: their captures are kept; entry 5 (cut) is not
    const c = await captures();
    expect([...c.values()].map((r) => r.line).sort()).toEqual([1, 3, 3, 4]);
  });

  it('invalid JSON in the middle: the position of the bad character', async () => {
    const good = readFileSync(FIREFOX, 'utf8');
    const at = good.indexOf('"entries"');
    const bad = `${good.slice(0, at)}"entries": [ {"startedDateTime": "2026-03-14T09:00:00Z", "request": {"method": 'GET'}} ]}}\n`;
    const file = tempFile('bad.har', bad);
    const s = await ingestFile(store, file);
    const before = bad.slice(0, bad.indexOf("'GET'"));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    expect(s.rejects[0]).toMatchObject({ reason: 'not-json', line });
    expect(s.rejects[0]!.detail).toContain(`line ${line}, column ${column} (byte ${Buffer.byteLength(before)})`);
  });

  it('JSON that is not a HAR, read with --kind har, is rejected as such', async () => {
    const file = tempFile('x.json', '{"log": "just text", "entries": 3}');
    const s = await ingestFile(store, file, { kind: 'har' });
    expect(s.rejects[0]).toMatchObject({ reason: 'not-har', line: null });
  });

  it('a gzipped HAR is read the same (the sha256 is of the .gz as stored)', async () => {
    const gz = gzipSync(readFileSync(CHROME));
    const s = await ingestFile(store, tempFile('session.har.gz', gz));
    expect([s.kind, s.rows, s.rejected, s.sha256]).toEqual(['har', 9, 0, createHash('sha256').update(gz).digest('hex')]);
  });

  it('found in a folder walk by shape, between keys and events', async () => {
    const run = await ingestPaths(store, ['fixtures/har/chrome-devtools.har', 'fixtures/har/firefox-devtools.har']);
    expect(run.sources.map((x) => x.kind)).toEqual(['har', 'har']);
  });

  it('a base64 body larger than what is kept is still scanned, linearly, and a huge body string is streamed', async () => {
    const key = await makeKey('k', 'RS256');
    const tok = await key.sign({ sub: 'u-big', jti: 'big-body' });
    const body = Buffer.from(`${'x'.repeat(6 * 1024 * 1024)} "${tok}" ${'y'.repeat(1024)}`).toString('base64');
    const har = JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [
      { startedDateTime: '2026-03-14T10:00:00.000+01:00', request: { method: 'GET', url: 'https://x.example/a', headers: [] }, response: { status: 200, headers: [], content: { mimeType: 'text/plain', text: body, encoding: 'base64' } } },
    ] } });
    await ingestFile(store, tempFile('big.har', har));
    const c = await captures();
    expect(c.get('big-body')).toMatchObject({ captured_at: '2026-03-14T09:00:00Z', har: { places: [{ kind: 'body', name: null }], issued_to_client: true } });
  });
});

describe('JWT scanning', () => {
  it('finds the same tokens streamed in any pieces as in the whole text', () => {
    const text = 'a eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln, "eyJhbGciOiJub25lIn0.eyJzdWIiOiIyIn0." eyJ.x.y eyJabc';
    for (const size of [1, 3, 7, 50]) {
      const s = new JwtStream();
      for (let i = 0; i < text.length; i += size) s.push(text.slice(i, i + size));
      s.end();
      expect([...s.tokens]).toEqual(findJwts(text));
    }
    expect(findJwts(text)).toEqual(['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIyIn0.']);
  });
});

describe('HAR hostile input', () => {
  it('nesting past 256 levels is rejected, not followed; the file is unusable', async () => {
    const deep = `${'['.repeat(300)}${']'.repeat(300)}`;
    const har = `{"log":{"version":"1.2","entries":[{"startedDateTime":"2026-03-14T10:00:00Z","_x":${deep}}]}}`;
    const s = await ingestFile(store, tempFile('deep.har', har));
    expect(s.rejects[0]).toMatchObject({ reason: 'not-har', detail: expect.stringContaining('nested deeper than 256 levels') });
    expect(s.unusable).toBeDefined();
  });

  it('an entry with more than 10,000 headers keeps the first 10,000 and says so', async () => {
    const key = await makeKey('k', 'RS256');
    const tok = await key.sign({ sub: 'u-h', jti: 'first-header' });
    const late = await key.sign({ sub: 'u-h', jti: 'header-10001' });
    const headers = [{ name: 'authorization', value: `Bearer ${tok}` }, ...Array.from({ length: 10_000 }, (_, i) => ({ name: `x-${i}`, value: i === 9_999 ? late : 'v' }))];
    const har = JSON.stringify({ log: { version: '1.2', entries: [{ startedDateTime: '2026-03-14T10:00:00Z', request: { method: 'GET', url: 'https://x.example/', headers } }] } });
    const s = await ingestFile(store, tempFile('many.har', har));
    expect([...(await captures()).keys()]).toEqual(['first-header']);
    expect(s.warnings.join('\n')).toContain('over 10,000 of one list');
  });
});
