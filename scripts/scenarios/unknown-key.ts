import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773914400; // 2026-03-19T10:00:00Z

export async function scenario(kit: Kit): Promise<Scenario> {
  const c = (sub: string, jti: string) => ({ iss: 'https://auth.example', aud: 'https://api.example', sub, jti, iat: T0, exp: T0 + 3600 });
  // An attacker's own key under an invented kid: two tokens, one accepted twice, one rejected: one finding for the kid.
  const rogue1 = await kit.sign('rsa-old', c('admin', 'rogue-1'), { kid: 'rogue-kid' });
  const rogue2 = await kit.sign('rsa-old', c('root', 'rogue-2'), { kid: 'rogue-kid' });
  const probe = await kit.sign('rsa-old', c('mallory', 'probe'), { kid: 'probe-kid' });
  const legacy = await kit.sign('ed', c('erin', 'legacy'), { kid: 'legacy-idp-2019' });
  // Near misses: rsa-next's key is in a second JWKS (keys-next.json), so its tokens are known;
  // a forged token naming a known kid is bad-signature's.
  const next = await kit.sign('rsa-2', c('alice', 'next-key'));
  const forged = (await kit.sign('rsa', c('bob', 'forged'))).replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'));
  const use = (i: number, token: string, sub: string, outcome: string, ip = '198.51.100.23') => ({
    ts: T0 + 60 * i, event: 'use', token, sub, ip, aud: 'https://api.example', outcome,
  });
  return {
    id: 'unknown-key',
    description: 'Tokens naming kids the registry lacks, grouped per kid (accepted, rejected, only captured); a kid whose key is in a second JWKS.',
    checks: ['unknown-key'],
    files: {
      'keys.json': kit.jwks('rsa', 'ed'),
      'keys-next.json': kit.jwks('rsa-2'),
      'events.ndjson': ndjson([
        use(1, rogue1, 'admin', 'success'),
        use(2, rogue1, 'admin', 'success', '198.51.100.24'),
        use(3, rogue2, 'root', 'failure'),
        use(4, probe, 'mallory', 'failure'),
        use(5, next, 'alice', 'success'),
        use(6, forged, 'bob', 'failure'),
      ]),
      'captures.txt': `${legacy}\n`,
    },
    expected: [
      { check: 'unknown-key', severity: 'high', kid: 'rogue-kid', token: null, sub: null },
      { check: 'unknown-key', severity: 'low', kid: 'probe-kid', token: fingerprint(probe), jti: 'probe', sub: 'mallory' },
      { check: 'unknown-key', severity: 'low', kid: 'legacy-idp-2019', token: fingerprint(legacy), jti: 'legacy', sub: 'erin' },
    ],
    near_misses: [
      'kid rsa-next, whose key arrives in a second JWKS file, is known',
      'a forged token naming the known kid rsa-current is a bad signature, not an unknown key',
    ],
  };
}
