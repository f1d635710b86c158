import { createHmac, generateKeyPairSync, createSign } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportJWK, exportSPKI, generateKeyPair, generateSecret, SignJWT, type JWK } from 'jose';
import { decodeToken } from '../../src/jwt/decode.js';
import { verifyTokens } from '../../src/jwt/verify.js';
import type { KeyRecord, VerifyResult } from '../../src/types.js';
import { keyRecord } from './helpers.js';

const ALGS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA', 'HS256'] as const;
type Alg = (typeof ALGS)[number];

interface Fixture {
  record: KeyRecord;
  sign: (claims: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>;
  spki: string | null;
}
const fx = {} as Record<Alg, Fixture>;
let registry: KeyRecord[] = [];

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const hmacToken = (header: object, payload: object, secret: string | Buffer) => {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};

/** The verdict without the verifying key's thumbprint (asserted on its own below). */
async function verifyOne(raw: string, keys: KeyRecord[] = registry): Promise<VerifyResult> {
  const t = decodeToken(raw);
  const { jkt: _jkt, ...verdict } = (await verifyTokens([t], keys)).get(t.sha256)!;
  return verdict;
}

beforeAll(async () => {
  for (const [i, alg] of ALGS.entries()) {
    const kid = `kid-${alg}`;
    const isHs = alg === 'HS256';
    const pair = isHs ? null : await generateKeyPair(alg, { extractable: true });
    const secret = isHs ? await generateSecret(alg, { extractable: true }) : null;
    const signingKey = pair ? pair.privateKey : secret!;
    const jwk: JWK = await exportJWK(pair ? pair.publicKey : secret!);
    fx[alg] = {
      record: await keyRecord({ ...jwk, kid, use: 'sig' }, i),
      spki: pair ? await exportSPKI(pair.publicKey) : null,
      sign: (claims, header = { kid }) =>
        new SignJWT(claims).setProtectedHeader({ alg, ...header }).setIssuedAt().sign(signingKey),
    };
  }
  registry = ALGS.map((a) => fx[a].record);
});

afterEach(() => vi.restoreAllMocks());

describe.each(ALGS)('%s', (alg) => {
  it('valid token verifies with its kid', async () => {
    expect(await verifyOne(await fx[alg].sign({ sub: 'alice' }))).toEqual({ status: 'valid', kid: `kid-${alg}`, detail: null });
  });
  it('tampered payload → invalid/signature-mismatch', async () => {
    const [h, , s] = (await fx[alg].sign({ sub: 'alice' })).split('.');
    const forged = `${h}.${b64(JSON.stringify({ sub: 'admin' }))}.${s}`;
    expect(await verifyOne(forged)).toEqual({ status: 'invalid', kid: null, detail: 'signature-mismatch' });
  });
  it('unknown kid → unknown-key/no-key-for-kid', async () => {
    const raw = await fx[alg].sign({ sub: 'alice' }, { kid: 'rotated-away' });
    expect(await verifyOne(raw)).toMatchObject({ status: 'unknown-key', detail: 'no-key-for-kid' });
  });
  it('no kid → found among all registry keys', async () => {
    const raw = await fx[alg].sign({ sub: 'alice' }, {});
    expect(await verifyOne(raw)).toEqual({ status: 'valid', kid: `kid-${alg}`, detail: null });
  });
  it('no kid and no key of a compatible type → unknown-key/no-candidate-key', async () => {
    const raw = await fx[alg].sign({ sub: 'alice' }, {});
    const others = registry.filter((k) => k.kid !== `kid-${alg}` && k.kty !== fx[alg].record.kty);
    expect(await verifyOne(raw, others)).toMatchObject({ status: 'unknown-key', detail: 'no-candidate-key' });
  });
});

describe('unsigned and malformed', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])('alg %s → unsigned', async (alg) => {
    const raw = `${b64(JSON.stringify({ alg, kid: 'kid-RS256' }))}.${b64('{"sub":"admin"}')}.`;
    expect(await verifyOne(raw)).toMatchObject({ status: 'unsigned', kid: null });
    // A none token carrying a (garbage) signature is still unsigned.
    expect(await verifyOne(`${raw}AAAA`)).toMatchObject({ status: 'unsigned' });
  });
  it('empty signature segment with a real alg → unsigned', async () => {
    const [h, p] = (await fx.HS256.sign({})).split('.');
    expect(await verifyOne(`${h}.${p}.`)).toMatchObject({ status: 'unsigned', detail: 'empty-signature' });
  });
  it('undecodable token → malformed with the decode reason', async () => {
    expect(await verifyOne('a.b')).toMatchObject({ status: 'malformed', detail: 'not-three-parts' });
    expect(await verifyOne('')).toMatchObject({ status: 'malformed', detail: 'empty' });
  });
  it('non-canonical base64url is verified as jose verifies it; what no decoder reads → malformed', async () => {
    const raw = await fx.HS256.sign({});
    // one '=' completing the signature's last group: jose decodes the same MAC, so the verdict is the same
    expect(await verifyOne(`${raw}=`)).toMatchObject({ status: 'valid' });
    expect(decodeToken(`${raw}=`).nonCanonical).toEqual(['signature']);
    const [h, p, s] = raw.split('.') as [string, string, string];
    expect(await verifyOne(`${h}.${p}.${s}*`)).toMatchObject({ status: 'malformed', detail: 'bad-base64url-signature' });
    expect(await verifyOne(`${h}.${p}A.${s}`)).toMatchObject({ status: 'malformed', detail: 'bad-base64url-payload' });
    // the payload's text changed (a flipped unused bit): the MAC over it no longer holds
    expect(await verifyOne(`${h}.AB.${s}`)).toMatchObject({ status: 'invalid', detail: 'signature-mismatch' });
  });
  it('a valid verdict names the verifying key by its RFC 7638 thumbprint', async () => {
    const t = decodeToken(await fx.RS256.sign({ sub: 'alice' }));
    const verdict = (await verifyTokens([t], registry)).get(t.sha256)!;
    const key = registry.find((k) => k.kid === 'kid-RS256')!;
    expect(verdict).toMatchObject({ status: 'valid', kid: 'kid-RS256', jkt: key.thumbprint });
    expect(key.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
  it('unsupported or non-string alg → unsupported', async () => {
    const sig = b64('x'.repeat(32));
    for (const alg of ['ES256K', 'HS1', 'RSA-OAEP', 7]) {
      const raw = `${b64(JSON.stringify({ alg, kid: 'kid-RS256' }))}.${b64('{}')}.${sig}`;
      expect(await verifyOne(raw), String(alg)).toMatchObject({ status: 'unsupported' });
    }
  });
});

describe('attacks', () => {
  it('HS256 token naming an RSA kid, MACed with the RSA public key → invalid/alg-key-mismatch', async () => {
    const raw = hmacToken({ alg: 'HS256', kid: 'kid-RS256' }, { sub: 'admin' }, fx.RS256.spki!);
    expect(await verifyOne(raw)).toEqual({ status: 'invalid', kid: null, detail: 'alg-key-mismatch' });
  });
  it('ES256 signature with r = s = 0 (CVE-2022-21449) → invalid/ecdsa-zero-signature', async () => {
    const [h, p] = (await fx.ES256.sign({ sub: 'admin' })).split('.');
    const raw = `${h}.${p}.${b64(Buffer.alloc(64))}`;
    expect(await verifyOne(raw)).toEqual({ status: 'invalid', kid: null, detail: 'ecdsa-zero-signature' });
    const rOnly = Buffer.concat([Buffer.alloc(32), Buffer.alloc(32, 1)]);
    expect(await verifyOne(`${h}.${p}.${b64(rOnly)}`)).toMatchObject({ detail: 'ecdsa-zero-signature' });
  });
  it('embedded jwk header is never trusted', async () => {
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(attacker.publicKey);
    const raw = await new SignJWT({ sub: 'admin' }).setProtectedHeader({ alg: 'ES256', jwk }).sign(attacker.privateKey);
    expect(await verifyOne(raw)).toMatchObject({ status: 'invalid', detail: 'signature-mismatch' });
  });
  it('unknown crit header → invalid/crit-unsupported even with a correct MAC', async () => {
    const secret = Buffer.from(fx.HS256.record.jwk.k!, 'base64url');
    const raw = hmacToken({ alg: 'HS256', kid: 'kid-HS256', crit: ['x-corp'], 'x-corp': 1 }, {}, secret);
    expect(await verifyOne(raw)).toMatchObject({ status: 'invalid', detail: 'crit-unsupported' });
  });
  it('a key with use "enc" does not verify signatures', async () => {
    const raw = await fx.RS256.sign({});
    const enc = { ...fx.RS256.record, use: 'enc', jwk: { ...fx.RS256.record.jwk, use: 'enc' } };
    expect(await verifyOne(raw, [enc])).toMatchObject({ status: 'invalid', detail: 'key-not-for-signing' });
  });
  it('the JWK alg is advisory: a PS256-labelled RSA key still verifies an RS256 token, flagged', async () => {
    const raw = await fx.RS256.sign({});
    const relabelled = { ...fx.RS256.record, alg: 'PS256', jwk: { ...fx.RS256.record.jwk, alg: 'PS256' } };
    expect(await verifyOne(raw, [relabelled])).toEqual({ status: 'valid', kid: 'kid-RS256', detail: 'key-alg-differs' });
    const labelled = { ...fx.RS256.record, alg: 'RS256', jwk: { ...fx.RS256.record.jwk, alg: 'RS256' } };
    expect(await verifyOne(raw, [labelled])).toEqual({ status: 'valid', kid: 'kid-RS256', detail: null });
  });
  it('RSA keys under 2048 bits are refused with a precise detail', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const input = `${b64(JSON.stringify({ alg: 'RS256', kid: 'short' }))}.${b64('{}')}`;
    const raw = `${input}.${createSign('sha256').update(input).sign(privateKey).toString('base64url')}`;
    const rec = await keyRecord({ ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'short' });
    expect(await verifyOne(raw, [rec])).toMatchObject({ status: 'invalid', detail: 'rsa-key-too-short' });
  });
  it('a key that fails to import is skipped, not thrown', async () => {
    const raw = await fx.ES256.sign({});
    const broken = { ...fx.ES256.record, jwk: { ...fx.ES256.record.jwk, x: 'AAAA' } };
    expect(await verifyOne(raw, [broken])).toMatchObject({ status: 'invalid', detail: 'key-import-failed' });
  });
});

describe('verifyTokens batch behaviour', () => {
  it('imports each key once, dedupes by sha256, keeps input order, honours concurrency', async () => {
    const raws = await Promise.all(Array.from({ length: 30 }, (_, i) => fx.ES256.sign({ n: i })));
    const tokens = [...raws, ...raws].map((r) => decodeToken(r));
    const spy = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    for (const concurrency of [1, 8, 64]) {
      spy.mockClear();
      const res = await verifyTokens(tokens, registry, { concurrency });
      expect(res.size).toBe(30);
      expect([...res.keys()]).toEqual(tokens.slice(0, 30).map((t) => t.sha256));
      expect([...res.values()].every((r) => r.status === 'valid')).toBe(true);
      expect(spy).toHaveBeenCalledTimes(1);
    }
  });
  it('never throws on an empty batch or garbage keys', async () => {
    expect((await verifyTokens([], registry)).size).toBe(0);
    const junk = { ...fx.RS256.record, kty: 'RSA', jwk: { kty: 'RSA' } } as KeyRecord;
    const raw = await fx.RS256.sign({});
    expect(await verifyOne(raw, [junk])).toMatchObject({ status: 'invalid' });
  });
});
