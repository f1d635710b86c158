// Issue 18 §2: a token known only by the claims a gateway logged (sig_status not-captured). The claim checks judge
// it as they judge a decoded token (a planted positive and a near miss each); the signature checks never do (a
// near miss each: the same header on a raw token fires); coverage and the store summary say how many such tokens
// there were; a raw token and its claims, tied, are one token (no double count, no jti collision).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { algNone } from '../../src/checks/alg-none.js';
import { audienceMismatch } from '../../src/checks/audience-mismatch.js';
import { badSignature } from '../../src/checks/bad-signature.js';
import type { Check } from '../../src/checks/check.js';
import { measureCoverage } from '../../src/checks/coverage.js';
import { deviceChange } from '../../src/checks/device-change.js';
import { runChecks } from '../../src/checks/engine.js';
import { expiredUse } from '../../src/checks/expired-use.js';
import { headerInjection } from '../../src/checks/header-injection.js';
import { impossibleTravel } from '../../src/checks/impossible-travel.js';
import { jtiCollision } from '../../src/checks/jti-collision.js';
import { lifetimeExcessive } from '../../src/checks/lifetime-excessive.js';
import { notYetValid } from '../../src/checks/not-yet-valid.js';
import { refreshReuse } from '../../src/checks/refresh-reuse.js';
import { revokedUse } from '../../src/checks/revoked-use.js';
import { unknownKey } from '../../src/checks/unknown-key.js';
import type { Finding } from '../../src/findings/finding.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { mergePolicy } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { summarize } from '../../src/store/summary.js';
import { jwks, makeKey, unsigned, type TestKey } from '../helpers/tokens.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = 1773482400;
const ISS = 'https://idp.example.com';
const API = 'https://api.example.com';
const BILLING = 'https://billing.example.com';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1';
const LONDON = { country: 'GB', city: 'London', lat: 51.5074, lon: -0.1278 };
const SYDNEY = { country: 'AU', city: 'Sydney', lat: -33.8688, lon: 151.2093 };

const ndjson = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const claims = (c: Record<string, unknown> = {}): Record<string, unknown> => ({ iss: ISS, sub: 'alice', aud: API, jti: 'c1', iat: T0, exp: T0 + 900, ...c });
/** a use of the token known by these claims (what Envoy's payload_in_metadata logs), accepted */
const use = (dt: number, c: Record<string, unknown> = claims(), extra: Record<string, unknown> = {}) =>
  ({ ts: T0 + dt, event: 'use', claims: c, ip: '203.0.113.7', ua: CHROME, outcome: 'success', ...extra });

let key: TestKey;
beforeAll(async () => {
  key = await makeKey('2026-03', 'RS256');
});

/** Ingest the files into a fresh store and hand it to `work`. */
async function withStore<T>(files: Record<string, string>, work: (store: Store) => Promise<T>): Promise<T> {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const store = await Store.open(':memory:');
  try {
    await ingestPaths(store, [dir]);
    return await work(store);
  } finally {
    store.close();
  }
}
const run = (check: Check, events: unknown[], policy: Record<string, unknown> = {}, files: Record<string, string> = {}): Promise<Finding[]> =>
  withStore({ 'k.json': jwks(key), 'e.ndjson': ndjson(events), ...files }, (store) => runChecks(store, mergePolicy(policy), [check]));
const sev = (fs: Finding[]): string[] => fs.map((f) => f.severity);

