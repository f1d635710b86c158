import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, generateSecret, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseJwks } from '../../src/keys/parse-jwks.js';
import { fixture, fixtureText } from './fixtures.js';

const jwks = (...keys: unknown[]): string => JSON.stringify({ keys });
const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

async function pair(alg: string, options: { crv?: string } = {}): Promise<{ pub: JWK; priv: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...options });
  return { pub: await exportJWK(publicKey), priv: await exportJWK(privateKey) };
}

function rsaJwk(bits: number): JWK {
  return generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' }) as JWK;
}

async function reasonsFor(...keys: unknown[]): Promise<string[]> {
  const out = await parseJwks(jwks(...keys));
  return out.rejects.map((r) => r.reason);
}

describe('parseJwks: supported key types', () => {
  it('reads RSA, EC, OKP and oct keys with kid, bits and curve', async () => {
    const rsa = (await pair('RS256')).pub;
    const p256 = (await pair('ES256')).pub;
    const p384 = (await pair('ES384')).pub;
    const p521 = (await pair('ES512')).pub;
    const ed = (await pair('EdDSA', { crv: 'Ed25519' })).pub;
    const oct = await exportJWK(await generateSecret('HS256', { extractable: true }));
    const keys = [rsa, p256, p384, p521, ed, oct].map((k, i) => ({ ...k, kid: `k${i}`, use: 'sig' }));
    const out = await parseJwks(jwks(...keys));
    expect(out.rejects).toEqual([]);
    expect(out.keys.map((k) => [k.kid, k.kidSource, k.kty, k.crv, k.bits, k.isSecret, k.index])).toEqual([
      ['k0', 'jwk', 'RSA', null, 2048, false, 0],
      ['k1', 'jwk', 'EC', 'P-256', 256, false, 1],
      ['k2', 'jwk', 'EC', 'P-384', 384, false, 2],
      ['k3', 'jwk', 'EC', 'P-521', 521, false, 3],
      ['k4', 'jwk', 'OKP', 'Ed25519', 256, false, 4],
      ['k5', 'jwk', 'oct', null, 256, true, 5],
    ]);
    expect(out.keys[5]?.jwk.k).toBe(oct.k); // HMAC tokens cannot be verified without it
    expect(out.keys.every((k) => k.use === 'sig')).toBe(true);
  });

  it('accepts a single JWK object and keeps alg', async () => {
    const { pub } = await pair('ES256');
    const out = await parseJwks(JSON.stringify({ ...pub, alg: 'ES256', kid: 'one' }));
    expect(out.keys).toHaveLength(1);
    expect(out.keys[0]).toMatchObject({ kid: 'one', alg: 'ES256', kty: 'EC', index: 0 });
  });

  it('computes bits: RSA 2048 and 512 (leading zero bytes ignored), oct 256 and 64, Ed448, secp256k1', async () => {
    const n2048 = rsaJwk(2048);
    const padded = { ...n2048, n: Buffer.concat([Buffer.alloc(1), Buffer.from(n2048.n!, 'base64url')]).toString('base64url') };
    const k64 = { kty: 'oct', k: Buffer.alloc(8, 7).toString('base64url') };
    const k256 = { kty: 'oct', k: fixture('jwt-cli/hmac-key.bin').toString('base64url') };
    const ed448 = generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' });
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' });
    const out = await parseJwks(jwks(n2048, rsaJwk(512), padded, k256, k64, ed448, k1));
    expect(out.keys.map((k) => k.bits)).toEqual([2048, 512, 2048, 256, 64, 456, 256]);
  });

  it('reads the jwt-cli fixture JWKS files', async () => {
    const ec = await parseJwks(fixtureText('jwt-cli/public_ecdsa_jwks.json'));
    const ed = await parseJwks(fixtureText('jwt-cli/public_eddsa_jwks.json'));
    expect(ec.keys.map((k) => [k.kty, k.crv, k.use])).toEqual([['EC', 'P-256', 'sig'], ['EC', 'P-256', 'enc']]);
    expect(ed.keys.map((k) => [k.kty, k.alg, k.bits])).toEqual([['OKP', 'EdDSA', 256], ['OKP', 'EdDSA', 256]]);
    // the raw point file is the same key as the JWKS entries
    const raw = fixture('jwt-cli/public_ecdsa_key.pk8');
    const fromRaw = { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') };
    expect(ec.keys[0]?.thumbprint).toBe(await calculateJwkThumbprint(fromRaw));
  });
});

describe('parseJwks: private members and kids', () => {
  it('drops private members from RSA, EC and OKP keys and says so without quoting them', async () => {
    const privs = [(await pair('RS256')).priv, (await pair('ES256')).priv, (await pair('EdDSA', { crv: 'Ed25519' })).priv];
    const out = await parseJwks(jwks(...privs));
    expect(out.keys).toHaveLength(3);
    for (const [i, k] of out.keys.entries()) {
      for (const m of PRIVATE) expect(k.jwk).not.toHaveProperty(m);
      expect(k.thumbprint).toBe(await calculateJwkThumbprint(privs[i]!));
    }
    expect(out.rejects.map((r) => [r.index, r.reason])).toEqual([[0, 'private-key'], [1, 'private-key'], [2, 'private-key']]);
    const text = JSON.stringify(out);
    for (const p of privs) for (const m of PRIVATE) if (p[m as keyof JWK]) expect(text).not.toContain(p[m as keyof JWK]);
  });

  it('derives the kid from the RFC 7638 thumbprint when there is none', async () => {
    const { pub } = await pair('ES256');
    const out = await parseJwks(jwks(pub, { ...pub, kid: '' }));
    const tp = await calculateJwkThumbprint(pub);
    expect(out.keys.map((k) => [k.kid, k.kidSource, k.thumbprint])).toEqual([[tp, 'thumbprint', tp], [tp, 'thumbprint', tp]]);
  });

  it('keeps both keys of a duplicate kid and reports it (fixture: same key, use sig + enc)', async () => {
    const out = await parseJwks(fixtureText('jwt-cli/public_rsa_jwks.json'));
    expect(out.keys.map((k) => [k.kid, k.use, k.bits])).toEqual([
      ['2caFcPx-aXaC6SevhV79UDIrs8LgUok2xo0A6DJPqJo', 'sig', 2048],
      ['2caFcPx-aXaC6SevhV79UDIrs8LgUok2xo0A6DJPqJo', 'enc', 2048],
    ]);
    expect(out.rejects).toHaveLength(1);
    expect(out.rejects[0]).toMatchObject({ index: 1, line: null, reason: 'duplicate-kid' });
    expect(out.rejects[0]?.detail).toMatch(/indexes 0, 1 \(same key material\)/);
  });

  it('flags a kid shared by different keys', async () => {
    const a = { ...(await pair('ES256')).pub, kid: 'k' };
    const b = { ...(await pair('ES256')).pub, kid: 'k' };
    const out = await parseJwks(jwks(a, b, a));
    expect(out.keys).toHaveLength(3);
    expect(out.rejects.map((r) => r.detail)).toEqual(['kid "k" is used by keys at indexes 0, 1, 2 (different key material); all kept']);
  });
});

describe('parseJwks: hostile input becomes rejects', () => {
  it('rejects bad JSON once, at index -1, without quoting the input', async () => {
    const secret = 'c3VwZXItc2VjcmV0LWhtYWMta2V5';
    const out = await parseJwks(`{"keys":[\n{"kty":"oct","k":"${secret}"},,]}`);
    expect(out.keys).toEqual([]);
    expect(out.rejects).toHaveLength(1);
    expect(out.rejects[0]).toMatchObject({ index: -1, reason: 'bad-json' });
    expect(out.rejects[0]?.detail).not.toContain(secret);
    expect((await parseJwks('')).rejects[0]?.reason).toBe('bad-json');
  });

  it('marks an unreadable document unusable, and says when it was cut short', async () => {
    const cut = await parseJwks('{"keys":[{"kty":"RSA","kid":"a","n":"');
    expect(cut.unusable).toEqual({ line: 1, what: 'not valid JSON at column 38: the document ends early (truncated?)' });
    expect((await parseJwks('{"keys":[\n')).unusable).toEqual({ line: 1, what: 'not valid JSON at column 10: the document ends early (truncated?)' });
    expect((await parseJwks('{"keys":[]}}')).unusable).toEqual({ line: 1, what: 'not valid JSON at column 12' });
    expect((await parseJwks('  \n')).unusable).toEqual({ line: 1, what: 'the file is empty' });
    expect((await parseJwks('[1]')).unusable).toBeUndefined(); // an array of entries: bad entries, usable file
    expect((await parseJwks('42')).unusable?.what).toBe('not a JWKS: expected {"keys":[...]} or a JWK object');
  });

  it('rejects documents that are not a JWKS', async () => {
    for (const doc of ['42', 'null', '"keys"', '{"keys":{"kty":"oct"}}']) {
      const out = await parseJwks(doc);
      expect(out.rejects.map((r) => [r.index, r.reason])).toEqual([[-1, 'not-jwks']]);
    }
  });

  it('rejects unsupported kty, missing kty and non-object entries', async () => {
    expect(await reasonsFor({ kty: 'AKP', alg: 'ML-DSA-44', pub: 'AAAA' }, { kty: 'DSA' })).toEqual(['unsupported-kty', 'unsupported-kty']);
    expect(await reasonsFor({ n: 'AAAA', e: 'AQAB' }, 'string', null, [1], { kty: 7 })).toEqual(['bad-jwk', 'bad-jwk', 'bad-jwk', 'bad-jwk', 'bad-jwk']);
  });

  it('rejects members of the wrong type or encoding with a reason, not a crash', async () => {
    const rsa = rsaJwk(2048);
    const ec = (await pair('ES256')).pub;
    const out = await parseJwks(
      jwks({ ...rsa, n: 12345 }, { ...rsa, e: undefined }, { ...rsa, kid: 5 }, { ...rsa, alg: ['RS256'] }, { ...ec, x: 'not base64!' }, { ...ec, y: ec.x }),
    );
    expect(out.keys).toEqual([]);
    expect(out.rejects.map((r) => [r.index, r.reason, r.detail])).toEqual([
      [0, 'bad-jwk', '"n" is not a string'],
      [1, 'bad-jwk', 'RSA key is missing "e"'],
      [2, 'bad-jwk', 'kid is not a string'],
      [3, 'bad-jwk', 'alg is not a string'],
      [4, 'bad-jwk', '"x" is not base64url'],
      [5, 'bad-jwk', expect.stringMatching(/^not a usable EC public key/)], // point not on the curve
    ]);
  });

  it('rejects unknown curves, empty secrets and degenerate RSA moduli', async () => {
    const ed = (await pair('EdDSA', { crv: 'Ed25519' })).pub;
    const out = await parseJwks(
      jwks({ ...ed, crv: '__proto__' }, { ...ed, crv: 'Ed1' }, { kty: 'oct', k: '' }, { kty: 'RSA', n: 'AAAA', e: 'AQAB' }, { ...ed, x: 'AAAA' }),
    );
    expect(out.rejects.map((r) => r.reason)).toEqual(['unsupported-crv', 'unsupported-crv', 'bad-jwk', 'bad-jwk', 'bad-jwk']);
  });

  it('keeps a "__proto__" member as data, never as inherited members', async () => {
    const out = await parseJwks('{"kty":"oct","k":"AAAA","__proto__":{"alg":5,"use":[],"kid":{}}}');
    // a kid-less oct secret is named by its place, never by its thumbprint (a hash of the secret)
    expect(out.keys[0]).toMatchObject({ alg: null, use: null, kidSource: 'position', kid: 'oct#1' });
    expect(Object.getPrototypeOf(out.keys[0]?.jwk)).toBe(Object.prototype);
  });

  it('rejects empty required members and ignores members a key type does not use (found by fuzzing)', async () => {
    const out = await parseJwks(jwks({ kty: 'RSA', n: rsaJwk(512).n, e: '' }, { kty: 'oct', k: 'AAAA', crv: {}, kid: 'o' }));
    expect(out.rejects.map((r) => [r.index, r.reason, r.detail])).toEqual([[0, 'bad-jwk', '"e" is empty']]);
    expect(out.keys[0]).toMatchObject({ kty: 'oct', crv: null, bits: 24 });
  });

  it('keeps good keys around bad ones, with input indexes', async () => {
    const { pub } = await pair('ES256');
    const out = await parseJwks(jwks({ kty: 'nope' }, pub, 3));
    expect(out.keys.map((k) => k.index)).toEqual([1]);
    expect(out.rejects.map((r) => r.index)).toEqual([0, 2]);
  });
});

describe('parseJwks: x5c', () => {
  const cert = new X509Certificate(fixtureText('generated/cert-rsa.pem'));
  const certJwk = cert.publicKey.export({ format: 'jwk' });
  const x5c = [cert.raw.toString('base64')];

  it('fills x509 info from the first certificate', async () => {
    const out = await parseJwks(jwks({ ...certJwk, kid: 'c', x5c }));
    expect(out.rejects).toEqual([]);
    expect(out.keys[0]?.x509).toMatchObject({ subject: 'O=jwt-forensics test, CN=auth.example.test', serial: '1234abcd' });
  });

  it('warns when the certificate is unreadable or holds another key, and still loads the key', async () => {
    const other = rsaJwk(2048);
    const out = await parseJwks(jwks({ ...other, kid: 'a', x5c }, { ...other, kid: 'b', x5c: ['AAAA'] }, { ...other, kid: 'c', x5c: 'x' }));
    expect(out.keys).toHaveLength(3);
    expect(out.keys[0]?.x509?.serial).toBe('1234abcd');
    expect(out.rejects.map((r) => r.reason)).toEqual(['x5c-mismatch', 'bad-x5c', 'bad-x5c']);
  });
});
