// --jti, --sub and --token by what the tables print: a unique prefix is used, an exact value beats a prefix, an
// ambiguous prefix lists its candidates (a usage error, exit 2), none is said; `%` and `_` are characters.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError, exitCodeFor } from '../../src/errors.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { Store } from '../../src/store/db.js';
import { buildTimeline } from '../../src/timeline/build.js';
import { MAX_LISTED, prefixNote, resolvePrefix, resolvePrefixes } from '../../src/timeline/prefix.js';
import { tempDir } from '../helpers/tmp.js';
import { jwks, makeKey } from '../helpers/tokens.js';

const T0 = Date.parse('2026-03-14T09:00:00Z');
const ts = (i: number): string => new Date(T0 + i * 60_000).toISOString();

let store: Store;
const fingerprints = new Map<string, string>();
// signed tokens (jti in the tokens table), and log-only jtis: 25 starting `bulk-`, and LIKE's wildcards as characters
const SIGNED = ['8cc10cd7-07fc-4e91-9d4c-40054191f07c', '8cc10cd8-aaaa-4e91-9d4c-40054191f07c', 'r3', 'r3b', 'a3b'];
const LOG_ONLY = [...Array.from({ length: 25 }, (_, i) => `bulk-${String(i).padStart(2, '0')}`), 'a%b', 'a_c', 'axb', 'ayc'];

beforeAll(async () => {
  const key = await makeKey('rsa-1', 'RS256');
  const iat = Math.floor(T0 / 1000);
  const lines: string[] = [];
  for (const [i, jti] of SIGNED.entries()) {
    const token = await key.sign({ iss: 'https://auth.example', sub: i === 0 ? 'u-1' : 'u-10', jti, iat, exp: iat + 3600 });
    lines.push(JSON.stringify({ ts: ts(i), event: 'use', token, jti, sub: i === 0 ? 'u-1' : 'u-10', outcome: 'success' }));
  }
  for (const [i, jti] of LOG_ONLY.entries()) lines.push(JSON.stringify({ ts: ts(10 + i), event: 'use', jti, sub: `s-${jti}`, outcome: 'success' }));
  const dir = tempDir();
  writeFileSync(join(dir, 'keys.json'), jwks(key));
  writeFileSync(join(dir, 'events.ndjson'), `${lines.join('\n')}\n`);
  store = await Store.open(':memory:');
  await ingestPaths(store, [dir]);
  for (const r of await store.json<{ jti: string; fingerprint: string }>('SELECT jti, fingerprint FROM tokens')) fingerprints.set(r.jti, r.fingerprint);
});
afterAll(() => store.close());

describe('a unique prefix', () => {
  it('finds the jti a table printed (8 characters, with or without its ellipsis)', async () => {
    // 8cc10cd7 and 8cc10cd8 share 7 characters: 8 tell them apart
    for (const given of ['8cc10cd7', '8cc10cd7…', '8cc10cd7...']) {
      expect(await resolvePrefix(store, 'jti', given)).toMatchObject({ value: SIGNED[0], how: 'prefix' });
    }
    const m = await resolvePrefix(store, 'jti', '8cc10cd7');
    expect(prefixNote(m)).toBe(`--jti 8cc10cd7 is the start of ${SIGNED[0]}: showing that`);
  });

  it('finds a token by the start of its fingerprint, by its fingerprint, and by its sha256', async () => {
    const fp = fingerprints.get('a3b')!;
    const others = [...fingerprints.values()].filter((f) => f !== fp);
    const n = [...Array(12).keys()].map((i) => i + 1).find((len) => !others.some((o) => o.startsWith(fp.slice(0, len))))!;
    expect(await resolvePrefix(store, 'token', fp.slice(0, n).toUpperCase())).toMatchObject({ value: fp, how: 'prefix' });
    expect(await resolvePrefix(store, 'token', fp)).toMatchObject({ value: fp, how: 'exact' });
    const sha = (await store.json<{ sha256: string }>(`SELECT sha256 FROM tokens WHERE jti = 'a3b'`))[0]!.sha256;
    const bySha = await resolvePrefix(store, 'token', sha);
    expect(bySha).toMatchObject({ value: fp, how: 'prefix' });
    expect(prefixNote(bySha)).toBe(`--token ${sha}: token ${fp}`);
  });

  it('builds the same timeline as the whole value', async () => {
    const { query, matches } = await resolvePrefixes(store, { jti: '8cc10cd7' });
    expect(query).toEqual({ jti: SIGNED[0] });
    expect(matches.map((m) => m.how)).toEqual(['prefix']);
    const byPrefix = await buildTimeline(store, query);
    const whole = await buildTimeline(store, { jti: SIGNED[0]! });
    expect(byPrefix.events).toEqual(whole.events);
    expect(byPrefix.events.length).toBe(1);
  });
});

