import { beforeAll, describe, expect, it } from 'vitest';
import { revokedUse } from '../../src/checks/revoked-use.js';
import { jwks, makeKey, type TestKey } from '../helpers/tokens.js';
import { audit, ndjson } from './key-audit-helpers.js';

// Edges: the leeway after a revocation, failed revoke events, tokens revoked by sha (no jti, no sid).
const T0 = 1773482400;
let key: TestKey;
let token: string;
beforeAll(async () => {
  key = await makeKey('ed', 'EdDSA');
  token = await key.sign({ sub: 'alice', jti: 'j1', sid: 's1', iat: T0, exp: T0 + 900 });
});
const use = (dt: number, outcome = 'success') => ({ ts: T0 + dt, event: 'use', token, outcome });

describe('revoked-use', () => {
  it('revoked-use: the leeway applies after the revocation too', async () => {
    const at = async (dt: number) =>
      audit(revokedUse, { 'k.json': jwks(key), 'r.ndjson': ndjson([{ ts: T0 + 100, jti: 'j1' }]), 'e.ndjson': ndjson([use(dt)]) });
    expect(await at(160)).toEqual([]);
    expect((await at(161)).map((f) => f.severity)).toEqual(['critical']);
  });

  it('revoked-use: a revoke event that failed revokes nothing; one without outcome does', async () => {
    const run = async (outcome?: string) =>
      audit(revokedUse, { 'k.json': jwks(key), 'e.ndjson': ndjson([{ ts: T0 + 100, event: 'revoke', sid: 's1', outcome }, use(300)]) });
    expect(await run('failure')).toEqual([]);
    const [f] = await run(undefined);
    expect(f!.evidence).toMatchObject({ explicit_revocation: true, revocations: [{ scope: 'sid', value: 's1', from: 'revoke event' }] });
  });

  it('revoked-use: names a token revoked by its sha with its fingerprint, never the sha', async () => {
    const bare = await key.sign({ sub: 'bob', iat: T0, exp: T0 + 900 }); // no jti, no sid
    // accepted after its logout and past its exp plus the verifier skew: a finding about this token
    const files = {
      'k.json': jwks(key),
      'e.ndjson': ndjson([{ ts: T0 + 10, event: 'logout', token: bare }, { ts: T0 + 1300, event: 'use', token: bare, outcome: 'success' }]),
    };
    const [f] = await audit(revokedUse, files);
    const value = (f!.evidence.revocations as { value: string }[])[0]!.value;
    expect(value).toBe(f!.token);
    expect(value).toHaveLength(12);
  });
});

