import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773828000; // 2026-03-18T10:00:00Z
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A genuine token with its claims swapped after signing: the signature no longer covers what it carries. */
function tampered(token: string, claims: Record<string, unknown>): string {
  const [h, , s] = token.split('.');
  return `${h}.${b64(claims)}.${s}`;
}

export async function scenario(kit: Kit): Promise<Scenario> {
  const c = (sub: string, jti: string, extra: Record<string, unknown> = {}) => ({
    iss: 'https://auth.example', aud: 'https://api.example', sub, jti, iat: T0, exp: T0 + 900, ...extra,
  });
  const acceptedForgery = tampered(await kit.sign('rsa', c('alice', 'tamper-accepted')), c('alice', 'tamper-accepted', { role: 'admin' }));
  const rejectedForgery = tampered(await kit.sign('rsa', c('bob', 'tamper-rejected')), c('bob', 'tamper-rejected', { role: 'admin' }));
  const capturedForgery = tampered(await kit.sign('ed', c('carol', 'tamper-captured')), c('admin', 'tamper-captured'));
  // CVE-2022-21449: r = s = 0, which Java 15-18 accepted for any message and any key.
  const psychic = `${b64({ alg: 'ES256', kid: 'ec-1', typ: 'JWT' })}.${b64(c('admin', 'psychic'))}.${Buffer.alloc(64).toString('base64url')}`;
  // Near misses: after a rotation the registry holds two keys under kid rsa-current (keys-rotated.json); a token
  // signed by the newer one verifies. A plain valid token of the same subject as a forgery. An HMAC token naming
  // the RSA key (alg-confusion's) and a kid the registry does not have (unknown-key's).
  const rotated = await kit.sign('rsa-2', c('alice', 'rotated-same-kid'), { kid: 'rsa-current' });
  const plain = await kit.sign('rsa', c('bob', 'plain'));
  const confusion = `${b64({ alg: 'HS256', kid: 'rsa-current' })}.${b64(c('admin', 'hs-on-rsa'))}.${Buffer.alloc(32, 1).toString('base64url')}`;
  const unknown = await kit.sign('rsa-old', c('dave', 'unknown-kid'), { kid: 'not-in-registry' });
  // Without a kid: a forgery signed by a key the registry does not hold is tried against every registry key that
  // fits RS256 and matches none (many deployments sign with one key and no kid). Near miss: a genuine kid-less token.
  const kidlessForgery = await kit.sign('rsa-old', c('erin', 'kidless-forged'), { kid: undefined });
  const kidlessGenuine = await kit.sign('rsa', c('frank', 'kidless-genuine'), { kid: undefined });
  const use = (i: number, token: string, sub: string, outcome: string) => ({
    ts: T0 + 60 * i, event: 'use', token, sub, ip: '203.0.113.99', aud: 'https://api.example', outcome,
  });
  return {
    id: 'bad-signature',
    description: 'Tokens whose claims were changed after signing (accepted, rejected, captured), an ECDSA r=s=0 psychic signature, and a forgery without a kid.',
    checks: ['bad-signature'],
    files: {
      'keys.json': kit.jwks('rsa', 'ed', 'ec'),
      'keys-rotated.json': JSON.stringify({ keys: [{ ...kit.publicJwk('rsa-2'), kid: 'rsa-current' }] }),
      'events.ndjson': ndjson([
        use(1, acceptedForgery, 'alice', 'success'),
        use(2, rejectedForgery, 'bob', 'failure'),
        use(3, psychic, 'admin', 'success'),
        use(4, rotated, 'alice', 'success'),
        use(5, plain, 'bob', 'success'),
        use(6, confusion, 'admin', 'failure'),
        use(7, unknown, 'dave', 'failure'),
        use(8, kidlessForgery, 'erin', 'success'),
        use(9, kidlessGenuine, 'frank', 'success'),
      ]),
      'captures.txt': `${capturedForgery}\n`,
    },
    expected: [
      { check: 'bad-signature', severity: 'critical', token: fingerprint(acceptedForgery), jti: 'tamper-accepted', sub: 'alice', kid: 'rsa-current' },
      { check: 'bad-signature', severity: 'low', token: fingerprint(rejectedForgery), jti: 'tamper-rejected', sub: 'bob', kid: 'rsa-current' },
      { check: 'bad-signature', severity: 'medium', token: fingerprint(capturedForgery), jti: 'tamper-captured', sub: 'admin', kid: 'ed-1' },
      { check: 'bad-signature', severity: 'critical', token: fingerprint(psychic), jti: 'psychic', kid: 'ec-1' },
      { check: 'bad-signature', severity: 'critical', token: fingerprint(kidlessForgery), jti: 'kidless-forged', sub: 'erin', kid: null },
    ],
    near_misses: [
      'a token signed by the second key registered under the same kid after a rotation verifies',
      'a valid token of a subject that also has a forged token',
      'an HS256 token naming the RSA key is algorithm confusion, not a bad signature',
      'a kid the registry does not have is unknown-key, not a bad signature',
      'a genuine token without a kid verifies with the registry key that fits its alg',
    ],
  };
}
