import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeToken, DEFAULT_MAX_TOKEN_LENGTH } from '../../src/jwt/decode.js';
import { base64url } from 'jose';
import { decodeBase64urlLenient, decodeBase64urlStrict, isStrictBase64url } from '../../src/jwt/base64url.js';
import { fingerprintOf } from '../../src/jwt/fingerprint.js';
import { sha256Hex } from '../../src/util/sha256.js';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const json = (v: unknown) => b64(JSON.stringify(v));
const HEADER = json({ alg: 'HS256', typ: 'JWT', kid: 'k1' });
const SIG = b64('signature-bytes!');
const token = (payload: unknown, header = HEADER) => `${header}.${json(payload)}.${SIG}`;

describe('base64url (strict)', () => {
  it('accepts canonical unpadded strings and decodes them', () => {
    expect(decodeBase64urlStrict('')?.length).toBe(0);
    expect(decodeBase64urlStrict('Zm9v')?.toString()).toBe('foo');
    expect(decodeBase64urlStrict('Zm8')?.toString()).toBe('fo');
    expect(decodeBase64urlStrict('Zg')?.toString()).toBe('f');
    expect(decodeBase64urlStrict('-_-_')).not.toBeNull();
  });
  it.each([
    ['padding', 'Zg=='],
    ['single padding', 'Zm8='],
    ['whitespace', 'Zm9 v'],
    ['newline', 'Zm9v\n'],
    ['standard alphabet +', 'a+b/'],
    ['length mod 4 == 1', 'Zm9vY'],
    ['non-canonical trailing bits (2 chars)', 'Zh'],
    ['non-canonical trailing bits (3 chars)', 'Zm9'],
    ['non-ASCII', 'Zm9vé'],
  ])('rejects %s', (_name, s) => {
    expect(isStrictBase64url(s)).toBe(false);
    expect(decodeBase64urlStrict(s)).toBeNull();
  });
  it('rejects what Node Buffer silently accepts', () => {
    expect(Buffer.from('Zh', 'base64url').toString()).toBe('f'); // lenient: same bytes as 'Zg'
    expect(decodeBase64urlStrict('Zh')).toBeNull();
  });
});

describe('fingerprint', () => {
  it('is the sha256 of the compact string and its first 12 hex digits', () => {
    const h = sha256Hex('abc');
    expect(h).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(fingerprintOf(h)).toBe('ba7816bf8f01');
  });
});

