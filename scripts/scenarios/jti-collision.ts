import { ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const ISS = 'https://auth.example';
const API = 'https://api.example';

/** A copy of `token` with claims changed and the original signature kept: an invalid signature. */
function alter(token: string, changes: Record<string, unknown>): string {
  const [h, p, s] = token.split('.');
  const claims = { ...JSON.parse(Buffer.from(p!, 'base64url').toString()), ...changes };
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}

export async function scenario(kit: Kit): Promise<Scenario> {
  const claims = (sub: string, jti: string, iss = ISS, ttl = 900) => ({ iss, aud: API, sub, jti, iat: T0, exp: T0 + ttl });
  const genuine = await kit.sign('rsa', claims('u-1016', 'j-tamper'));
  const tampered = alter(genuine, { sub: 'u-1001' });
  const probed = await kit.sign('rsa', claims('u-1020', 'j-probe'));
  const probe = alter(probed, { scope: 'admin' });
  const [twinA, twinB] = [await kit.sign('rsa', claims('u-1', 'j-dup')), await kit.sign('rsa', claims('u-2', 'j-dup'))];
  const [againA, againB] = [await kit.sign('rsa', claims('u-3', 'j-again')), await kit.sign('rsa', claims('u-3', 'j-again', ISS, 1800))];
  // near misses
  const ours = await kit.sign('rsa', claims('alice', 'shared-id'));
  const theirs = await kit.sign('ed', claims('p-7', 'shared-id', 'https://login.partner.example'));
  const [resignedOld, resignedNew] = [await kit.sign('rsa-old', claims('bob', 'j-resigned')), await kit.sign('rsa', claims('bob', 'j-resigned'))];
  const use = (dt: number, token: string, sub: string, outcome = 'success') => ({ ts: T0 + dt, event: 'use', token, sub, ip: '81.2.69.155', aud: API, outcome });
  return {
    id: 'jti-collision',
    description: 'A tampered copy (new sub, same jti) accepted, an altered copy rejected, and an issuer minting one jti twice.',
    checks: ['jti-collision'],
    files: {
      'keys.json': kit.jwks('rsa', 'rsa-old', 'ed'),
      'events.ndjson': ndjson([
        use(60, genuine, 'u-1016'),
        use(360, tampered, 'u-1001'),
        use(120, twinA, 'u-1'),
        use(130, twinB, 'u-2'),
        use(140, againA, 'u-3'),
        use(150, againB, 'u-3'),
        use(200, ours, 'alice'),
        use(210, theirs, 'p-7'),
        use(220, resignedOld, 'bob'),
        use(230, resignedNew, 'bob'),
        use(240, ours, 'alice'),
        use(250, probed, 'u-1020'),
        use(260, probe, 'u-1020', 'failure'),
      ]),
      'captures.txt': [ours, genuine].join('\n') + '\n',
    },
    expected: [
      { check: 'jti-collision', severity: 'high', jti: 'j-tamper', sub: null },
      { check: 'jti-collision', severity: 'high', jti: 'j-dup', sub: null },
      { check: 'jti-collision', severity: 'medium', jti: 'j-again', sub: 'u-3' },
      { check: 'jti-collision', severity: 'low', jti: 'j-probe', sub: 'u-1020' },
    ],
    near_misses: [
      'shared-id: the same jti from two issuers (auth.example and the partner) is two id spaces, not a collision',
      'alice and u-1016: one token used twice and captured again is one token',
      'j-resigned: identical claims signed with the old and the new key are the same token content',
    ],
  };
}
