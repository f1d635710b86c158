// Issue 21 item 7: audience is judged only where a token is presented to a resource. Refresh exchanges at the issuer
// (a refresh token's audience is the issuer, the event names no API) never are, even with trusted_audiences set; an
// `aud` array is satisfied by any member (RFC 7519 §4.1.3); a token presented to its own issuer's userinfo endpoint
// is low at most. Planted positives beside each near miss: a token at an API outside its audience stays high.
import { beforeAll, describe, expect, it } from 'vitest';
import { audienceMismatch } from '../../src/checks/audience-mismatch.js';
import { jwks, makeKey, type TestKey } from '../helpers/tokens.js';
import { audit, ndjson } from './key-audit-helpers.js';

const T0 = 1773482400;
const ISS = 'https://auth.example';
const API = 'https://api.example';
const BILLING = 'https://billing.example';
const ADMIN = 'https://admin.example';
const TRUSTED = { trusted_audiences: [API, BILLING] };

let key: TestKey;
const mint = (claims: Record<string, unknown>, header?: Record<string, unknown>) =>
  key.sign({ iss: ISS, sub: 'alice', iat: T0, exp: T0 + 3600, ...claims }, header);
beforeAll(async () => {
  key = await makeKey('ed', 'EdDSA');
});
const run = (rows: unknown[], policy: Record<string, unknown> = TRUSTED) =>
  audit(audienceMismatch, { 'k.json': jwks(key), 'e.ndjson': ndjson(rows) }, policy);
const at = (dt: number, token: string, aud: string | undefined, outcome = 'success') => ({ ts: T0 + dt, event: 'use', token, aud, outcome });
const sev = (fs: { severity: string }[]) => fs.map((f) => f.severity);

describe('audience-mismatch: where audience is judged', () => {
  it('routine refresh exchanges (refresh token aud = issuer, event without aud) raise nothing once trusted_audiences is set', async () => {
    const rt1 = await mint({ jti: 'rt-1', aud: ISS, token_use: 'refresh' });
    const rt2 = await mint({ jti: 'rt-2', aud: ISS, token_use: 'refresh' });
    const rt3 = await mint({ jti: 'rt-3', aud: ISS, token_use: 'refresh' });
    const rows = [
      { ts: T0, event: 'issue', token: rt1, outcome: 'success' },
      { ts: T0 + 600, event: 'refresh', token: rt2, parent_jti: 'rt-1', outcome: 'success' },
      // a refresh naming the resource the new access token is for (RFC 8707): still an exchange at the issuer
      { ts: T0 + 1200, event: 'refresh', token: rt3, parent_jti: 'rt-2', aud: API, outcome: 'success' },
    ];
    expect(await run(rows)).toEqual([]);
    // a refresh token in an event without aud is at the issuer too
    expect(await run([at(60, rt1, undefined)])).toEqual([]);
  });

  it('a refresh token presented at an API is still judged there (token-type confusion: high when accepted)', async () => {
    const rt = await mint({ jti: 'rt-9', aud: ISS, token_use: 'refresh' });
    expect(sev(await run([at(60, rt, API)]))).toEqual(['high']);
  });

  it('an aud array is satisfied by any member; a resource outside it is high', async () => {
    const multi = await mint({ jti: 'm-1', aud: [API, BILLING, `${ISS}/userinfo`] }, { typ: 'at+jwt' });
    expect(await run([at(60, multi, API), at(120, multi, `${BILLING}/`), at(180, multi, undefined)])).toEqual([]);
    const [f] = await run([at(60, multi, API), at(120, multi, ADMIN)]);
    expect(f).toMatchObject({ severity: 'high' });
    expect(f!.evidence).toMatchObject({ reasons: ['audience'], used_against: [ADMIN], uses_outside_audience: 1 });
  });

  it("an ID token at its issuer's userinfo endpoint is low (info when rejected); elsewhere it stays high", async () => {
    const idt = await mint({ jti: 'id-1', aud: 'web', nonce: 'n' });
    const [low] = await run([at(60, idt, `${ISS}/userinfo`)]);
    expect(low).toMatchObject({ severity: 'low', title: "Token presented to its issuer's userinfo endpoint outside its audience" });
    expect(low!.evidence).toMatchObject({ reasons: ['issuer-userinfo'], presented_at_issuer_userinfo: [`${ISS}/userinfo`] });
    expect(sev(await run([at(60, idt, `${ISS}/protocol/openid-connect/userinfo/`, 'failure')]))).toEqual(['info']);
    expect(sev(await run([at(60, idt, `${ISS}/userinfo`)], {}))).toEqual(['low']); // with no policy at all
    // not the issuer's: a look-alike host, another origin, an endpoint of the issuer that is not userinfo
    expect(sev(await run([at(60, idt, 'https://auth.example.evil/userinfo')]))).toEqual(['high']);
    expect(sev(await run([at(60, idt, 'https://userinfo.example/userinfo')]))).toEqual(['high']);
    expect(sev(await run([at(60, idt, `${ISS}/admin/users`)]))).toEqual(['high']);
    // at userinfo and at an API: the API decides
    expect(sev(await run([at(60, idt, `${ISS}/userinfo`), at(120, idt, API, 'failure')]))).toEqual(['low']);
    expect(sev(await run([at(60, idt, `${ISS}/userinfo`, 'failure'), at(120, idt, API)]))).toEqual(['high']);
  });

  it('a use without aud is still judged against trusted_audiences (an access token for another API)', async () => {
    const other = await mint({ jti: 'o-1', aud: ADMIN }, { typ: 'at+jwt' });
    expect(sev(await run([at(60, other, undefined)]))).toEqual(['high']);
    expect(await run([at(60, other, undefined)], {})).toEqual([]); // nothing to judge it against
  });
});
