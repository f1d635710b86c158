// Issue 18 §2: gateways and identity-provider logs that record the claims they validated, not the token. The records
// in fixtures/claims-only/ are written from Envoy's jwt_authn `payload_in_metadata` docs, Istio's access-log fields
// and Kong's http-log output (fixtures/claims-only/SOURCE.md); each becomes a token known by the sha256 of its
// canonical claims (RFC 8785), signature `not-captured`, tied to its raw token when the store holds it.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { compileMapping } from '../../src/ingest/mapping/mapping.js';
import { checkMapping } from '../../src/ingest/mapping/mapping-check.js';
import { claimsToken, MAX_CLAIMS_CHARS } from '../../src/jwt/claims-token.js';
import { Store } from '../../src/store/db.js';
import { buildTimeline } from '../../src/timeline/build.js';
import { makeKey, type TestKey } from '../helpers/tokens.js';
import { tempDir, tempFile } from '../helpers/tmp.js';

const DIR = 'fixtures/claims-only';
const T = 1773482400;
const ALICE_JTI = '8f14e45f-ceea-4167-a5ff-5a3ba0c2e0b1';
const BOB_JTI = 'c9f0f895-fb98-4b91-99a7-4a0b3b5e2f7c';
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const fixture = (name: string): string => {
  const path = join(tempDir(), name);
  copyFileSync(join(DIR, name), path);
  return path;
};
const ndjson = (...rows: unknown[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

// the claims the fixtures carry for alice's access token, as Envoy's payload_in_metadata example shapes them
const ALICE = JSON.parse(readFileSync(join(DIR, 'events.ndjson'), 'utf8').split('\n')[0]!).claims as Record<string, unknown>;

type TokenRow = { sha256: string; raw: string; sig_status: string; sig_detail: string | null; sig_len: number | null; alg: string | null; kid: string | null; typ: string | null; iss: string | null; sub: string | null; aud: string[] | null; jti: string | null; iat: number | null; nbf: number | null; exp: number | null; same_as: string | null };

let store: Store;
let key: TestKey;
beforeAll(async () => {
  key = await makeKey('2026-03', 'RS256');
});
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

const tokens = (): Promise<TokenRow[]> =>
  store.json<TokenRow>(`SELECT sha256, raw, sig_status, sig_detail, sig_len, alg, kid, typ, iss, sub, aud, jti, iat, nbf, exp, same_as FROM tokens ORDER BY sub, sha256`);

describe('claims in canonical events', () => {
  it('become one not-captured token per claims set, whatever the key order; its columns are filled as a decoded token’s', async () => {
    const s = await ingestFile(store, fixture('events.ndjson'));
    const all = await tokens();
    const alice = all.find((t) => t.jti === ALICE_JTI)!;
    const raw = canonicalize(ALICE)!;
    expect(alice).toMatchObject({
      raw, sha256: sha256(raw), sig_status: 'not-captured', sig_detail: 'claims-only', sig_len: null,
      alg: 'RS256', kid: '2026-03', typ: 'JWT', iss: 'https://idp.example.com', sub: 'alice@example.com',
      aud: ['https://api.example.com'], iat: T, nbf: T, exp: T + 900, same_as: null,
    });
    // lines 1 and 2 log the same claims in another key order (and line 2 without its header): one token
    const lines = await store.json<{ line: number; token_sha: string | null; extra: string | null }>(
      `SELECT line::INTEGER AS line, token_sha, extra::VARCHAR AS extra FROM events ORDER BY line`,
    );
    expect(lines.filter((l) => l.token_sha === alice.sha256).map((l) => l.line)).toEqual([1, 2]);
    // the claims and header the token row holds leave extra
    const carried = lines.filter((l) => l.token_sha !== null);
    expect(carried.every((l) => !(l.extra ?? '').includes('"claims"') && !(l.extra ?? '').includes('"header"'))).toBe(true);
    // `claims: null` is no claims: line 10 is an event without a token, its record kept whole
    expect(lines.find((l) => l.line === 10)).toMatchObject({ token_sha: null, extra: expect.stringContaining('"claims":null') });
    // bob's audience array; dave's NumericDates as a decimal string and a fraction
    expect(all.find((t) => t.jti === BOB_JTI)).toMatchObject({ aud: ['https://api.example.com', 'https://billing.example.com'], alg: null });
    expect(all.find((t) => t.jti === 'd-1')).toMatchObject({ exp: 1773483300, iat: 1773482400.5, sig_status: 'not-captured' });
    expect(s.newTokens).toBe(3);
  });

  it('rejects claims that cannot be a claims set, naming file, line and why; every good line loads', async () => {
    const s = await ingestFile(store, fixture('events.ndjson'));
    expect(s.rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [3, 'bad-claims', '`claims` is a string, not a JSON object'],
      [4, 'bad-claims', '`claims` is an array, not a JSON object'],
      [5, 'bad-claims', '`claims.exp` is not a NumericDate (seconds since 1970 as a number)'],
      [6, 'bad-claims', '`header` is a string, not a JSON object'],
      [8, 'bad-claims', `\`claims\` nests more than 32 levels deep`],
      [9, 'bad-claims', expect.stringMatching(new RegExp(`^\`claims\` is \\d+ characters, limit is ${MAX_CLAIMS_CHARS}$`))],
    ]);
    const stored = await store.json<{ path: string; line: number; reason: string }>(`SELECT path, line::INTEGER AS line, reason FROM rejects ORDER BY line`);
    expect(stored.map((r) => [r.path.endsWith('events.ndjson'), r.line, r.reason])).toContainEqual([true, 9, 'bad-claims']);
    // lines 1, 2, 7, 10 (claims null: an event without a token), 11
    expect(s.rows).toBe(5);
    const loaded = await store.json<{ line: number; has_token: boolean }>(`SELECT line::INTEGER AS line, token_sha IS NOT NULL AS has_token FROM events ORDER BY line`);
    expect(loaded).toEqual([
      { line: 1, has_token: true }, { line: 2, has_token: true }, { line: 7, has_token: true }, { line: 10, has_token: false }, { line: 11, has_token: true },
    ]);
    // nothing of a refused claims set is stored as a token
    expect((await tokens()).map((t) => t.sub)).toEqual(['alice@example.com', 'bob@example.com', 'dave@example.com']);
  });

  it('beside a token the token is the evidence: the claims stay in extra, no claims-only token is made', async () => {
    const raw = await key.sign({ ...ALICE });
    await ingestFile(store, tempFile('both.ndjson', ndjson({ ts: T + 60, event: 'use', token: raw, claims: ALICE, header: { alg: 'RS256' } })));
    expect((await tokens()).map((t) => t.sig_status)).toEqual(['unknown-key']);
    const [e] = await store.json<{ extra: string }>(`SELECT extra::VARCHAR AS extra FROM events`);
    expect(JSON.parse(e!.extra)).toMatchObject({ claims: { jti: ALICE_JTI }, header: { alg: 'RS256' } });
  });

  it('a line that repeats `claims` is read as JSON.parse reads it: the last claims are the token, both kept in extra', async () => {
    const line = `{"ts":${T + 60},"event":"use","claims":{"sub":"first","jti":"x1"},"claims":{"sub":"last","jti":"x2"}}\n`;
    const s = await ingestFile(store, tempFile('dup.ndjson', line));
    expect(s.rejects).toEqual([]);
    const [e] = await store.json<{ sub: string; extra: string }>(`SELECT t.sub, e.extra::VARCHAR AS extra FROM events e JOIN tokens t ON t.sha256 = e.token_sha`);
    expect(e!.sub).toBe('last');
    expect(JSON.parse(e!.extra).duplicate_keys.claims).toHaveLength(2);
  });

  it('the same claims from another source are the token already stored: no second token', async () => {
    await ingestFile(store, fixture('events.ndjson'));
    const again = await ingestFile(store, tempFile('later.ndjson', ndjson({ ts: T + 500, event: 'use', claims: { ...ALICE } })));
    expect(again.newTokens).toBe(0);
    const [n] = await store.json<{ n: number }>(`SELECT count(DISTINCT token_sha)::INTEGER AS n FROM events WHERE token_sha = $s`, { s: sha256(canonicalize(ALICE)!) });
    expect(n!.n).toBe(1);
  });
});

describe('claims in captures', () => {
  it('a capture record may carry claims instead of a token; a non-object is rejected by line', async () => {
    const s = await ingestFile(store, fixture('captures.ndjson'), { kind: 'captures' });
    expect(s.rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([[3, 'bad-claims', '`claims` is a number, not a JSON object']]);
    expect(s.rows).toBe(2);
    const caps = await store.json<{ line: number; token_sha: string; origin: string; extra: string | null }>(
      `SELECT line::INTEGER AS line, token_sha, origin, extra::VARCHAR AS extra FROM captures ORDER BY line`,
    );
    expect(caps.map((c) => [c.line, c.token_sha, c.origin])).toEqual([
      [1, sha256(canonicalize(ALICE)!), 'envoy dynamic metadata'],
      [2, sha256('{"exp":null,"sub":42}'), 'istio'],
    ]);
    // a non-string sub is kept in the claims, its column NULL (as for a decoded token)
    expect((await tokens()).find((t) => t.sha256 === caps[1]!.token_sha)).toMatchObject({ sub: null, exp: null, sig_status: 'not-captured' });
  });
});

describe('claims through a mapping file (fields.claims: a path to an object)', () => {
  // Envoy's JSON access log with `"jwt": "%DYNAMIC_METADATA(envoy.filters.http.jwt_authn)%"`: payload_in_metadata
  // `my_payload` puts the verified payload under that key (api/envoy/extensions/filters/http/jwt_authn/v3/config.proto)
  const ENVOY = {
    name: 'envoy-claims-test',
    raw: { status: '$.response_code' },
    fields: {
      ts: '$.start_time', ip: '$.x_forwarded_for', ua: '$.user_agent', aud: '$.authority', claims: '$.jwt.my_payload',
      event: { sql: `'use'` }, outcome: { sql: `CASE WHEN TRY_CAST(r_status AS INTEGER) < 400 THEN 'success' ELSE 'failure' END` },
    },
  };

  it('Envoy payload_in_metadata: each request carries its token by claims; the same claims as the canonical log are one token', async () => {
    await ingestFile(store, fixture('events.ndjson'));
    const s = await ingestFile(store, fixture('envoy-jwt-authn.ndjson'), { mapping: compileMapping(ENVOY, 'envoy.json') });
    expect(s.rejects).toEqual([]);
    expect(s.newTokens).toBe(0); // alice's and bob's claims are the tokens the canonical log brought
    const rows = await store.json<{ line: number; token_sha: string | null; ip: string; outcome: string }>(
      `SELECT e.line::INTEGER AS line, e.token_sha, e.ip, e.outcome FROM events e JOIN sources s ON s.id = e.source_id WHERE s.path LIKE '%envoy%' ORDER BY line`,
    );
    const alice = sha256(canonicalize(ALICE)!);
    expect(rows.map((r) => [r.line, r.token_sha === alice, r.token_sha === null, r.ip, r.outcome])).toEqual([
      [1, true, false, '203.0.113.7', 'success'],
      [2, true, false, '203.0.113.7', 'success'],
      [3, false, false, '198.51.100.23', 'success'],
      [4, false, true, '198.51.100.23', 'success'], // the public route: no JWT required, no claims
    ]);
  });

  it('Kong http-log with the verified claims in a custom field (custom_fields_by_lua)', async () => {
    const kong = {
      name: 'kong-claims-test',
      raw: { status: '$.response.status' },
      fields: {
        ts: { sql: `to_timestamp(TRY_CAST(r_started AS DOUBLE) / 1000)` }, ip: '$.client_ip', ua: '$.request.headers.user-agent',
        claims: '$.jwt_claims', event: { sql: `'use'` },
        outcome: { sql: `CASE WHEN TRY_CAST(r_status AS INTEGER) < 400 THEN 'success' ELSE 'failure' END` },
      },
    };
    (kong.raw as Record<string, string>).started = '$.started_at';
    const s = await ingestFile(store, fixture('kong-http-log.ndjson'), { mapping: compileMapping(kong, 'kong.json') });
    expect(s.rejects).toEqual([]);
    const rows = await store.json<{ line: number; jti: string | null; outcome: string }>(
      `SELECT e.line::INTEGER AS line, t.jti, e.outcome FROM events e LEFT JOIN tokens t ON t.sha256 = e.token_sha ORDER BY line`,
    );
    expect(rows).toEqual([{ line: 1, jti: ALICE_JTI, outcome: 'success' }, { line: 2, jti: null, outcome: 'failure' }]);
  });

  it('the mapping checker takes `claims` like any field, and refuses it with `each` (one record, many events)', () => {
    expect(checkMapping({ name: 'x', fields: { ts: '$.t', claims: '$.jwt.payload' } }, 'x').fields.claims).toBe('$.jwt.payload');
    expect(() => checkMapping({ name: 'x', each: '$.events', fields: { ts: '$.t', claims: '$.jwt.payload' } }, 'x')).toThrow(
      /fields\.claims: cannot be read with `each`/,
    );
  });
});

describe('a raw token and its logged claims are one token', () => {
  it('tied by issuer and jti (same subject and expiry): same_as names the raw token, whichever arrived first; a timeline by jti shows both', async () => {
    const raw = await key.sign({ ...ALICE });
    await ingestFile(store, fixture('events.ndjson'));
    await ingestFile(store, tempFile('idp.ndjson', ndjson({ ts: T + 5, event: 'issue', token: raw, sub: 'alice@example.com' })));
    const rawSha = sha256(raw);
    const alice = (await tokens()).find((t) => t.sig_status === 'not-captured' && t.jti === ALICE_JTI)!;
    expect(alice.same_as).toBe(rawSha);
    const story = await buildTimeline(store, { jti: ALICE_JTI });
    expect(story.events.map((e) => [e.event, e.line])).toEqual([['issue', 1], ['use', 1], ['use', 2]]);
    expect(new Set(story.events.map((e) => e.token)).size).toBe(2); // the raw token's fingerprint and the claims'
  });

  it('raw first, claims later: tied all the same', async () => {
    const raw = await key.sign({ ...ALICE });
    await ingestFile(store, tempFile('idp.ndjson', ndjson({ ts: T + 5, event: 'issue', token: raw })));
    await ingestFile(store, fixture('events.ndjson'));
    expect((await tokens()).find((t) => t.sig_status === 'not-captured' && t.jti === ALICE_JTI)!.same_as).toBe(sha256(raw));
  });

  it('a raw token captured later (a text capture, as a HAR reader stores its tokens) ties the claims logged before', async () => {
    const raw = await key.sign({ ...ALICE });
    await ingestFile(store, fixture('events.ndjson'));
    await ingestFile(store, tempFile('seen.txt', `Bearer ${raw}\n`));
    expect((await tokens()).find((t) => t.sig_status === 'not-captured' && t.jti === ALICE_JTI)!.same_as).toBe(sha256(raw));
  });

  it('near misses stay apart: another subject under the jti, another issuer, or two raw tokens for the jti', async () => {
    const other = await key.sign({ ...ALICE, sub: 'mallory@example.com' });
    await ingestFile(store, fixture('events.ndjson'));
    await ingestFile(store, tempFile('a.ndjson', ndjson({ ts: T + 5, event: 'issue', token: other })));
    const claimsOnly = async (): Promise<TokenRow> => (await tokens()).find((t) => t.sig_status === 'not-captured' && t.jti === ALICE_JTI)!;
    expect((await claimsOnly()).same_as).toBeNull();
    const elsewhere = await key.sign({ ...ALICE, iss: 'https://other-idp.example.com' });
    await ingestFile(store, tempFile('b.ndjson', ndjson({ ts: T + 6, event: 'issue', token: elsewhere })));
    expect((await claimsOnly()).same_as).toBeNull();
    // the genuine one arrives: tied; then a second raw token with the same claims (re-signed): ambiguous, untied
    const genuine = await key.sign({ ...ALICE });
    await ingestFile(store, tempFile('c.ndjson', ndjson({ ts: T + 7, event: 'issue', token: genuine })));
    expect((await claimsOnly()).same_as).toBe(sha256(genuine));
    const resigned = await key.sign({ ...ALICE }, { typ: 'at+jwt' });
    await ingestFile(store, tempFile('d.ndjson', ndjson({ ts: T + 8, event: 'issue', token: resigned })));
    expect((await claimsOnly()).same_as).toBeNull();
  });
});

describe('the claims-token helper', () => {
  it('canonicalises as RFC 8785 does (sorted keys, ES number forms, no whitespace)', () => {
    const made = claimsToken({ claims: '{"b":1E3,"a":"\\u00e9","c":[1.50,{"z":true,"y":null}]}', header: null });
    expect(made.ok && made.token.raw).toBe('{"a":"é","b":1000,"c":[1.5,{"y":null,"z":true}]}');
  });

  it('refuses a lone surrogate (no canonical form) and an Infinity time, never throwing', () => {
    expect(claimsToken({ claims: '{"sub":"\\ud800"}', header: null })).toEqual({ ok: false, reason: 'bad-claims', detail: '`claims` holds a lone UTF-16 surrogate' });
    expect(claimsToken({ claims: '{"exp":1e400}', header: null })).toMatchObject({ ok: false, detail: expect.stringContaining('claims.exp') });
  });

  it('bounds the canonical size: one character under the limit loads, at it as text it is refused before parsing', () => {
    const pad = (n: number): string => JSON.stringify({ p: 'x'.repeat(n) });
    const fits = pad(MAX_CLAIMS_CHARS - 8); // {"p":"…"} is 8 characters around the padding
    expect(claimsToken({ claims: fits, header: null }).ok).toBe(true);
    expect(claimsToken({ claims: pad(MAX_CLAIMS_CHARS - 7), header: null }).ok).toBe(false);
  });
});

// (a store written by schema 4 gains tokens.same_as: test/store/db.test.ts migrates a schema-1 store through v5)

