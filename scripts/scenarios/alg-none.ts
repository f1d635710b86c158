import { fingerprint, ndjson, unsignedToken, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z

export async function scenario(kit: Kit): Promise<Scenario> {
  const base = { iss: 'https://auth.example', aud: 'https://api.example', iat: T0, exp: T0 + 900 };
  const accepted = unsignedToken({ ...base, sub: 'mallory', jti: 'none-accepted' }, { alg: 'None', typ: 'JWT' });
  const rejected = unsignedToken({ ...base, sub: 'mallory', jti: 'none-rejected' }, { alg: 'NONE', typ: 'JWT' });
  const captured = unsignedToken({ ...base, sub: 'mallory', jti: 'none-captured' }, { alg: 'nOnE' });
  const signed = await kit.sign('rsa', { ...base, sub: 'alice', jti: 'stripped' });
  const stripped = signed.slice(0, signed.lastIndexOf('.') + 1); // RS256 header, signature removed
  // Near miss: a properly signed token whose typ and claims say "none".
  const nearMiss = await kit.sign('rsa', { ...base, sub: 'bob', jti: 'says-none', amr: ['none'], acr: 'none' }, { typ: 'none' });
  const use = (ts: number, token: string, sub: string, outcome: string) => ({ ts, event: 'use', token, sub, ip: '81.2.69.142', aud: base.aud, outcome });
  return {
    id: 'alg-none',
    description: 'Unsigned tokens in every letter case of `none` and an empty signature segment, accepted, rejected and only captured.',
    checks: ['alg-none'],
    files: {
      'keys.json': kit.jwks('rsa'),
      'events.ndjson': ndjson([
        use(T0 + 60, accepted, 'mallory', 'success'),
        use(T0 + 120, rejected, 'mallory', 'failure'),
        use(T0 + 180, stripped, 'alice', 'success'),
        use(T0 + 240, nearMiss, 'bob', 'success'),
      ]),
      'captures.txt': `${captured}\n`,
    },
    expected: [
      { check: 'alg-none', severity: 'critical', token: fingerprint(accepted), jti: 'none-accepted', sub: 'mallory' },
      { check: 'alg-none', severity: 'low', token: fingerprint(rejected), jti: 'none-rejected', sub: 'mallory' },
      { check: 'alg-none', severity: 'medium', token: fingerprint(captured), jti: 'none-captured', sub: 'mallory' },
      { check: 'alg-none', severity: 'critical', token: fingerprint(stripped), jti: 'stripped', sub: 'alice', kid: 'rsa-current' },
    ],
    near_misses: ['a validly signed RS256 token whose typ, amr and acr say "none" is not unsigned'],
  };
}
