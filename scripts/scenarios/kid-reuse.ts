import { ndjson, type KeyName, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z

export async function scenario(kit: Kit): Promise<Scenario> {
  const as = (name: KeyName, kid: string) => ({ ...kit.publicJwk(name), kid });
  const base = { iss: 'https://auth.example', aud: 'https://api.example', iat: T0, exp: T0 + 900 };
  const tokens = [
    // shared-1: both materials sign live tokens — the verifier cannot know which key a kid means
    await kit.sign('rsa', { ...base, sub: 'alice', jti: 's1-a' }, { kid: 'shared-1' }),
    await kit.sign('rsa-2', { ...base, sub: 'bob', jti: 's1-b' }, { kid: 'shared-1' }),
    // shared-2: only the first material signs anything; the second was published under the same kid
    await kit.sign('rsa-old', { ...base, sub: 'carol', jti: 's2-a' }, { kid: 'shared-2' }),
    await kit.sign('ed', { ...base, sub: 'dave', jti: 'ed' }),
    await kit.sign('hs', { ...base, sub: 'erin', jti: 'hs' }, { kid: 'hs-alias' }),
  ];
  const use = (i: number, token: string) => ({ ts: T0 + 60 * i, event: 'use', token, ip: '81.2.69.142', outcome: 'success' });
  return {
    id: 'kid-reuse',
    description: 'Two kids each published on two different keys (JWKS fetched at two times), with and without both materials signing.',
    checks: ['kid-reuse'],
    files: {
      'jwks-monday.json': JSON.stringify({ keys: [as('rsa', 'shared-1'), as('rsa-old', 'shared-2'), kit.publicJwk('ed'), kit.publicJwk('hs')] }, null, 2),
      'jwks-friday.json': JSON.stringify({ keys: [as('rsa-2', 'shared-1'), as('ec', 'shared-2'), kit.publicJwk('ed'), as('hs', 'hs-alias')] }, null, 2),
      'events.ndjson': ndjson(tokens.map((t, i) => use(i, t))),
    },
    expected: [
      { check: 'kid-reuse', severity: 'high', kid: 'shared-1' },
      { check: 'kid-reuse', severity: 'medium', kid: 'shared-2' },
    ],
    near_misses: [
      'ed-1 appears in both JWKS files with the same material: one key, not a reused kid',
      'the hs-1 secret is published under two kids (hs-1, hs-alias): two kids on one key is not one kid on two keys',
    ],
  };
}