describe('claim checks judge a claims-only token as a decoded one', () => {
  it('expired-use: used after exp (subject from the logged claims); near miss: before exp', async () => {
    const [f, ...rest] = await run(expiredUse, [use(2000)]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ check: 'expired-use', severity: 'critical', jti: 'c1', sub: 'alice' });
    expect(f!.evidence).toMatchObject({ subject_source: 'logged-claim' });
    expect(await run(expiredUse, [use(600)])).toEqual([]);
  });

  it('not-yet-valid: used before nbf; near miss: after it', async () => {
    const early = claims({ nbf: T0 + 600 });
    expect(sev(await run(notYetValid, [use(0, early)]))).toHaveLength(1);
    expect(await run(notYetValid, [use(700, early)])).toEqual([]);
  });

  it('lifetime-excessive: an access token living 30 days; near miss: one hour', async () => {
    const long = claims({ token_use: 'access', exp: T0 + 30 * 86400 });
    const [f] = await run(lifetimeExcessive, [use(60, long)]);
    expect(f).toMatchObject({ check: 'lifetime-excessive', jti: 'c1' });
    expect(await run(lifetimeExcessive, [use(60, claims({ token_use: 'access', exp: T0 + 3600 }))])).toEqual([]);
  });

  it('audience-mismatch: presented to an API outside its aud; near miss: its own API', async () => {
    const policy = { trusted_audiences: [API, BILLING] };
    expect(sev(await run(audienceMismatch, [use(60, claims(), { aud: BILLING })], policy))).toEqual(['high']);
    expect(await run(audienceMismatch, [use(60, claims(), { aud: API })], policy)).toEqual([]);
  });

  it('revoked-use: used after its jti was revoked; near miss: used before', async () => {
    const files = { 'r.ndjson': ndjson([{ ts: T0 + 100, jti: 'c1', reason: 'admin revoked session' }]) };
    expect(await run(revokedUse, [use(200)], {}, files)).toHaveLength(1);
    expect(await run(revokedUse, [use(50)], {}, files)).toEqual([]);
  });

  it('refresh-reuse: a refresh token exchanged twice, the new tokens known by claims; near miss: exchanged once', async () => {
    const child = (jti: string) => claims({ jti, token_use: 'refresh', exp: T0 + 86400 });
    const exchange = (dt: number, jti: string, ip: string, ua: string) =>
      ({ ts: T0 + dt, event: 'refresh', parent_jti: 'rt-1', claims: child(jti), ip, ua, outcome: 'success' });
    const twice = [exchange(600, 'rt-2a', '203.0.113.7', CHROME), exchange(1800, 'rt-2b', '198.51.100.23', IPHONE)];
    const [f] = await run(refreshReuse, twice);
    expect(f).toMatchObject({ check: 'refresh-reuse', jti: 'rt-1' });
    expect(await run(refreshReuse, twice.slice(0, 1))).toEqual([]);
  });

  it('impossible-travel: London then Sydney 30 minutes later; near miss: two days later', async () => {
    const at = (dt: number, geo: object, ip: string) => use(dt, claims({ exp: T0 + 3 * 86400 }), { geo, ip });
    const found = await run(impossibleTravel, [at(0, LONDON, '81.2.69.142'), at(1800, SYDNEY, '1.128.0.1')]);
    expect(found.filter((f) => f.evidence.level === 'token').map((f) => [f.jti, f.severity])).toEqual([['c1', 'critical']]);
    const slow = await run(impossibleTravel, [at(0, LONDON, '81.2.69.142'), at(2 * 86400, SYDNEY, '1.128.0.1')]);
    expect(slow.filter((f) => f.evidence.level === 'token')).toEqual([]);
  });

  it('device-change: one token from two devices on two networks; near miss: one device', async () => {
    const found = await run(deviceChange, [use(0), use(300, claims(), { ua: IPHONE, ip: '198.51.100.23' })]);
    expect(found.map((f) => [f.jti, f.severity])).toEqual([['c1', 'high']]);
    expect(await run(deviceChange, [use(0), use(300)])).toEqual([]);
  });
});

describe('signature checks never judge a claims-only token', () => {
  it('alg-none: a logged header saying none is not an unsigned token; near miss: a raw unsigned token fires', async () => {
    const none = { ...use(60), header: { alg: 'none' } };
    expect(await run(algNone, [none])).toEqual([]);
    const raw = unsigned(claims({ jti: 'u1' }));
    expect(sev(await run(algNone, [{ ts: T0 + 60, event: 'use', token: raw, outcome: 'success' }]))).toEqual(['critical']);
  });

  it('header-injection: a logged header with jku is not judged; near miss: the same header on a raw token fires', async () => {
    const jku = { alg: 'RS256', kid: '2026-03', jku: 'https://attacker.example/jwks.json' };
    expect(await run(headerInjection, [{ ...use(60), header: jku }])).toEqual([]);
    const raw = await key.sign(claims({ jti: 'h1' }), { jku: jku.jku });
    const [f] = await run(headerInjection, [{ ts: T0 + 60, event: 'use', token: raw, outcome: 'success' }]);
    expect(f).toMatchObject({ check: 'header-injection', jti: 'h1' });
  });

  it('bad-signature and unknown-key: a claims-only token naming a kid the registry lacks raises neither; near miss: a raw one does', async () => {
    const other = await makeKey('rogue', 'RS256');
    const logged = { ...use(60), header: { alg: 'RS256', kid: 'rogue' } };
    expect(await run(badSignature, [logged])).toEqual([]);
    expect(await run(unknownKey, [logged])).toEqual([]);
    const raw = await other.sign(claims({ jti: 'r1' }));
    expect(await run(unknownKey, [{ ts: T0 + 60, event: 'use', token: raw, outcome: 'success' }])).toHaveLength(1);
  });
});

