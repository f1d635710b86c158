import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773828000; // 2026-03-18T10:00:00Z
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Set an unused low bit of a segment's last character: the same bytes to a lenient decoder, a different text. */
function flip(segment: string): string {
  if (segment.length % 4 === 0) throw new Error('no spare bits in this segment');
  return segment.slice(0, -1) + ALPHABET[ALPHABET.indexOf(segment.at(-1)!) | 1]!;
}

export async function scenario(kit: Kit): Promise<Scenario> {
  const c = (sub: string, jti: string) => ({ iss: 'https://auth.example', sub, jti, iat: T0, exp: T0 + 900 });
  // A genuine token whose signature segment got a flipped padding bit: it still verifies (jose accepts it), but its
  // text — what a deny-list keyed on the token matches — changed. RS256 signatures (256 bytes) have 4 spare bits.
  const genuine = await kit.sign('rsa', c('alice', 'reencoded'));
  const [h, p, s] = genuine.split('.') as [string, string, string];
  const reencoded = `${h}.${p}.${flip(s)}`;
  const padded = await kit.sign('rsa', c('bob', 'padded'));
  const [ph, pp, ps] = padded.split('.') as [string, string, string];
  const withPadding = `${ph}.${pp}.${ps}${ps.length % 4 === 2 ? '==' : '='}`;
  const captured = await kit.sign('ed', c('carol', 'captured'));
  const [ch, cp, cs] = captured.split('.') as [string, string, string];
  const capturedFlip = `${ch}.${cp}.${flip(cs)}`;
  const plain = await kit.sign('rsa', c('dave', 'plain'));
  const use = (i: number, token: string, outcome: string) => ({ ts: T0 + 60 * i, event: 'use', token, ip: '198.51.100.23', outcome });
  return {
    id: 'non-canonical-encoding',
    description: 'Genuine tokens re-encoded after signing (a flipped padding bit accepted, `=` padding rejected, a flipped bit only captured), beside a canonical token.',
    checks: ['non-canonical-encoding'],
    files: {
      'keys.json': kit.jwks('rsa', 'ed'),
      'events.ndjson': ndjson([use(1, reencoded, 'success'), use(2, withPadding, 'failure'), use(3, plain, 'success')]),
      'captures.txt': `${capturedFlip}\n`,
    },
    expected: [
      { check: 'non-canonical-encoding', severity: 'high', token: fingerprint(reencoded), jti: 'reencoded', sub: 'alice', kid: 'rsa-current' },
      { check: 'non-canonical-encoding', severity: 'low', token: fingerprint(withPadding), jti: 'padded', sub: 'bob', kid: 'rsa-current' },
      { check: 'non-canonical-encoding', severity: 'medium', token: fingerprint(capturedFlip), jti: 'captured', sub: 'carol', kid: 'ed-1' },
    ],
    near_misses: ['a canonical, validly signed token'],
  };
}
