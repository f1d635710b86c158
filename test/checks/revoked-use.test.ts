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
    const files = {
      'k.json': jwks(key),
      'e.ndjson': ndjson([{ ts: T0 + 10, event: 'logout', token: bare }, { ts: T0 + 200, event: 'use', token: bare, outcome: 'success' }]),
    };
    const [f] = await audit(revokedUse, files);
    const value = (f!.evidence.revocations as { value: string }[])[0]!.value;
    expect(value).toBe(f!.token);
    expect(value).toHaveLength(12);
  });
});
