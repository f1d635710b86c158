// Countries are ISO 3166-1 alpha-2 codes in every preset (issue 16): Okta's names and Cloudflare's lower-case codes
// become the codes Entra and Auth0 write, so one subject seen by two providers is in one country; a value that
// names no country (or two) is kept as given, and the provider's record keeps its own value in `extra`.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { countryKey, isoCountry } from '../../src/ingest/mapping/country-codes.js';
import { compileMapping } from '../../src/ingest/mapping/mapping.js';
import { mappingChoice } from '../../src/ingest/mapping/preset-choice.js';
import { presets } from '../../src/ingest/mapping/presets/index.js';
import { Store } from '../../src/store/db.js';
import { tempFile } from '../helpers/tmp.js';

const OKTA = 'fixtures/countries/okta-country-names.ndjson';
const ENTRA = 'fixtures/countries/entra-country-codes.ndjson';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

const countries = async (path: string): Promise<(string | null)[]> =>
  (await store.json<{ country: string | null }>(
    `SELECT e.country FROM events e JOIN sources s ON s.id = e.source_id WHERE s.path = $p ORDER BY e.line`, { p: path },
  )).map((r) => r.country);

describe('country names and codes to ISO 3166-1 alpha-2', () => {
  it.each([
    ['France', 'FR'], ['FR', 'FR'], ['fr', 'FR'], ['FRA', 'FR'],
    ['United States', 'US'], ['United States of America', 'US'], ['USA', 'US'], ['U.S.', 'US'],
    ['Korea, Republic of', 'KR'], ['South Korea', 'KR'], ['Republic of Korea', 'KR'], ['North Korea', 'KP'],
    ['United Kingdom', 'GB'], ['UK', 'GB'], ['  united   KINGDOM ', 'GB'],
    ["Côte d'Ivoire", 'CI'], ['Côte d’Ivoire', 'CI'], ['Ivory Coast', 'CI'], ['Türkiye', 'TR'], ['Turkey', 'TR'],
    ['Russia', 'RU'], ['Russian Federation', 'RU'], ['Czechia', 'CZ'], ['Czech Republic', 'CZ'], ['Viet Nam', 'VN'],
    ['Moldova', 'MD'], ['Moldova, Republic of', 'MD'], ['Micronesia', 'FM'], ['Saint Martin', 'MF'], ['Sint Maarten', 'SX'],
    ['Bosnia & Herzegovina', 'BA'], ['Laos', 'LA'], ['Syria', 'SY'], ['DR Congo', 'CD'], ['Congo Republic', 'CG'],
    ['Vatican City', 'VA'], ['U.S. Virgin Islands', 'VI'], ['Åland', 'AX'], ['Hong Kong', 'HK'], ['Kosovo', 'XK'],
  ])('%s → %s', (name, code) => {
    expect(isoCountry(name)).toBe(code);
  });

  it.each(['Country', 'Congo', 'Korea', 'England', 'Europe', 'T1', 'XX', '', 'Anonymous Proxy'])('%j names no one country: kept as given', (v) => {
    expect(isoCountry(v)).toBeNull();
  });

  it('keys ignore accents, case, punctuation and spacing', () => {
    expect(countryKey('  Côte d’Ivoire ')).toBe('cote d ivoire');
    expect(countryKey('Trinidad & Tobago')).toBe('trinidad and tobago');
  });
});

describe('countries in every preset', () => {
  it('Okta "France" and Entra "FR": one subject, one country, across the two providers', async () => {
    const run = await ingestPaths(store, [OKTA, ENTRA], { mapping: await mappingChoice({ preset: 'auto' }) });
    expect(run.sources.map((s) => s.preset)).toEqual(['okta', 'entra']);
    const paris = await store.json<{ preset: string; sub: string; country: string; city: string }>(
      `SELECT s.preset, e.sub, e.country, e.city FROM events e JOIN sources s ON s.id = e.source_id
       WHERE e.city = 'Paris' ORDER BY e.ts`,
    );
    expect(paris).toEqual([
      { preset: 'okta', sub: 'carol@acme.example', country: 'FR', city: 'Paris' },
      { preset: 'entra', sub: 'carol@acme.example', country: 'FR', city: 'Paris' },
    ]);
  });

  it('okta: names to codes; a placeholder or a name of two countries kept as given, none invented', async () => {
    await ingestFile(store, OKTA, { mapping: presets().get('okta')! });
    expect(await countries(OKTA)).toEqual(['FR', 'US', 'KR', 'Country', null, 'CI']);
    // the provider's own words stay in the record
    const [row] = await store.json<{ raw: string }>(`SELECT extra->'client'->'geographicalContext'->>'country' AS raw FROM events WHERE line = 1`);
    expect(row!.raw).toBe('France');
  });

  it('entra and auth0 codes stay codes', async () => {
    await ingestFile(store, ENTRA, { mapping: presets().get('entra')! });
    expect(await countries(ENTRA)).toEqual(['FR']);
    const auth0 = 'fixtures/presets/auth0/tenant-logs.ndjson';
    await ingestFile(store, auth0, { mapping: presets().get('auth0')! });
    expect(await countries(auth0)).toEqual(['GB', ...Array(6).fill(null)]);
  });

  it('cloudflare-access: lower-case codes to upper; its own T1 (Tor) is kept, upper-cased', async () => {
    const file = 'fixtures/presets/cloudflare-access/empty-action.ndjson';
    await ingestFile(store, file, { mapping: presets().get('cloudflare-access')! });
    expect(await countries(file)).toEqual(['US', 'T1', 'FR']);
  });

  it('a mapping file gets the same codes', async () => {
    const mapping = compileMapping({ name: 'gw', fields: { ts: '$.t', country: '$.where' } }, 'gw');
    const file = tempFile('gw.ndjson', ['France', 'Deutschland', 'DEU', 'Korea, Republic of'].map((w, i) => JSON.stringify({ t: 1773482400 + i, where: w })).join('\n') + '\n');
    await ingestFile(store, file, { mapping });
    // English names and codes only: the German name is kept as given
    expect(await countries(file)).toEqual(['FR', 'Deutschland', 'DE', 'KR']);
  });

  it('the conversion keeps each line its own country (no reordering)', async () => {
    const lines = readFileSync(OKTA, 'utf8').trim().split('\n');
    const many = Array.from({ length: 300 }, (_, i) => lines[i % lines.length]!).join('\n') + '\n';
    const file = tempFile('okta-many.ndjson', many);
    await ingestFile(store, file, { mapping: presets().get('okta')! });
    const got = await countries(file);
    const expected = ['FR', 'US', 'KR', 'Country', null, 'CI'];
    expect(got).toEqual(Array.from({ length: 300 }, (_, i) => expected[i % expected.length]));
  });
});
