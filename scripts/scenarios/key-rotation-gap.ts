import { ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z; the last event is at T0 + 1 h: the audit's reference time
const DAY = 86_400;
const at = (days: number, hours = 0): string => new Date((T0 - days * DAY + hours * 3600) * 1000).toISOString();
const rec = (kid: string, action: string, ts: string, actor = 'ops:alice') => ({ ts, kid, action, actor, reason: 'rotation' });

async function traffic(kit: Kit, signers: [Parameters<Kit['sign']>[0], string][]): Promise<string> {
  const rows = [];
  for (const [i, [name, iss]] of signers.entries()) {
    const token = await kit.sign(name, { iss, aud: 'https://api.example', sub: `user-${i}`, jti: `tok-${i}`, iat: T0, exp: T0 + 3600 });
    rows.push({ ts: T0 + i * 60, event: 'use', token, ip: '81.2.69.142', outcome: 'success' });
  }
  rows.push({ ts: T0 + 3600, event: 'logout', sub: 'user-0', outcome: 'success' });
  return ndjson(rows);
}

async function lifecycle(kit: Kit): Promise<Scenario> {
  return {
    id: 'key-rotation-gap',
    description: 'A key registry with a normal rotation, an overdue HMAC key, a key without records, a re-activated key and a successor activated without retiring its predecessor.',
    checks: ['key-rotation-gap'],
    files: {
      'keys.json': kit.jwks('rsa', 'rsa-old', 'rsa-2', 'ed', 'hs', 'ec'),
      'events.ndjson': await traffic(kit, [['rsa', 'https://auth.example'], ['rsa', 'https://auth.example']]),
      // file order is not time order: the audit sorts by ts
      'rotation.ndjson': ndjson([
        rec('rsa-current', 'activated', at(105)),
        rec('rsa-old', 'created', at(400)),
        rec('rsa-old', 'activated', at(400, 1)),
        rec('rsa-old', 'retired', at(100)),
        rec('rsa-current', 'created', at(110)),
        rec('rsa-next', 'created', at(60)),
        rec('rsa-next', 'activated', at(50), 'ops:bob'),
        rec('hs-1', 'created', at(400)),
        rec('hs-1', 'activated', at(400)),
        rec('ec-1', 'created', at(30)),
        rec('ec-1', 'activated', at(29)),
        rec('ec-1', 'retired', at(20)),
        rec('ec-1', 'activated', at(10), 'ops:mallory'),
      ]),
    },
    expected: [
      { check: 'key-rotation-gap', severity: 'medium', kid: 'ed-1' }, // no records at all
      { check: 'key-rotation-gap', severity: 'medium', kid: 'hs-1' }, // 400 days old, never retired
      { check: 'key-rotation-gap', severity: 'medium', kid: 'ec-1' }, // activated again after retirement
      { check: 'key-rotation-gap', severity: 'low', kid: 'rsa-current' }, // still active 50 days after rsa-next took over
    ],
    near_misses: [
      'rsa-old is 400 days old but was retired before the reference time: not overdue',
      'rsa-old and rsa-current were active together for 5 days during their rotation (policy allows 30): no overlap finding',
      'rsa-current and rsa-next are 110 and 60 days old: not overdue; records listed out of file order are judged by ts',
    ],
  };
}

async function records(kit: Kit): Promise<Scenario> {
  return {
    id: 'key-rotation-gap-records',
    description: 'Rotation records out of order, a compromised key never revoked, records missing created/activated, and records for kids the registry lacks.',
    checks: ['key-rotation-gap'],
    files: {
      'keys.json': kit.jwks('rsa', 'rsa-old', 'rsa-2', 'ed', 'hs'),
      // three RSA keys, each signing for its own issuer: separate lineages, so their long overlap is no rotation gap
      'events.ndjson': await traffic(kit, [
        ['rsa', 'https://auth.example'], ['rsa-old', 'https://partner.example'], ['rsa-2', 'https://legacy.example'],
      ]),
      'rotation.ndjson': ndjson([
        rec('rsa-current', 'activated', at(300)),
        rec('rsa-current', 'created', at(290)),
        rec('rsa-old', 'created', at(200)),
        rec('rsa-old', 'activated', at(199)),
        rec('rsa-old', 'revoked', at(50)),
        rec('rsa-old', 'activated', at(40), 'ops:mallory'),
        rec('rsa-next', 'created', at(200)),
        rec('rsa-next', 'activated', at(200)),
        { ...rec('rsa-next', 'compromised', at(10), 'secops'), reason: 'private key found in a public repository' },
        rec('ed-1', 'activated', at(100)),
        rec('ed-1', 'created', at(100)),
        rec('ed-1', 'revoked', at(19), 'secops'),
        rec('ed-1', 'compromised', at(20), 'secops'),
        rec('hs-1', 'retired', at(30)),
        rec('rsa-2019', 'created', at(2000)),
        rec('rsa-2019', 'activated', at(2000)),
        rec('rsa-2019', 'retired', at(1500)),
        rec('signer-x', 'activated', at(10)),
      ]),
    },
    expected: [
      { check: 'key-rotation-gap', severity: 'high', kid: 'rsa-next' }, // compromised, never retired or revoked
      { check: 'key-rotation-gap', severity: 'medium', kid: 'rsa-current' }, // activated before created
      { check: 'key-rotation-gap', severity: 'medium', kid: 'rsa-old' }, // activated again after revocation
      { check: 'key-rotation-gap', severity: 'medium', kid: 'hs-1' }, // only a retired record
      { check: 'key-rotation-gap', severity: 'low', kid: 'signer-x' }, // active per the records, missing from the registry
      { check: 'key-rotation-gap', severity: 'info', kid: 'rsa-2019' }, // retired long ago and dropped from the JWKS
    ],
    near_misses: [
      'ed-1 was compromised and revoked a day later (revoked listed first in the file): not a compromised-active key',
      'ed-1 created and activated at the same second, activated listed first: not out of order',
      'rsa-current, rsa-old and rsa-next overlap for months but sign for different issuers: no overlap finding',
    ],
  };
}

export async function scenario(kit: Kit): Promise<Scenario[]> {
  return [await lifecycle(kit), await records(kit)];
}