describe('decodeToken reason codes', () => {
  it('decodes a normal JWT', () => {
    const raw = token({ iss: 'https://idp', sub: 'u1', aud: 'api', jti: 'j', iat: 1, nbf: 2, exp: 3 });
    const t = decodeToken(raw);
    expect(t).toMatchObject({
      ok: true, reason: null, detail: null, payloadReason: null, alg: 'HS256', typ: 'JWT', kid: 'k1',
      iss: 'https://idp', sub: 'u1', aud: ['api'], jti: 'j', iat: 1, nbf: 2, exp: 3, signatureLength: 16,
    });
    expect(t.sha256).toBe(sha256Hex(raw));
    expect(t.fingerprint).toBe(t.sha256.slice(0, 12));
  });

  it('empty', () => {
    expect(decodeToken('')).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('not-three-parts for 2 segments and 5 (JWE) segments, with the count in detail', () => {
    const two = decodeToken(`${HEADER}.${json({})}`);
    expect(two).toMatchObject({ ok: false, reason: 'not-three-parts' });
    expect(two.detail).toContain('2');
    const five = decodeToken('eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d');
    expect(five).toMatchObject({ ok: false, reason: 'not-three-parts' });
    expect(five.detail).toContain('5');
  });

  it('bad-base64url for what no lenient verifier decodes either (non-alphabet, a lone 6-bit char, misplaced =)', () => {
    for (const h of [`${HEADER}*`, `${HEADER}+`, `${HEADER}/`, `e30AA`, `e=30`, `${HEADER}===`]) {
      expect(decodeToken(`${h}.${json({})}.${SIG}`), h).toMatchObject({ ok: false, reason: 'bad-base64url' });
    }
    expect(decodeToken(`e30.${json({})}.${SIG}`)).toMatchObject({ ok: true, nonCanonical: [] }); // '{}' canonical: control
  });

  it('decodes what jose decodes, and records each non-canonical segment (padding bits, =, whitespace)', () => {
    // 'e31' decodes to '{}' as 'e30' does: only an unused low bit differs.
    expect(Buffer.from('e31', 'base64url').toString()).toBe('{}');
    const bits = decodeToken(`e31.${json({})}.${SIG}`);
    expect(bits).toMatchObject({ ok: true, header: {}, nonCanonical: ['header'] });
    expect(decodeToken('eyJhbGciOiJub25lIn0=.e30.')).toMatchObject({ ok: true, alg: 'none', nonCanonical: ['header'] });
    expect(decodeToken(`${HEADER} .${json({ sub: 'a' })}.${SIG}`)).toMatchObject({ ok: true, sub: 'a', nonCanonical: ['header'] });
    expect(decodeToken(`${HEADER}.AB.${SIG}`)).toMatchObject({ ok: true, nonCanonical: ['payload'] });
    expect(decodeToken(`${HEADER}.${json({})}.AB`)).toMatchObject({ signatureLength: 1, nonCanonical: ['signature'] });
  });

  it('our lenient base64url agrees with jose on every variant (accepts the same strings, same bytes)', () => {
    const variants = ['e30', 'e31', 'e32', 'e3', 'e30=', 'e3==', 'e30==', 'e 3 0', 'e30\n', '\te30', 'e3=0', 'e30A', 'e*0',
      'e+0', 'e/0', 'AB', 'AA', 'ABC', 'ABD', 'ABCD', 'A', '', '====', 'AB==', 'ABC=', 'AB=', 'AB\u000b', 'AB\u00a0'];
    for (const v of variants) {
      let theirs: Buffer | null;
      try {
        theirs = Buffer.from(base64url.decode(v));
      } catch {
        theirs = null;
      }
      const ours = decodeBase64urlLenient(v);
      expect(ours?.bytes ?? null, JSON.stringify(v)).toEqual(theirs);
    }
  });

  it('bad-utf8 for invalid UTF-8 bytes in the header', () => {
    const t = decodeToken(`${b64(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))}.${json({})}.${SIG}`);
    expect(t).toMatchObject({ ok: false, reason: 'bad-utf8' });
  });

  it('bad-json, and detail does not quote the header', () => {
    const t = decodeToken(`${b64('{"alg":"HS256",SECRETSTUFF')}.${json({})}.${SIG}`);
    expect(t).toMatchObject({ ok: false, reason: 'bad-json' });
    expect(t.detail).not.toContain('SECRETSTUFF');
  });

  it.each([['array', []], ['string', 'x'], ['null', null], ['number', 1]])('not-an-object for a header %s', (_n, v) => {
    expect(decodeToken(`${json(v)}.${json({})}.${SIG}`)).toMatchObject({ ok: false, reason: 'not-an-object' });
  });

  it('too-large still hashes the full string and does not crash on 3 MB', () => {
    const raw = `${HEADER}.${b64('x'.repeat(3 * 1024 * 1024))}.${SIG}`;
    const t = decodeToken(raw);
    // the header is still read (a huge payload must not hide alg none); the payload is not
    expect(t).toMatchObject({ ok: true, payloadReason: 'too-large', claims: null, alg: 'HS256' });
    expect(t.sha256).toBe(sha256Hex(raw));
    expect(t.detail).not.toContain(HEADER);
    const hugeHeader = decodeToken(`${b64(`{"alg":"none","x":"${'y'.repeat(70_000)}"}`)}.e30.`);
    expect(hugeHeader).toMatchObject({ ok: false, reason: 'too-large', header: null });
    expect(decodeToken(raw, { maxLength: raw.length }).ok).toBe(true);
    expect(DEFAULT_MAX_TOKEN_LENGTH).toBe(65536);
  });
});

describe('decodeToken payload problems keep ok=true', () => {
  it('payload JSON array → claims null, payloadReason not-an-object', () => {
    const t = decodeToken(token([1, 2]));
    expect(t).toMatchObject({ ok: true, reason: null, claims: null, payloadReason: 'not-an-object', alg: 'HS256' });
  });
  it('5,000-deep nested payload does not crash: kept as too-large (JSON.stringify would overflow storing it)', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const t = decodeToken(`${HEADER}.${b64(deep)}.${SIG}`);
    expect(t).toMatchObject({ ok: true, payloadReason: 'too-large', claims: null });
    const deepObj = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    expect(decodeToken(`${HEADER}.${b64(deepObj)}.${SIG}`)).toMatchObject({ ok: true, payloadReason: 'too-large', claims: null });
    expect(decodeToken(`${b64(deepObj)}.${b64('{}')}.${SIG}`)).toMatchObject({ ok: false, reason: 'too-large' });
    const shallow = '{"a":'.repeat(200) + '1' + '}'.repeat(200);
    expect(decodeToken(`${HEADER}.${b64(shallow)}.${SIG}`).claims).not.toBeNull();
  });
  it('non-JSON payload (Wycheproof-style "foo") → bad-json', () => {
    expect(decodeToken(`${HEADER}.Zm9v.${SIG}`)).toMatchObject({ ok: true, payloadReason: 'bad-json' });
  });
  it('payload with invalid UTF-8 or bad base64url', () => {
    expect(decodeToken(`${HEADER}.${b64(Buffer.from([0xc3, 0x28]))}.${SIG}`).payloadReason).toBe('bad-utf8');
    expect(decodeToken(`${HEADER}.A.${SIG}`).payloadReason).toBe('bad-base64url');
  });
  it('empty signature → length 0; a signature no decoder reads → -1', () => {
    expect(decodeToken(`${HEADER}.${json({})}.`).signatureLength).toBe(0);
    expect(decodeToken(`${HEADER}.${json({})}.A`).signatureLength).toBe(-1);
    expect(decodeToken(`${HEADER}.${json({})}.A*`).signatureLength).toBe(-1);
  });
});

describe('claims typing', () => {
  const claims = (c: unknown) => decodeToken(token(c));
  it('exp as string is ignored, float kept, 1e308 kept, negative kept, 1e400 (Infinity) dropped', () => {
    expect(claims({ exp: '1700000000' }).exp).toBeNull();
    expect(claims({ exp: 1700000000.5 }).exp).toBe(1700000000.5);
    expect(claims({ exp: 1e308 }).exp).toBe(1e308);
    expect(claims({ exp: -5 }).exp).toBe(-5);
    const inf = decodeToken(`${HEADER}.${b64('{"exp":1e400}')}.${SIG}`);
    expect(inf.exp).toBeNull();
    expect(inf.claims).not.toBeNull();
  });
  it('aud: string → [string]; array keeps strings; other → null', () => {
    expect(claims({ aud: 'a' }).aud).toEqual(['a']);
    expect(claims({ aud: ['a', 1, null, 'b'] }).aud).toEqual(['a', 'b']);
    expect(claims({ aud: 7 }).aud).toBeNull();
  });
  it('non-string iss/sub/jti and header alg/kid/typ become null', () => {
    const t = decodeToken(token({ iss: 1, sub: {}, jti: [] }, json({ alg: 1, kid: null, typ: true })));
    expect(t).toMatchObject({ ok: true, iss: null, sub: null, jti: null, alg: null, kid: null, typ: null });
  });
});

describe('decodeToken properties', () => {
  it('never throws and detail never contains the input (length > 20)', () => {
    const tokenish = fc
      .tuple(fc.string(), fc.string(), fc.string())
      .map(([a, b, c]) => `${b64(a)}.${b64(b)}.${c}`);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), tokenish), (s) => {
        const t = decodeToken(s);
        expect(typeof t.ok).toBe('boolean');
        if (s.length > 20 && t.detail !== null) expect(t.detail.includes(s)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
  it('never throws for non-string input at runtime', () => {
    expect(decodeToken(undefined as unknown as string)).toMatchObject({ ok: false, reason: 'empty' });
  });
});
