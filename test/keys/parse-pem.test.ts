import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseJwks } from '../../src/keys/parse-jwks.js';
import { parsePem } from '../../src/keys/parse-pem.js';
import { armour, fixture, fixtureText } from './fixtures.js';

const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi'];
const edPub = fixtureText('jwt-cli/public_eddsa_key.pem');
const rsaPkcs1 = armour('RSA PUBLIC KEY', fixture('jwt-cli/public_rsa_key.der'));
const cert = fixtureText('generated/cert-rsa.pem');
const rsa512 = fixtureText('generated/rsa-512-public.pem');

describe('parsePem: public keys', () => {
  it('reads an SPKI PUBLIC KEY with or without a trailing newline, and with CRLF', async () => {
    const jwks = await parseJwks(fixtureText('jwt-cli/public_eddsa_jwks.json'));
    for (const text of [edPub, edPub.trimEnd(), edPub.replace(/\n/g, '\r\n')]) {
      const out = await parsePem(text);
      expect(out.rejects).toEqual([]);
      expect(out.keys).toHaveLength(1);
      const key = out.keys[0]!;
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', bits: 256, kidSource: 'thumbprint', isSecret: false, x509: null, index: 0 });
      expect(key.kid).toBe(key.thumbprint);
      expect(key.thumbprint).toBe(jwks.keys[0]?.thumbprint); // same key as the fixture JWKS
    }
  });

  it('reads a PKCS#1 RSA PUBLIC KEY and a weak 512-bit SPKI key', async () => {
    const rsa = await parsePem(rsaPkcs1);
    const jwks = await parseJwks(fixtureText('jwt-cli/public_rsa_jwks.json'));
    expect(rsa.keys[0]).toMatchObject({ kty: 'RSA', bits: 2048, thumbprint: jwks.keys[0]?.thumbprint });
    expect((await parsePem(rsa512)).keys[0]?.bits).toBe(512);
  });

  it('reads a certificate: x509 info, x5t#S256 kid, certificate kept in the JWK', async () => {
    const out = await parsePem(cert);
    expect(out.rejects).toEqual([]);
    const der = new X509Certificate(cert).raw;
    const key = out.keys[0]!;
    expect(key).toMatchObject({ kty: 'RSA', bits: 2048, kidSource: 'x5t#S256', kid: createHash('sha256').update(der).digest('base64url') });
    expect(key.x509).toEqual({
      subject: 'O=jwt-forensics test, CN=auth.example.test',
      issuer: 'O=jwt-forensics test, CN=auth.example.test',
      serial: '1234abcd',
      notBefore: '2026-11-23T12:29:20.000Z',
      notAfter: '2126-10-30T12:29:20.000Z',
      sha256: '0ee2dd2b70caac8b44383bfb145ee90242dff1b1761379ee079802b7a1d3a165',
    });
    expect(key.jwk.x5c).toEqual([der.toString('base64')]);
    expect(key.thumbprint).toBe(await calculateJwkThumbprint({ kty: 'RSA', n: key.jwk.n!, e: key.jwk.e! }));
  });

  it('reads many blocks in one file, skipping text between them', async () => {
    const text = `subject=whatever\n${edPub}\nBag Attributes: x\n${rsa512}${cert}${rsaPkcs1}trailing words\n`;
    const out = await parsePem(text);
    expect(out.rejects).toEqual([]);
    expect(out.keys.map((k) => [k.index, k.kty, k.bits, k.kidSource])).toEqual([
      [0, 'OKP', 256, 'thumbprint'],
      [1, 'RSA', 512, 'thumbprint'],
      [2, 'RSA', 2048, 'x5t#S256'],
      [3, 'RSA', 2048, 'thumbprint'],
    ]);
  });

  it('reports the same key twice as a duplicate kid and keeps both', async () => {
    const out = await parsePem(edPub + edPub);
    expect(out.keys).toHaveLength(2);
    expect(out.rejects.map((r) => [r.index, r.reason])).toEqual([[1, 'duplicate-kid']]);
  });
});

