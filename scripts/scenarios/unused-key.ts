import { SignJWT } from 'jose';
import { ndjson, type Kit, type Scenario } from './kit.js';
import { publicRsa, signRs256, weakKeys } from './weak-key.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z

export async function scenario(kit: Kit): Promise<Scenario[]> {
  const weak = weakKeys();
  const base = { iss: 'https://auth.example', aud: 'https://api.example', iat: T0, exp: T0 + 900 };
  const accepted = await kit.sign('rsa', { ...base, sub: 'alice', jti: 'accepted' });
  const rejected = await kit.sign('rsa-old', { ...base, sub: 'bob', jti: 'rejected-by-server' });
  const captured = await kit.sign('rsa-2', { ...base, sub: 'carol', jti: 'captured-only' });
  const byWeak = signRs256(weak.rsa1024, { ...base, sub: 'dave', jti: 'weak' });
  // names hs-1 but carries a signature made with another secret: the key did not sign it
  const forged = await new SignJWT({ ...base, sub: 'mallory', jti: 'forged' })
    .setProtectedHeader({ alg: 'HS256', kid: kit.kid('hs'), typ: 'JWT' })
    .sign(Buffer.from('a-guessed-secret-that-is-not-hs-1'));
  const use = (i: number, token: string, outcome: string) => ({ ts: T0 + 60 * i, event: 'use', token, ip: '81.2.69.142', outcome });
  const jwks = JSON.stringify({ keys: [kit.publicJwk('rsa'), kit.publicJwk('rsa-old'), kit.publicJwk('rsa-2'), kit.publicJwk('ed'), kit.publicJwk('hs'), publicRsa(weak.rsa1024)] }, null, 2);
  return [
    {
      id: 'unused-key',
      description: 'Keys that signed nothing in the evidence, beside keys used only in rejected, captured or unverifiable tokens.',
      checks: ['unused-key'],
      files: {
        'keys.json': jwks,
        'events.ndjson': ndjson([use(0, accepted, 'success'), use(1, rejected, 'failure'), use(2, byWeak, 'success'), use(3, forged, 'failure')]),
        'captures.txt': `${captured}\n`,
      },
      expected: [
        { check: 'unused-key', severity: 'info', kid: 'ed-1' },
        { check: 'unused-key', severity: 'info', kid: 'hs-1' }, // only named by a forged token
      ],
      near_misses: [
        'rsa-old verified a token the server rejected: the key did sign it, so it is used',
        'rsa-next verified a token seen only in captures: used',
        'weak-rsa (1024 bits) signed a token jose cannot verify (rsa-key-too-short): counted as used by kid',
      ],
    },
    {
      id: 'unused-key-keys-only',
      description: 'A store holding only keys: with no events or captures, "signed nothing" means nothing.',
      checks: ['unused-key'],
      files: { 'keys.json': jwks },
      expected: [],
      near_misses: ['six keys and no traffic at all: no unused-key findings'],
    },
  ];
}
