import { createHmac } from 'node:crypto';
import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773655200; // 2026-03-16T10:00:00Z
const ISS = 'https://auth.example';
const PARTNER = 'https://login.partner.example';

/** A token with any header and a signature that is just bytes: what a forger without the key sends. */
function fakeSigned(header: Record<string, unknown>, claims: Record<string, unknown>, sigBytes = 256): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha512', 'filler').update(input).digest().toString('base64url').repeat(sigBytes / 64)}`;
}

const use = (i: number, token: string, sub: string, outcome?: string) => ({
  ts: T0 + 60 * i, event: 'use', token, sub, ip: '198.51.100.4', aud: 'https://api.example', ...(outcome ? { outcome } : {}),
});

/** With an allow-list per issuer and a '*' default. */
async function withPolicy(kit: Kit): Promise<Scenario> {
  const c = (iss: string, sub: string, jti: string) => ({ iss, sub, jti, aud: 'https://api.example', iat: T0, exp: T0 + 900 });
  const edDrift = await kit.sign('ed', c(ISS, 'alice', 'ed-drift'));
  const psForged = fakeSigned({ alg: 'PS256', kid: 'rsa-current', typ: 'JWT' }, c(ISS, 'admin', 'ps-forged'));
  const esOnRsa = fakeSigned({ alg: 'ES256', kid: 'rsa-current', typ: 'JWT' }, c(PARTNER, 'admin', 'es-on-rsa'), 64);
  const hs1 = fakeSigned({ alg: 'HS1', kid: 'hs-1', typ: 'JWT' }, c(PARTNER, 'bob', 'hs1-probe'), 64);
  // Near misses
  const rsOk = await kit.sign('rsa', c(ISS, 'carol', 'rs-ok'));
  const partnerEd = await kit.sign('ed', c(PARTNER, 'dave', 'partner-ed'));
  const confusion = fakeSigned({ alg: 'HS256', kid: 'rsa-current', typ: 'JWT' }, c(ISS, 'admin', 'hs-on-rsa'), 64);
  return {
    id: 'alg-not-allowed',
    description: "Per-issuer allow-list ('RS256' for auth.example, a '*' list for the rest) and algs that do not fit the named key type.",
    checks: ['alg-not-allowed'],
    files: {
      'keys.json': kit.jwks('rsa', 'ed', 'hs'),
      'events.ndjson': ndjson([
        use(1, edDrift, 'alice', 'success'),
        use(2, psForged, 'admin', 'success'),
        use(3, esOnRsa, 'admin', 'success'),
        use(4, hs1, 'bob', 'failure'),
        use(5, rsOk, 'carol', 'success'),
        use(6, partnerEd, 'dave', 'success'),
        use(7, confusion, 'admin', 'failure'),
      ]),
    },
    policy: { allowed_algorithms: { [ISS]: ['RS256'], '*': ['RS256', 'ES256', 'EdDSA', 'HS256'] } },
    expected: [
      { check: 'alg-not-allowed', severity: 'medium', token: fingerprint(edDrift), jti: 'ed-drift', kid: 'ed-1' },
      { check: 'alg-not-allowed', severity: 'critical', token: fingerprint(psForged), jti: 'ps-forged', kid: 'rsa-current' },
      { check: 'alg-not-allowed', severity: 'critical', token: fingerprint(esOnRsa), jti: 'es-on-rsa', kid: 'rsa-current' },
      { check: 'alg-not-allowed', severity: 'low', token: fingerprint(hs1), jti: 'hs1-probe', kid: 'hs-1' },
    ],
    near_misses: [
      'EdDSA from the partner issuer is allowed by the * list although auth.example allows only RS256',
      'RS256 from auth.example is on its list',
      'HS256 naming the RSA key is alg-confusion, reported there and not twice',
    ],
  };
}

/** No allow-list at all: only algs that cannot fit the named key type (and algs the verifier does not know). */
async function withoutPolicy(kit: Kit): Promise<Scenario> {
  const c = (sub: string, jti: string) => ({ iss: ISS, sub, jti, aud: 'https://api.example', iat: T0, exp: T0 + 900 });
  const psOnEc = fakeSigned({ alg: 'PS256', kid: 'ec-1', typ: 'JWT' }, c('admin', 'ps-on-ec'));
  const esOnRsa = fakeSigned({ alg: 'ES256', kid: 'rsa-current', typ: 'JWT' }, c('admin', 'es-on-rsa-captured'), 64);
  // Near misses: two issuers' algorithms side by side, each on a key of its own type.
  const rs = await kit.sign('rsa', c('carol', 'rs-plain'));
  const ed = await kit.sign('ed', c('erin', 'ed-plain'));
  return {
    id: 'alg-not-allowed-no-policy',
    description: 'Without a policy list: RS256 and EdDSA on their own keys are fine; PS256 naming an EC key and ES256 naming an RSA key are not.',
    checks: ['alg-not-allowed'],
    files: {
      'keys.json': kit.jwks('rsa', 'ed', 'ec'),
      'events.ndjson': ndjson([use(1, psOnEc, 'admin', 'failure'), use(2, rs, 'carol', 'success'), use(3, ed, 'erin', 'success')]),
      'captures.txt': `${esOnRsa}\n`,
    },
    expected: [
      { check: 'alg-not-allowed', severity: 'low', token: fingerprint(psOnEc), jti: 'ps-on-ec', kid: 'ec-1' },
      { check: 'alg-not-allowed', severity: 'medium', token: fingerprint(esOnRsa), jti: 'es-on-rsa-captured', kid: 'rsa-current' },
    ],
    near_misses: ['RS256 and EdDSA tokens, each signed by a key of its own type, with no allow-list configured'],
  };
}

export async function scenario(kit: Kit): Promise<Scenario[]> {
  return [await withPolicy(kit), await withoutPolicy(kit)];
}