describe('parsePem: private keys', () => {
  const ecSec1 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'sec1', format: 'pem' }) as string;
  const blocks = [
    fixtureText('jwt-cli/private_eddsa_key.pem'), // PRIVATE KEY, Ed25519
    armour('RSA PRIVATE KEY', fixture('jwt-cli/private_rsa_key.der')),
    armour('PRIVATE KEY', fixture('jwt-cli/private_ecdsa_key.pk8')),
    ecSec1, // EC PRIVATE KEY
  ];

  it('loads the public half only and warns, with the BEGIN line', async () => {
    const out = await parsePem(blocks.join(''));
    expect(out.keys.map((k) => [k.kty, k.crv, k.bits])).toEqual([['OKP', 'Ed25519', 256], ['RSA', null, 2048], ['EC', 'P-256', 256], ['EC', 'P-384', 384]]);
    for (const k of out.keys) for (const m of PRIVATE) expect(k.jwk).not.toHaveProperty(m);
    expect(out.rejects.map((r) => [r.index, r.line, r.reason])).toEqual([[0, 1, 'private-key'], [1, 4, 'private-key'], [2, 31, 'private-key'], [3, 36, 'private-key']]);
    expect(out.rejects[1]?.detail).toMatch(/RSA PRIVATE KEY block is a private key: only its public half was loaded/);
  });

  it('matches the public key files of the same pairs', async () => {
    const fromPriv = await parsePem(blocks.slice(0, 2).join(''));
    const fromPub = await parsePem(edPub + rsaPkcs1);
    expect(fromPriv.keys.map((k) => k.thumbprint)).toEqual(fromPub.keys.map((k) => k.thumbprint));
  });

  it('refuses encrypted private keys without trying a passphrase', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;
    const legacy = privateKey.export({ type: 'sec1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;
    const out = await parsePem(pkcs8 + legacy);
    expect(out.keys).toEqual([]);
    expect(out.rejects.map((r) => r.reason)).toEqual(['encrypted-key', 'encrypted-key']);
  });
});

describe('parsePem: hostile input becomes rejects', () => {
  it('reports a truncated block with its BEGIN line and keeps the key before it', async () => {
    const out = await parsePem(fixtureText('generated/truncated.pem'));
    expect(out.keys.map((k) => k.bits)).toEqual([512]);
    expect(out.rejects).toEqual([{ index: 1, line: 5, reason: 'bad-pem', detail: 'CERTIFICATE block: no END line (truncated block)' }]);
  });

  it('reports corrupt bodies, bad framing and a BEGIN inside a block', async () => {
    const cut = edPub.replace('MCowBQYDK2Vw', 'MCowBQYD');
    const text = [
      cut, // valid base64, broken DER: line 1
      '-----BEGIN PUBLIC KEY-----\nnot base64 !!\n-----END PUBLIC KEY-----\n', // line 4
      '-----BEGIN PUBLIC KEY-----\nMCow\n-----END CERTIFICATE-----\n', // line 7
      '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n', // line 10
      '-----BEGIN public key\nMCow\n-----END public key\n', // line 12
      '-----BEGIN PUBLIC KEY-----\nMCow\n', // line 15: cut by the next BEGIN
      edPub, // line 17: fine
    ].join('');
    const out = await parsePem(text);
    expect(out.keys.map((k) => k.index)).toEqual([6]);
    expect(out.rejects.map((r) => [r.index, r.line, r.reason])).toEqual([
      [0, 1, 'bad-pem'],
      [1, 4, 'bad-pem'],
      [2, 7, 'bad-pem'],
      [3, 10, 'bad-pem'],
      [4, 12, 'bad-pem'],
      [5, 15, 'bad-pem'],
    ]);
    expect(out.rejects[5]?.detail).toMatch(/no END line before the next BEGIN/);
  });

  it('skips EC PARAMETERS, refuses other labels and keys with no JWK form', async () => {
    const dsa = generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }).publicKey.export({ type: 'spki', format: 'pem' });
    const params = '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n';
    const csr = '-----BEGIN CERTIFICATE REQUEST-----\nMCow\n-----END CERTIFICATE REQUEST-----\n';
    const out = await parsePem(params + csr + dsa);
    expect(out.keys).toEqual([]);
    expect(out.rejects.map((r) => [r.index, r.reason])).toEqual([[1, 'unsupported-pem'], [2, 'unsupported-kty']]);
  });

  it('finds nothing in text without blocks, and says the file is unusable', async () => {
    const none = { line: null, what: 'no PEM block (-----BEGIN …----- to -----END …-----) in it' };
    expect(await parsePem('')).toEqual({ keys: [], rejects: [], unusable: none });
    expect(await parsePem('hello\n-----END PUBLIC KEY-----\n')).toEqual({ keys: [], rejects: [], unusable: none });
  });

  it('is unusable only when no block is complete', async () => {
    const cut = edPub.slice(0, 40);
    const alone = await parsePem(`\n${cut}`);
    expect(alone.rejects.map((r) => [r.line, r.reason])).toEqual([[2, 'bad-pem']]);
    expect(alone.unusable).toEqual({ line: 2, what: 'no complete PEM block: PUBLIC KEY block: no END line (truncated block)' });
    expect((await parsePem(edPub + cut)).unusable).toBeUndefined();
    // complete framing with a corrupt body is one bad key, not an unusable file
    expect((await parsePem('-----BEGIN PUBLIC KEY-----\nMCow\n-----END PUBLIC KEY-----\n')).unusable).toBeUndefined();
  });
});
