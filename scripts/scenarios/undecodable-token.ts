import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773828000; // 2026-03-18T10:00:00Z

export async function scenario(kit: Kit): Promise<Scenario> {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  // A header segment with a character outside base64url: no decoder reads it, so no other check can look inside.
  const broken = `${b64({ alg: 'none', typ: 'JWT' })}*.${b64({ sub: 'admin', jti: 'broken' })}.`;
  // A payload that is not JSON, and a header that is a JSON array.
  const notJson = `${b64({ alg: 'RS256', kid: 'rsa-current' }).slice(0, 10)}.${b64({ sub: 'x' })}.c2ln`;
  const notObject = `${Buffer.from('[1,2]').toString('base64url')}.${b64({ sub: 'mallory' })}.c2ln`;
  // Near misses: an opaque (non-JWT) access token, a five-segment JWE (info only), a plain valid token.
  const opaque = 'ya29.a0AfH6SMBx3Q9rPqZk';
  const jwe = `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.ZW5jcnlwdGVka2V5.aXY.Y2lwaGVydGV4dA.dGFn`;
  const plain = await kit.sign('rsa', { iss: 'https://auth.example', sub: 'bob', jti: 'plain', iat: T0, exp: T0 + 900 });
  const use = (i: number, token: string, outcome: string) => ({ ts: T0 + 60 * i, event: 'use', token, ip: '203.0.113.44', outcome });
  return {
    id: 'undecodable-token',
    description: 'Tokens no decoder can read (a non-base64url header accepted, bytes that are no JSON object rejected or only captured), beside an opaque token, a JWE and a valid token.',
    checks: ['undecodable-token'],
    files: {
      'keys.json': kit.jwks('rsa'),
      'events.ndjson': ndjson([use(1, broken, 'success'), use(2, notJson, 'failure'), use(3, opaque, 'success'), use(4, jwe, 'success'), use(5, plain, 'success')]),
      'captures.txt': `${notObject}\n`,
    },
    expected: [
      { check: 'undecodable-token', severity: 'critical', token: fingerprint(broken) },
      { check: 'undecodable-token', severity: 'low', token: fingerprint(notJson) },
      { check: 'undecodable-token', severity: 'low', token: fingerprint(notObject) },
      { check: 'undecodable-token', severity: 'info', token: fingerprint(jwe) },
    ],
    near_misses: [
      'an opaque (non-JWT) access token accepted is not a finding: it is not a JWS anyone tried to forge',
      'a validly signed token is decodable',
    ],
  };
}
