import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773914400; // 2026-03-19T10:00:00Z
const iso = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

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
  // rsa-old: retired ten days ago, its key missing from the JWKS saved after the rotation, but named by the rotation
  // records. Refresh tokens it signed before retiring are still exchanged: a known key, not an unknown one. A token
  // under that kid signed after the retirement is not covered by the records; nor are tokens under a kid the
  // records say was compromised.
  const DAY = 86_400;
  const at = (sub: string, jti: string, iat: number) => ({ ...c(sub, jti), iat, exp: iat + 60 * DAY, token_use: 'refresh' });
  const before1 = await kit.sign('rsa-old', at('frank', 'old-rt-1', T0 - 20 * DAY));
  const before2 = await kit.sign('rsa-old', at('gina', 'old-rt-2', T0 - 15 * DAY));
  const after = await kit.sign('rsa-old', at('admin', 'old-after', T0 - DAY));
  const stolen = await kit.sign('ec', c('root', 'stolen-key'), { kid: 'ec-compromised' });
  const records = [
    { ts: iso(T0 - 90 * DAY), kid: 'rsa-old', action: 'created', actor: 'kms' },
    { ts: iso(T0 - 89 * DAY), kid: 'rsa-old', action: 'activated', actor: 'kms' },
    { ts: iso(T0 - 10 * DAY), kid: 'rsa-old', action: 'retired', actor: 'kms', reason: 'scheduled rotation' },
    { ts: iso(T0 - 60 * DAY), kid: 'ec-compromised', action: 'created', actor: 'kms' },
    { ts: iso(T0 - 60 * DAY), kid: 'ec-compromised', action: 'activated', actor: 'kms' },
    { ts: iso(T0 - 5 * DAY), kid: 'ec-compromised', action: 'compromised', actor: 'secops', reason: 'key exfiltrated' },
  ];
  const use = (i: number, token: string, sub: string, outcome: string, ip = '198.51.100.23') => ({
    ts: T0 + 60 * i, event: 'use', token, sub, ip, aud: 'https://api.example', outcome,
  });
  return {
    id: 'unknown-key',
    description: 'Tokens naming kids the registry lacks, grouped per kid (accepted, rejected, only captured); a kid whose key is in a second JWKS; a retired kid the rotation records know (tokens signed in its life low, one signed after its retirement high) and a kid recorded as compromised (high).',
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
        use(7, before1, 'frank', 'success'),
        use(8, before2, 'gina', 'success'),
        use(9, after, 'admin', 'success', '203.0.113.9'),
        use(10, stolen, 'root', 'success', '203.0.113.9'),
      ]),
      'rotation.ndjson': ndjson(records),
      'captures.txt': `${legacy}\n`,
    },
    expected: [
      { check: 'unknown-key', severity: 'high', kid: 'rogue-kid', token: null, sub: null },
      { check: 'unknown-key', severity: 'low', kid: 'probe-kid', token: fingerprint(probe), jti: 'probe', sub: 'mallory' },
      { check: 'unknown-key', severity: 'low', kid: 'legacy-idp-2019', token: fingerprint(legacy), jti: 'legacy', sub: 'erin' },
      { check: 'unknown-key', severity: 'low', kid: 'rsa-old', token: null, sub: null },
      { check: 'unknown-key', severity: 'high', kid: 'rsa-old', token: fingerprint(after), jti: 'old-after', sub: 'admin' },
      { check: 'unknown-key', severity: 'high', kid: 'ec-compromised', token: fingerprint(stolen), jti: 'stolen-key', sub: 'root' },
    ],
    near_misses: [
      'kid rsa-next, whose key arrives in a second JWKS file, is known',
      'a forged token naming the known kid rsa-current is a bad signature, not an unknown key',
      'kid rsa-old, missing from the JWKS but named by the rotation records: its two accepted tokens signed before its retirement are one low "known key" finding, not high',
    ],
  };
}
