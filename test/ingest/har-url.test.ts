// A token in a HAR request's URL path or fragment (a magic link, a signed download) is a capture like one in the
// query; the query, read by parameter, is not read twice; a URL that is not a string is no crash.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { Store } from '../../src/store/db.js';
import { tempFile } from '../helpers/tmp.js';
import { makeKey } from '../helpers/tokens.js';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

const places = async (): Promise<Record<string, unknown>> => {
  const rows = await store.all<{ jti: string; extra: string; origin: string }>(
    `SELECT t.jti, c.extra::VARCHAR AS extra, c.origin FROM captures c JOIN tokens t ON t.sha256 = c.token_sha ORDER BY t.jti`,
  );
  return Object.fromEntries(rows.map((r) => [r.jti, { places: (JSON.parse(r.extra) as { har: { places: unknown } }).har.places, origin: r.origin }]));
};

describe('HAR URL tokens', () => {
  it('a token in the path or the fragment is captured; one in the query once, by its parameter', async () => {
    const key = await makeKey('k', 'RS256');
    const path = await key.sign({ sub: 'u', jti: 'in-path' });
    const frag = await key.sign({ sub: 'u', jti: 'in-fragment' });
    const query = await key.sign({ sub: 'u', jti: 'in-query' });
    const entry = (url: unknown) => ({ startedDateTime: '2026-03-14T10:00:00Z', request: { method: 'GET', url, headers: [] } });
    const har = JSON.stringify({ log: { version: '1.2', entries: [
      entry(`https://app.example/magic/${path}?next=%2F`),
      entry(`https://app.example/cb?state=1&access_token=${query}#id_token=${frag}`),
      entry(42),
    ] } });
    const s = await ingestFile(store, tempFile('url.har', har));
    expect(s.rejected).toBe(0);
    const c = await places();
    expect(Object.keys(c)).toEqual(['in-fragment', 'in-path', 'in-query']);
    expect(c['in-path']).toMatchObject({ places: [{ kind: 'url', name: null }], origin: expect.stringContaining('request URL') });
    expect(c['in-fragment']).toMatchObject({ places: [{ kind: 'url', name: null }] });
    expect(c['in-query']).toMatchObject({ places: [{ kind: 'query', name: 'access_token' }] });
  });
});

describe('HAR body token limit', () => {
  it('a body with more distinct tokens than its scan keeps: the rest are cut, and the warning says so', async () => {
    const key = await makeKey('k', 'RS256');
    const real = await key.sign({ sub: 'u', jti: 'after-the-limit' });
    const junk = Array.from({ length: 10_000 }, (_, i) => `eyJAAAA.p${i}.s`).join(' ');
    const body = (text: string) => ({ startedDateTime: '2026-03-14T10:00:00Z', request: { method: 'GET', url: 'https://x.example/', headers: [] },
      response: { status: 200, headers: [], content: { mimeType: 'text/plain', text } } });
    const full = await ingestFile(store, tempFile('full.har', JSON.stringify({ log: { version: '1.2', entries: [body(`${junk} ${real}`)] } })));
    expect(Object.keys(await places())).not.toContain('after-the-limit');
    expect(full.warnings.join('\n')).toContain('a body with over 10,000 distinct tokens');
  });

  it('near miss: exactly as many as it keeps is no warning', async () => {
    const junk = Array.from({ length: 10_000 }, (_, i) => `eyJAAAA.p${i}.s`).join(' ');
    const har = { log: { version: '1.2', entries: [{ startedDateTime: '2026-03-14T10:00:00Z', request: { method: 'GET', url: 'https://x.example/', headers: [] },
      response: { status: 200, headers: [], content: { mimeType: 'text/plain', text: `${junk} ${junk}` } } }] } };
    const s = await ingestFile(store, tempFile('exact.har', JSON.stringify(har)));
    expect(s.warnings.join('\n')).not.toContain('cut there');
  });
});