// Issue 21 item 8: logout, then silent SSO re-login with the same provider session id; tokens a stateless API still
// accepts after a logout; an administrator's revocation ignored.
describe('revoked-use: logout, re-login and stateless APIs', () => {
  const API = 'https://api.example';
  const BILLING = 'https://billing.example';
  const mint = (sub: string, jti: string, sid: string, iat: number, more: Record<string, unknown> = {}) =>
    key.sign({ iss: 'https://auth.example', aud: API, sub, jti, sid, iat, exp: iat + 900, ...more }, { typ: 'at+jwt' });
  const at = (dt: number, token: string, aud = API, outcome = 'success') => ({ ts: T0 + dt, event: 'use', token, aud, outcome });
  const logout = (dt: number, sid: string) => ({ ts: T0 + dt, event: 'logout', sid, outcome: 'success' });
  const run = (rows: unknown[], revocations: unknown[] = []) =>
    audit(revokedUse, { 'k.json': jwks(key), 'e.ndjson': ndjson(rows), ...(revocations.length ? { 'r.ndjson': ndjson(revocations) } : {}) });

  it('tokens minted after a logout or a session revocation (silent SSO re-login, same sid) are not revoked by it', async () => {
    const fresh = await mint('amy', 'amy-2', 's-amy', T0 + 600); // iat in the logout's own second counts as after it
    expect(await run([logout(600, 's-amy'), at(700, fresh), at(1200, fresh)])).toEqual([]);
    expect(await run([at(700, fresh)], [{ ts: T0 + 599, sid: 's-amy', reason: 'laptop reported lost' }])).toEqual([]);
    // one second earlier it was minted before the revocation: that session's token, accepted after it
    const before = await mint('amy', 'amy-1', 's-amy', T0 + 598);
    expect((await run([at(700, before)], [{ ts: T0 + 599, sid: 's-amy', reason: 'laptop reported lost' }])).map((f) => f.severity)).toEqual(['critical']);
  });

  it('unexpired tokens still accepted by a stateless API after logout: medium, one finding per API, not per token', async () => {
    const a = await mint('bea', 'bea-1', 's-bea', T0);
    const b = await mint('cal', 'cal-1', 's-cal', T0);
    const c = await mint('cal', 'cal-2', 's-cal', T0 + 60, { aud: [API, BILLING] });
    const fs = await run([
      logout(300, 's-bea'), logout(300, 's-cal'),
      at(400, a), at(500, a), at(420, b), at(430, c, BILLING), { ...at(440, c, BILLING), outcome: undefined },
      at(460, a, API, 'failure'), // a rejected one: the API checks the session
    ]);
    expect(fs.map((f) => [f.severity, f.token, f.title])).toEqual([
      ['medium', null, `Tokens still accepted by ${API} after their session logged out`],
      ['medium', null, `Tokens still accepted by ${BILLING} after their session logged out`],
    ]);
    expect(fs[0]!.evidence).toMatchObject({ api: API, tokens: 2, subjects: 2, sessions: 2, uses: 3, accepted: 3 });
    expect(fs[1]!.evidence).toMatchObject({ api: BILLING, tokens: 1, uses: 2, accepted: 1, outcome_unknown: 1 });
    // a revocations entry whose reason is the user signing out is a logout too
    const [r] = await run([at(400, a)], [{ ts: T0 + 300, sid: 's-bea', reason: 'user signed out' }]);
    expect(r).toMatchObject({ severity: 'medium', token: null });
  });

  it("an administrator's revocation ignored stays critical per token (revocations entry by jti or sub, revoke event)", async () => {
    const a = await mint('dan', 'dan-1', 's-dan', T0);
    const crit = async (rows: unknown[], revs: unknown[] = []) => (await run(rows, revs)).map((f) => [f.severity, f.jti]);
    expect(await crit([at(400, a)], [{ ts: T0 + 300, jti: 'dan-1', reason: 'token leaked in a ticket' }])).toEqual([['critical', 'dan-1']]);
    expect(await crit([at(400, a)], [{ ts: T0 + 300, sub: 'dan', reason: 'account compromised' }])).toEqual([['critical', 'dan-1']]);
    expect(await crit([at(400, a)], [{ ts: T0 + 300, sid: 's-dan', reason: 'admin forced sign-out after a phishing report' }])).toEqual([['critical', 'dan-1']]);
    expect(await crit([at(400, a)], [{ ts: T0 + 300, jti: 'dan-1' }])).toEqual([['critical', 'dan-1']]); // no reason: explicit
    expect(await crit([{ ts: T0 + 300, event: 'revoke', sid: 's-dan', outcome: 'success' }, at(400, a)])).toEqual([['critical', 'dan-1']]);
    // a logout and an admin revocation both behind the use: the admin's decides
    expect(await crit([logout(200, 's-dan'), at(400, a)], [{ ts: T0 + 300, sub: 'dan', reason: 'offboarded' }])).toEqual([['critical', 'dan-1']]);
  });

  it('after a logout: a token past its exp plus the verifier skew, or a refresh token exchanged, stays critical per token', async () => {
    const a = await mint('eve', 'eve-1', 's-eve', T0);
    // 100 s after exp: still valid to a 300 s-skew API (as expired-use reads it); 301 s after: not
    expect((await run([logout(300, 's-eve'), at(1000, a)])).map((f) => [f.severity, f.token])).toEqual([['medium', null]]);
    expect((await run([logout(300, 's-eve'), at(1201, a)])).map((f) => [f.severity, f.jti])).toEqual([['critical', 'eve-1']]);
    const rt = await key.sign({ iss: 'https://auth.example', aud: 'https://auth.example', sub: 'eve', jti: 'eve-rt', sid: 's-eve', iat: T0, exp: T0 + 86400, token_use: 'refresh' });
    const next = await key.sign({ iss: 'https://auth.example', sub: 'eve', jti: 'eve-rt-2', sid: 's-eve', iat: T0 + 400, exp: T0 + 86400, token_use: 'refresh' });
    const rows = [{ ts: T0, event: 'issue', token: rt }, logout(300, 's-eve'), { ts: T0 + 400, event: 'refresh', token: next, parent_jti: 'eve-rt', outcome: 'success' }];
    expect((await run(rows)).map((f) => [f.severity, f.jti])).toEqual([['critical', 'eve-rt']]);
  });
});