describe('a raw token and its logged claims are one token', () => {
  it('expired-use counts the late uses of both logs on the raw token, once; near miss: untied claims (another sub) are their own token', async () => {
    const raw = await key.sign(claims());
    const late = [{ ts: T0 + 2000, event: 'use', token: raw, outcome: 'success' }, use(2100)];
    const found = await run(expiredUse, late);
    expect(found).toHaveLength(1);
    expect(found[0]!.events).toHaveLength(2);
    const apart = await run(expiredUse, [late[0], use(2100, claims({ sub: 'mallory' }))]);
    expect(apart).toHaveLength(2);
  });

  it('refresh-reuse: one exchange logged raw by the provider and as claims by the gateway is one exchange; near miss: two new tokens', async () => {
    const child = claims({ jti: 'rt-2', token_use: 'refresh', exp: T0 + 86400 });
    const newRaw = await key.sign(child);
    const idp = { ts: T0 + 600, event: 'refresh', parent_jti: 'rt-1', token: newRaw, ip: '203.0.113.7', ua: CHROME, outcome: 'success' };
    const gateway = { ts: T0 + 601, event: 'refresh', parent_jti: 'rt-1', claims: child, ip: '203.0.113.7', ua: CHROME, outcome: 'success' };
    expect(await run(refreshReuse, [], {}, { 'idp.ndjson': ndjson([idp]), 'gw.ndjson': ndjson([gateway]) })).toEqual([]);
    const second = { ...gateway, ts: T0 + 1800, claims: { ...child, jti: 'rt-2b' }, ip: '198.51.100.23', ua: IPHONE };
    expect(await run(refreshReuse, [], {}, { 'idp.ndjson': ndjson([idp]), 'gw.ndjson': ndjson([second]) })).toHaveLength(1);
  });

  it('jti-collision: the raw token and its claims are not two tokens; near miss: claims naming another subject under the jti are', async () => {
    const raw = await key.sign(claims());
    const rawUse = { ts: T0 + 30, event: 'use', token: raw, outcome: 'success' };
    expect(await run(jtiCollision, [rawUse, use(60)])).toEqual([]);
    const [f] = await run(jtiCollision, [rawUse, use(60, claims({ sub: 'mallory' }))]);
    expect(f).toMatchObject({ check: 'jti-collision', jti: 'c1' });
  });
});

describe('coverage and the store summary set claims-only tokens apart', () => {
  it('a signature check counts them apart, with their events; with nothing else it is not evaluated; a use check is unchanged', async () => {
    const raw = await key.sign(claims({ jti: 'r1' }));
    const mixed = ndjson([{ ts: T0, event: 'use', token: raw, outcome: 'success' }, use(10), use(20), use(30, claims({ jti: 'c2' }))]);
    const cov = await withStore({ 'k.json': jwks(key), 'e.ndjson': mixed }, (s) => measureCoverage(s, mergePolicy({}), [algNone, expiredUse]));
    expect(cov[0]).toMatchObject({ check: 'alg-none', evaluated: true, examined: 1, total: 3, unit: 'tokens decoded; 2 claims-only (no signature captured, in 3 events)' });
    expect(cov[1]).toMatchObject({ check: 'expired-use', evaluated: true });
    expect(cov[1]!.unit).not.toContain('claims-only');
    const only = await withStore({ 'e.ndjson': ndjson([use(10)]) }, (s) => measureCoverage(s, mergePolicy({}), [algNone, expiredUse]));
    expect(only[0]).toMatchObject({ evaluated: false, why: 'every token is claims-only: 1 claims-only (no signature captured, in 1 event); no signature to judge' });
    expect(only[1]).toMatchObject({ evaluated: true, examined: 1 });
  });

  it('the summary does not list an accepted claims-only token as accepted without a valid signature; near miss: an unverifiable raw token is listed', async () => {
    const rogue = await (await makeKey('rogue', 'RS256')).sign(claims({ jti: 'r1' }));
    const events = ndjson([use(10), use(20), { ts: T0 + 30, event: 'use', token: rogue, outcome: 'success' }]);
    const s = await withStore({ 'k.json': jwks(key), 'e.ndjson': events }, (store) => summarize(store));
    expect(s.by_signature).toEqual({ 'not-captured': 1, 'unknown-key': 1 });
    expect(s.suspicious_accepted.map((t) => t.sig_status)).toEqual(['unknown-key']);
    expect(s.suspicious_total).toBe(1);
    expect(s.claims_only_accepted).toEqual({ tokens: 1, accepted_uses: 2 });
  });
});
