// Property tests: the key parsers take hostile files, so no input may make them throw.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseJwks } from '../../src/keys/parse-jwks.js';
import { parsePem } from '../../src/keys/parse-pem.js';
import type { ParsedKeys } from '../../src/keys/record.js';
import { fixtureText } from './fixtures.js';

const MEMBERS = ['kty', 'kid', 'alg', 'use', 'crv', 'n', 'e', 'x', 'y', 'k', 'd', 'p', 'x5c', '__proto__', 'keys'];
const KTYS = ['RSA', 'EC', 'OKP', 'oct', 'AKP', ''];
const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];

// JWK-shaped objects with plausible and implausible member values.
const jwkish = fc.dictionary(
  fc.constantFrom(...MEMBERS),
  fc.oneof(fc.constantFrom(...KTYS, 'P-256', 'Ed25519', 'AQAB', 'AAAA', '__proto__'), fc.base64String(), fc.jsonValue({ maxDepth: 2 })),
);

const pemSource = fixtureText('generated/truncated.pem') + fixtureText('jwt-cli/private_eddsa_key.pem') + fixtureText('generated/cert-rsa.pem');

// A real PEM bundle with a slice removed, or random text spliced in.
const mangledPem = fc
  .tuple(fc.nat(pemSource.length), fc.nat(200), fc.string({ unit: 'binary', maxLength: 40 }))
  .map(([at, cut, junk]) => pemSource.slice(0, at) + junk + pemSource.slice(at + cut));

// The parsers catch the unexpected as a last resort; reaching that net counts as a failure too.
// Loaded keys must keep the KeyRecord types whatever members the input had.
async function settles(run: () => Promise<ParsedKeys>): Promise<void> {
  const out = await run();
  expect(out.rejects.filter((r) => r.detail.includes('unexpected error'))).toEqual([]);
  for (const k of out.keys) {
    expect([k.kid, k.thumbprint].every((v) => typeof v === 'string')).toBe(true);
    expect([k.alg, k.use, k.crv].every((v) => v === null || typeof v === 'string')).toBe(true);
    if (!k.isSecret) expect(PRIVATE.filter((m) => m in k.jwk)).toEqual([]);
  }
}

// Real keys (private halves included) as a base, so mutations get past the first checks.
async function baseKeys(): Promise<JWK[]> {
  const ec = await generateKeyPair('ES256', { extractable: true });
  const ed = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' }) as JWK;
  return [await exportJWK(ec.publicKey), await exportJWK(ed.privateKey), rsa, { kty: 'oct', k: 'AAAA' }];
}

describe('key parsers never throw', () => {
  it('parseJwks on arbitrary strings and JWK-shaped documents', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary' }), (s) => settles(() => parseJwks(s))), { numRuns: 300 });
    await fc.assert(
      fc.asyncProperty(fc.array(jwkish, { maxLength: 5 }), fc.boolean(), (keys, wrap) =>
        settles(() => parseJwks(JSON.stringify(wrap ? { keys } : (keys[0] ?? {})))),
      ),
      { numRuns: 300 },
    );
    const bases = await baseKeys();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bases), fc.array(jwkish, { maxLength: 4 }), (base, patches) =>
        settles(() => parseJwks(JSON.stringify({ keys: patches.map((p) => ({ ...base, ...p })) }))),
      ),
      { numRuns: 500 },
    );
  });

  it('parsePem on arbitrary strings and mangled PEM bundles', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary' }), (s) => settles(() => parsePem(s))), { numRuns: 300 });
    await fc.assert(fc.asyncProperty(mangledPem, (s) => settles(() => parsePem(s))), { numRuns: 300 });
  });
});