describe('exact beats prefix', () => {
  it('takes r3 itself though r3b starts with it, and u-1 though u-10 does', async () => {
    expect(await resolvePrefix(store, 'jti', 'r3')).toMatchObject({ value: 'r3', how: 'exact' });
    expect(await resolvePrefix(store, 'sub', 'u-1')).toMatchObject({ value: 'u-1', how: 'exact' });
    expect(prefixNote(await resolvePrefix(store, 'jti', 'r3'))).toBeNull();
    // near miss: a value that is only a prefix is not taken as exact
    await expect(resolvePrefix(store, 'sub', 'u-')).rejects.toThrow(/--sub u- is the start of 2 subjects/);
  });
});

describe('an ambiguous prefix', () => {
  it('lists the candidates and is a usage error (exit 2)', async () => {
    const err = await resolvePrefix(store, 'jti', '8cc10cd').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(exitCodeFor(err)).toBe(2);
    expect((err as Error).message).toBe(`--jti 8cc10cd is the start of 2 jtis; give more of it:\n  ${SIGNED[0]}\n  ${SIGNED[1]}`);
  });

  it(`lists at most ${MAX_LISTED} and counts the rest`, async () => {
    const err = (await resolvePrefix(store, 'jti', 'bulk-').catch((e: unknown) => e)) as Error;
    const listed = err.message.split('\n').slice(1);
    expect(err.message.split('\n')[0]).toBe('--jti bulk- is the start of 25 jtis; give more of it:');
    expect(listed.slice(0, MAX_LISTED)).toEqual(LOG_ONLY.slice(0, MAX_LISTED).map((j) => `  ${j}`));
    expect(listed[MAX_LISTED]).toBe('  … and 5 more');
    expect(listed.length).toBe(MAX_LISTED + 1);
  });
});

describe('a prefix matching nothing', () => {
  it('is used as given, and said', async () => {
    const m = await resolvePrefix(store, 'jti', 'no-such');
    expect(m).toEqual({ option: 'jti', given: 'no-such', value: 'no-such', how: 'none' });
    expect(prefixNote(m)).toBe('--jti no-such: no jti in the store is or starts with it');
    expect(await resolvePrefix(store, 'token', 'ffffffffffff')).toMatchObject({ how: 'none' });
  });
});

describe('LIKE wildcards in a prefix', () => {
  it('are characters: a% finds a%b only, a_ finds a_c only (LIKE would find axb, ayc too)', async () => {
    expect(await resolvePrefix(store, 'jti', 'a%')).toMatchObject({ value: 'a%b', how: 'prefix' });
    expect(await resolvePrefix(store, 'jti', 'a_')).toMatchObject({ value: 'a_c', how: 'prefix' });
    expect(await resolvePrefix(store, 'sub', 's-a%')).toMatchObject({ value: 's-a%b', how: 'prefix' });
    // near miss: `a` alone is ambiguous among all of them, and a3b
    await expect(resolvePrefix(store, 'jti', 'a')).rejects.toThrow(/is the start of 5 jtis/);
  });
});
