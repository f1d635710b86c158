// Generates test/hostile/corpus/ and its sidecar test/hostile/expected.json (issue 8): input an attacker under
// investigation could have written, each file with the outcome it must get — which lines load, which are
// rejected with which reason code, which tokens are kept as evidence with which decode defect.
// Deterministic (no clock, no randomness). Run: node --import tsx scripts/make-hostile.ts
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const OUT = new URL('../test/hostile/corpus/', import.meta.url);
const EXPECTED = new URL('../test/hostile/expected.json', import.meta.url);

/** What one line must get: load, be skipped as blank, or be rejected with this reason code. */
type Want = 'good' | 'blank' | { reject: string };

export interface TokenExpectation {
  sha256: string;
  /** decode reason (null: header decoded) */
  reason: string | null;
  payload_reason: string | null;
  note: string;
}

export interface Expected {
  /** what the file is, as the tool detects it */
  kind: string | null;
  description: string;
  /** for line-oriented kinds: the line numbers that must load */
  good?: number[];
  /** every rejected line (null: the file as a whole) with its reason code, in line order */
  rejects?: [number | null, string][];
  /** tokens that must be kept in `tokens` with this defect */
  tokens?: TokenExpectation[];
  /** for key files: how many keys load, and which warnings are recorded */
  keys?: number;
  warnings?: string[];
  /** unusable input: `ingest` exits 2 with a message naming the file (an unusable key file still records its
   *  `rejects` and `keys`, checked in the store the CLI wrote) */
  exit?: 2;
  error?: string;
}

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const SIG = Buffer.from('not a real signature, 32 bytes!!').toString('base64url');
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

function tok(header: unknown, payload: unknown, sig = SIG): string {
  return `${b64(header)}.${b64(payload)}.${sig}`;
}

const CLAIMS = { iss: 'https://idp.hostile.test', sub: 'alice', aud: 'api', iat: T0 - 60, exp: T0 + 3600, jti: 'h-0001' };
const HEADER = { alg: 'RS256', kid: 'hostile-1', typ: 'JWT' };

function ev(i: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ts: T0 + i, event: 'use', sub: `user-${i}`, ip: `10.0.0.${i % 250}`, outcome: 'success', ...extra });
}

interface Line {
  bytes: Buffer | string;
  want: Want;
}
const good = (bytes: Buffer | string): Line => ({ bytes, want: 'good' });
const blank = (bytes: Buffer | string): Line => ({ bytes, want: 'blank' });
const bad = (bytes: Buffer | string, reason: string): Line => ({ bytes, want: { reject: reason } });

const corpus: Record<string, Expected> = {};
const files = new Map<string, Buffer>();

/** A line-oriented file: lines joined with `eol`, expectations from each line's `want`. */
function lines(
  name: string,
  kind: string,
  description: string,
  body: Line[],
  opts: { eol?: string; final?: boolean; tokens?: TokenExpectation[]; prefix?: Buffer } = {},
): void {
  const eol = Buffer.from(opts.eol ?? '\n');
  const parts: Buffer[] = opts.prefix ? [opts.prefix] : [];
  body.forEach((l, i) => {
    parts.push(Buffer.isBuffer(l.bytes) ? l.bytes : Buffer.from(l.bytes));
    if (i < body.length - 1 || opts.final !== false) parts.push(eol);
  });
  files.set(name, Buffer.concat(parts));
  corpus[name] = {
    kind,
    description,
    good: body.flatMap((l, i) => (l.want === 'good' ? [i + 1] : [])),
    rejects: body.flatMap((l, i): [number, string][] => (typeof l.want === 'object' ? [[i + 1, l.want.reject]] : [])),
    ...(opts.tokens ? { tokens: opts.tokens } : {}),
  };
}

function raw(name: string, bytes: Buffer | string, expected: Expected): void {
  files.set(name, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
  corpus[name] = expected;
}

const keep = (token: string, reason: string | null, payload_reason: string | null, note: string): TokenExpectation => ({
  sha256: sha(token), reason, payload_reason, note,
});

// --- NDJSON structure -------------------------------------------------------------------------------------

lines('truncated-json.ndjson', 'events', 'truncated JSON lines among good ones, the last without a newline', [
  good(ev(1)),
  bad('{"ts":1773482401,"event":"use","sub":"trunc', 'truncated-json'),
  good(ev(3)),
  // V8 words these as "Expected property name" / "Expected ',' or '}'" at the end of the line: still truncated
  bad('{"ts":1773482403,', 'truncated-json'),
  bad('{"ts":1773482404,"event":"use"}}', 'bad-json'),
  good(ev(6)),
  bad('{"ts":17734', 'truncated-json'),
], { final: false });

lines('not-objects.ndjson', 'events', 'null, arrays, strings, numbers, booleans and blank lines where objects belong', [
  good(ev(1)),
  bad('null', 'not-an-object'),
  bad('[1,2,3]', 'not-an-object'),
  bad('"a string"', 'not-an-object'),
  bad('42', 'not-an-object'),
  bad('true', 'not-an-object'),
  blank(''),
  blank('    '),
  blank('\t \t'),
  bad(`[${ev(10)}]`, 'not-an-object'),
  good(ev(11)),
  bad('{}{}', 'bad-json'),
  good(ev(13)),
  // DuckDB skips lines of vertical tab and form feed as it does spaces; a no-break space or a NUL is a line
  blank('\v'),
  blank('\f \v\t'),
  bad('\u00a0', 'bad-json'),
  good(ev(17)),
]);

lines('bom-crlf.ndjson', 'events', 'a UTF-8 byte-order mark and CRLF line endings', [
  good(ev(1)),
  good(ev(2)),
  blank(''),
  good(ev(4, { ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' })),
], { eol: '\r\n', prefix: Buffer.from([0xef, 0xbb, 0xbf]) });

const withBytes = (before: string, bytes: number[], after: string): Buffer =>
  Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);

lines('bad-utf8.ndjson', 'events', 'invalid UTF-8: stray bytes, an overlong encoding, a UTF-8-encoded surrogate, a cut sequence', [
  good(ev(1)),
  bad(withBytes(`{"ts":${T0},"event":"use","ua":"`, [0xff, 0xfe], '"}'), 'bad-utf8'),
  good(ev(3)),
  bad(withBytes(`{"ts":${T0},"event":"use","ua":"`, [0xc0, 0xaf], '"}'), 'bad-utf8'),
  bad(withBytes(`{"ts":${T0},"event":"use","ua":"`, [0xed, 0xa0, 0x80], '"}'), 'bad-utf8'),
  bad(withBytes(`{"ts":${T0},"event":"use","ua":"`, [0xe2, 0x82], '"}'), 'bad-utf8'),
  good(ev(7)),
]);

lines('control-chars.ndjson', 'events', 'raw NUL and ESC (invalid JSON) and escaped control characters, DEL, C1 and bidi overrides (valid JSON, kept, never printed raw)', [
  good(ev(1)),
  bad(`{"ts":${T0},"event":"use","sub":"a\u0000b"}`, 'bad-json'),
  bad(`{"ts":${T0},"event":"use","ua":"\u001b]0;pwned\u0007"}`, 'bad-json'),
  bad(`{"ts":${T0},\u0000"event":"use"}`, 'bad-json'),
  good(ev(5, { sub: 'nul\u0000inside', ua: '\u001b]0;owned\u0007\u001b[2J\u001b[31mred' })),
  good(ev(6, { ua: 'del\u007fand c1 \u009b31m and bidi \u202egnp.exe', reason: 'tab\tand newline\nand cr\r' })),
  good(`{"ts":${T0 + 7},"event":"use","ua":"raw del \u007f and raw c1 \u0085\u009b"}`),
  good(ev(8)),
]);

// --- tokens -----------------------------------------------------------------------------------------------

const BIG = `${b64(HEADER)}.${'A'.repeat(3 * 1024 * 1024)}.${SIG}`;
// The big line is second: a first line longer than the 256 KiB detection window defeats kind detection (issue 8 note).
lines('big-token.ndjson', 'events', 'a 3 MB token: the event loads, the token keeps its header (read: a huge payload must not hide alg none) and its payload unparsed as too-large', [
  good(ev(1)),
  good(ev(2, { token: BIG })),
], { tokens: [keep(BIG, null, 'too-large', '3 MB compact string')] });

const deepObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const deepArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const SHAPES: [string, string | null, string | null, string][] = [
  [`${b64(HEADER)}.${b64(CLAIMS)}`, 'not-three-parts', null, 'two segments'],
  [`${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.${SIG}.${SIG}.${SIG}.${SIG}`, 'not-three-parts', null, 'five segments (JWE)'],
  [`${b64(HEADER)}+/.${b64(CLAIMS)}.${SIG}`, 'bad-base64url', null, 'standard base64 characters in the header'],
  [`${b64({ alg: 'RS256', kid: 'hostile-1' })}==.${b64(CLAIMS)}.${SIG}`, 'bad-base64url', null, 'padded header'],
  [`${b64(HEADER)}.${b64(CLAIMS)}.${SIG}%$!`, null, null, 'non-base64url signature (decode ok, verification malformed)'],
  [`${b64(HEADER)}.${b64([CLAIMS])}.${SIG}`, null, 'not-an-object', 'payload is a JSON array'],
  [`${b64(HEADER)}.${b64(deepArray(5000))}.${SIG}`, null, 'too-large', 'payload is a 5,000-deep array'],
  [`${b64(HEADER)}.${b64(deepObject(5000))}.${SIG}`, null, 'too-large', 'payload is a 5,000-deep object'],
  [`${b64(deepObject(5000))}.${b64(CLAIMS)}.${SIG}`, 'too-large', null, 'header is a 5,000-deep object'],
  [`${b64(HEADER)}.${b64({ ...CLAIMS, deep: JSON.parse(deepArray(200)) })}.${SIG}`, null, null, 'claims nested 200 deep (under the limit)'],
  [`${b64('not json')}.${b64(CLAIMS)}.${SIG}`, 'bad-json', null, 'header is not JSON'],
  [`${Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64url')}.${b64(CLAIMS)}.${SIG}`, 'bad-utf8', null, 'header is not UTF-8'],
  [`.${b64(CLAIMS)}.${SIG}`, 'bad-json', null, 'empty header segment'],
  [`${b64(HEADER)}.${b64('null')}.${SIG}`, null, 'not-an-object', 'payload is null'],
  [`\u001b[2J\u001b]0;pwned\u0007.${b64(CLAIMS)}.${SIG}`, 'bad-base64url', null, 'terminal escapes in the token itself'],
  [`..`, 'bad-json', null, 'only dots'],
];
lines('token-shapes.ndjson', 'events', 'malformed tokens in log events: each event loads, each token is kept with its defect', [
  ...SHAPES.map(([t], i) => good(ev(i + 1, { token: t, jti: `shape-${i + 1}` }))),
  good(ev(SHAPES.length + 1, { authorization: `Bearer ${SHAPES[0]![0]}` })),
  good(ev(SHAPES.length + 2, { token: 12345 })),
  good(ev(SHAPES.length + 3, { token: { nested: 'object' } })),
], {
  tokens: [
    ...SHAPES.map(([t, r, p, note]) => keep(t, r, p, note)),
    keep('12345', 'not-three-parts', null, 'a number where the token belongs'),
    keep('{"nested":"object"}', 'not-three-parts', null, 'an object where the token belongs'),
  ],
});

// exp/iat written by the attacker: strings, floats, 1e308, negative, beyond double range
const claimed = (c: Record<string, unknown>): string => tok(HEADER, { ...CLAIMS, ...c });
const TIMES: [string, string][] = [
  [claimed({ exp: String(T0 + 3600), iat: String(T0) }), 'exp and iat as strings'],
  [claimed({ exp: T0 + 3600.75, iat: T0 - 0.5 }), 'floats'],
  [claimed({ exp: 1e308 }), 'exp 1e308'],
  [claimed({ exp: -1e308, iat: -1 }), 'negative exp and iat'],
  [claimed({ nbf: 1e308, iat: 1e308 }), 'nbf and iat 1e308'],
  [claimed({ exp: 1.7976931348623157e308, nbf: -1.7976931348623157e308 }), 'the largest doubles'],
  [`${b64(HEADER)}.${b64(`{"sub":"alice","iat":1e400,"exp":-1e400}`)}.${SIG}`, 'beyond double range (1e400)'],
  [claimed({ exp: null, iat: true, nbf: [T0] }), 'null, boolean and array times'],
  [claimed({ exp: 0, iat: 0 }), 'zero'],
];
lines('claim-times.ndjson', 'events', 'exp/iat/nbf as strings, floats, 1e308, negative, 1e400: tokens decode, every check survives them', TIMES.map(([t], i) =>
  good(ev(i + 1, { token: t, jti: `times-${i + 1}` })),
), { tokens: TIMES.map(([t, note]) => keep(t, null, null, note)) });

// --- timestamps -------------------------------------------------------------------------------------------

const tsLine = (ts: string): string => `{"ts":${ts},"event":"use","sub":"ts-test"}`;
lines('timestamps.ndjson', 'events', '`ts` in every accepted form, and in forms that are no time at all', [
  good(tsLine('"2026-03-14T10:00:00Z"')),
  good(tsLine('"2026-03-14T10:00:00.123456Z"')),
  good(tsLine('"2026-03-14T12:00:00+02:00"')),
  good(tsLine('"2026-03-14T10:00:00"')),
  good(tsLine('"2026-03-14 10:00:00"')),
  good(tsLine(String(T0))),
  good(tsLine(String(T0 * 1000 + 123))),
  good(tsLine(`"${T0}"`)),
  good(tsLine(`${T0}.25`)),
  good(tsLine('0')),
  good(tsLine('-86400')),
  good(tsLine(`"${T0 * 1000}"`)),
  bad('{"event":"use","sub":"ts-test"}', 'missing-ts'),
  bad(tsLine('null'), 'missing-ts'),
  bad(tsLine('""'), 'bad-ts'),
  bad(tsLine('"yesterday"'), 'bad-ts'),
  bad(tsLine('"NaN"'), 'bad-ts'),
  bad(tsLine('"Infinity"'), 'bad-ts'),
  bad(tsLine('"-inf"'), 'bad-ts'),
  bad(tsLine('1e308'), 'bad-ts'),
  bad(tsLine('-1e308'), 'bad-ts'),
  bad(tsLine('true'), 'bad-ts'),
  bad(tsLine('{}'), 'bad-ts'),
  bad(tsLine('[1773482400]'), 'bad-ts'),
  bad(tsLine('"2026-13-45T00:00:00Z"'), 'bad-ts'),
  bad(tsLine('"2026-03-14T25:00:00Z"'), 'bad-ts'),
  bad(tsLine('"\\u001b[2J2026-03-14"'), 'bad-ts'),
  bad(tsLine('"1773482400; DROP TABLE events"'), 'bad-ts'),
  good(tsLine(String(T0 + 1))),
]);

// --- what gets printed ------------------------------------------------------------------------------------

export const INJECTED_SUB = "a' OR 'a'='a";
export const INJECTED_JTI = '1; DELETE FROM tokens; --';
lines('sql-meta.ndjson', 'events', 'SQL metacharacters in jti, sub, sid and client_id', [
  good(ev(1, { jti: INJECTED_JTI, sub: INJECTED_SUB })),
  good(ev(2, { jti: "x'); DROP TABLE events; --", sub: '"; DROP TABLE events; --' })),
  good(ev(3, { sid: '%_\\\\%', client_id: '$1 ? :name' })),
  good(ev(4, { sub: "Robert'); DROP TABLE students;--", jti: '\' UNION SELECT raw FROM tokens --' })),
]);

export const SCRIPT = '<script>alert(1)</script>';
const hostileToken = tok(
  { alg: 'RS256', kid: '../../etc/passwd\u001b[2J', typ: 'JWT\u001b]0;pwned\u0007', jku: 'http://127.0.0.1:9/jwks.json', x5u: 'http://127.0.0.1:9/cert.pem' },
  { ...CLAIMS, sub: '\u001b]0;owned\u0007<img src=x onerror=alert(2)>', iss: '<script>alert(3)</script>', jti: 'h-escape', aud: ['api', '\u202eipa'] },
);
lines('escapes.ndjson', 'events', 'terminal escape sequences, HTML/script, Markdown and spreadsheet formulas in user agents and claims', [
  good(ev(1, { ua: '\u001b]0;pwned\u0007' })),
  good(ev(2, { ua: '\u001b[2J\u001b[H\u001b[?1049h' })),
  good(ev(3, { ua: SCRIPT, city: '](javascript:alert(1))' })),
  good(ev(4, { sub: '<img src=x onerror=alert(1)>', jti: '| x | y |' })),
  good(ev(5, { sub: '=HYPERLINK("http://evil.test","x")', ua: '+cmd|\' /C calc\'!A0', ip: '-1+1', client_id: '@SUM(A1)' })),
  good(ev(6, { token: hostileToken, jti: 'h-escape', ua: `\u009b2J ${SCRIPT}` })),
  good(ev(7, { token: hostileToken, jti: 'h-escape', outcome: 'success', ip: '203.0.113.9', ua: 'curl/8.0' })),
], { tokens: [keep(hostileToken, null, null, 'escapes and script in header and claims; jku/x5u never fetched')] });

lines('deep-line.ndjson', 'events', 'a 5,000-deep value in an unknown field and a 100,000-deep line (DuckDB\'s JSON functions recurse: rejected too-deep before it parses them) between good events', [
  bad(`{"ts":${T0},"event":"use","deep":${deepArray(5000)}}`, 'too-deep'),
  good(ev(2)),
  bad(`{"ts":${T0},"event":"use","deeper":${deepArray(100000)}}`, 'too-deep'),
  good(ev(4)),
]);

// --- issue 14: what a lenient verifier accepts, and explanations that must stay linear ------------------------

/** Set an unused low bit of a segment's last character: the same bytes to a lenient decoder, a different text. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const flip = (seg: string): string => seg.slice(0, -1) + ALPHABET[ALPHABET.indexOf(seg.at(-1)!) | 1]!;
// a payload whose base64url has spare bits (its byte length is not a multiple of 3)
const SPARE_CLAIMS = { ...CLAIMS, sub: 'mallory', jti: 'h-nc1', pad: 'x' };
const NONE_FLIPPED = `${b64({ alg: 'none', typ: 'JWT' })}.${flip(b64(SPARE_CLAIMS))}.`;
const PADDED_SIG = `${b64(HEADER)}.${b64(CLAIMS)}.${SIG}=`;
const SPACED = `${b64(HEADER)}.${b64(CLAIMS)} .${SIG}`;
lines('noncanonical-tokens.ndjson', 'events', 'tokens re-encoded after signing (a flipped padding bit on alg none, = padding, a space): read as jose reads them, not left malformed', [
  good(ev(1, { token: NONE_FLIPPED })),
  good(ev(2, { token: PADDED_SIG })),
  good(ev(3, { token: SPACED })),
], {
  tokens: [
    keep(NONE_FLIPPED, null, null, 'alg none, flipped padding bit in the payload: decoded'),
    keep(PADDED_SIG, null, null, '= padding after the signature: decoded'),
    keep(SPACED, null, null, 'a space in the payload segment: decoded'),
  ],
});

// a 200 KB unreadable line of token characters: explaining it must not go quadratic (it took 104 s)
lines('long-unreadable.ndjson', 'events', 'a 200 KB line of token characters that is not JSON, between good lines: explained in linear time', [
  good(ev(1)),
  bad(`{"x":${'eyJhbGciOi'.repeat(20_000)}`, 'bad-json'),
  good(ev(3)),
]);

// --- captures, revocations, rotation records -------------------------------------------------------------

const GOOD_TOKEN = tok(HEADER, CLAIMS);
lines('captures.txt', 'captures-text', 'a text capture: a token a line, behind Bearer, with escapes, bad bytes and blank lines', [
  good(GOOD_TOKEN),
  blank(''),
  good(`Bearer ${SHAPES[0]![0]}`),
  bad(Buffer.concat([Buffer.from(GOOD_TOKEN.slice(0, 20)), Buffer.from([0xff]), Buffer.from(GOOD_TOKEN.slice(21))]), 'bad-utf8'),
  good(`\u001b]0;x\u0007.${b64(CLAIMS)}.${SIG}`),
  blank('   '),
], {
  tokens: [
    keep(GOOD_TOKEN, null, null, 'a well-formed token'),
    keep(SHAPES[0]![0], 'not-three-parts', null, 'two segments behind Bearer'),
    keep(`\u001b]0;x\u0007.${b64(CLAIMS)}.${SIG}`, 'bad-base64url', null, 'escape sequence as header'),
  ],
});

lines('revocations.ndjson', 'revocations', 'revocations with no target, bad times and SQL metacharacters', [
  good(JSON.stringify({ ts: T0, jti: INJECTED_JTI, reason: 'compromised' })),
  bad(JSON.stringify({ ts: T0, reason: 'no target' }), 'missing-target'),
  bad(JSON.stringify({ ts: 'soon', sub: 'alice' }), 'bad-ts'),
  good(JSON.stringify({ ts: T0, sub: INJECTED_SUB, reason: '\u001b[2J' })),
  bad('{"ts":', 'truncated-json'),
]);

lines('key-events.ndjson', 'key-events', 'rotation records with hostile actions and missing kids', [
  good(JSON.stringify({ ts: T0, kid: 'hostile-1', action: 'created', actor: '\u001b]0;x\u0007' })),
  bad(JSON.stringify({ ts: T0, kid: 'hostile-1', action: '\u001b[2Jdestroyed' }), 'bad-action'),
  bad(JSON.stringify({ ts: T0, action: 'retired' }), 'missing-kid'),
  good(JSON.stringify({ ts: T0 + 1, kid: "k'; DROP TABLE keys;--", action: 'REVOKED' })),
]);

// --- keys -------------------------------------------------------------------------------------------------

// A real 512-bit RSA public key (generated once; only its public half is here) and a 2048-bit one.
const RSA512 = { kty: 'RSA', n: '32XL3SgizSisqzoqtx65y2OkLaK8G9XTq4wehiDU42uA1A4URVoLnW14c9LmZHFj4ZFwgU78lARid5KxHm0c5Q', e: 'AQAB' };
const RSA512_PEM = `-----BEGIN PUBLIC KEY-----
MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAN9ly90oIs0orKs6KrceuctjpC2ivBvV
06uMHoYg1ONrgNQOFEVaC51teHPS5mRxY+GRcIFO/JQEYneSsR5tHOUCAwEAAQ==
-----END PUBLIC KEY-----
`;
const RSA2048_PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzgeoIgznmJjzyU4f82MK
nmgN37wkiNDE8PTHfzqJyR+onVRRovR52m2pCjKYa59glOnV5b3NUy4zrWO+ujKz
iw49UbgNen6/KsFEVPifwnFF74+h7kVbKtHDHDzXapMFDlF8z5CfdeAD1tNonLJ+
UYKKDGpsYIoxvh7/gnTpC8a7I1fdKGucYnafP8TwvGkXyhM3EBuHRBjkJuKhWH7b
P0tkUHH1WM/nG3e/htpBDgY/YKzSNlJ0pZjpnPlurqI3+2xOGSnqhk652ZqxbYo3
shrukm2Se0c3FUH+5UVGbhhfjQyY4KRaePR0P8FYDgrTGHf4+L8hScMhg0V7Rsv3
kQIDAQAB
-----END PUBLIC KEY-----
`;
const OCT = { kty: 'oct', k: Buffer.from('hostile-test-secret-0123456789abcdef').toString('base64url'), alg: 'HS256' };

raw('rsa-512.jwks.json', JSON.stringify({ keys: [{ ...RSA512, kid: 'weak-512', alg: 'RS256', use: 'sig' }] }), {
  kind: 'jwks', description: 'an RSA key of 512 bits: loads (the weak-key audit flags it)', keys: 1, rejects: [], warnings: [],
});
raw('rsa-512.pem', RSA512_PEM, { kind: 'pem', description: 'the same 512-bit key as PEM', keys: 1, rejects: [], warnings: [] });
raw('dup-kid.jwks.json', JSON.stringify({ keys: [{ ...RSA512, kid: 'dup', alg: 'RS256' }, { ...OCT, kid: 'dup' }] }), {
  kind: 'jwks', description: 'two different keys under one kid: both load, the duplicate is recorded', keys: 2, rejects: [], warnings: ['duplicate-kid'],
});
raw('truncated.pem', RSA2048_PEM + RSA2048_PEM.slice(0, 200), {
  kind: 'pem', description: 'a good PEM followed by a truncated one (no END line)', keys: 1, rejects: [[10, 'bad-pem']], warnings: [],
});
raw('hostile-jwks.json', JSON.stringify({ keys: [
  { kty: 'RSA', kid: '\u001b]0;pwned\u0007', n: 'not base64!!', e: 'AQAB' },
  { kty: '<script>', kid: 'x' },
  null,
  { ...OCT, kid: "o'; DROP TABLE keys;--" },
] }), {
  kind: 'jwks', description: 'a JWKS with escapes, an unknown kty, a null entry and SQL in a kid', keys: 1,
  rejects: [[null, 'bad-jwk'], [null, 'unsupported-kty'], [null, 'bad-jwk']], warnings: [],
});

// --- unusable files: exit 2, the file named ------------------------------------------------------------------

const GZ = gzipSync(Buffer.from([ev(1), ev(2), ev(3)].join('\n').repeat(200) + '\n'));
raw('corrupt.ndjson.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('this is not deflate data at all'.repeat(8))]), {
  kind: null, description: 'gzip magic followed by garbage', exit: 2, error: 'corrupt.ndjson.gz',
});
raw('truncated.ndjson.gz', GZ.subarray(0, Math.floor(GZ.length / 2)), {
  kind: 'events', description: 'a gzip file cut in half', exit: 2, error: 'truncated.ndjson.gz',
});
raw('unknown.bin', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256)), {
  kind: null, description: 'bytes that are no input we know', exit: 2, error: 'unknown.bin',
});
raw('truncated.jwks.json', '{"keys":[{"kty":"RSA","kid":"a","n":"', {
  kind: 'jwks', description: 'a JWKS cut mid-key: its reject is kept, the command exits 2', keys: 0, rejects: [[1, 'bad-json']], warnings: [],
  exit: 2, error: 'truncated.jwks.json:1: unusable key file: not valid JSON at column 38: the document ends early',
});
raw('truncated-only.pem', RSA2048_PEM.slice(0, 200), {
  kind: 'pem', description: 'a PEM cut before its END line, with no other block: its reject is kept, the command exits 2', keys: 0,
  rejects: [[1, 'bad-pem']], warnings: [], exit: 2, error: 'truncated-only.pem:1: unusable key file: no complete PEM block',
});

// --- write ----------------------------------------------------------------------------------------------------

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(new URL(name, OUT), bytes);
  writeFileSync(EXPECTED, `${JSON.stringify(corpus, null, 2)}\n`);
  const total = [...files.values()].reduce((n, b) => n + b.length, 0);
  console.log(`wrote ${readdirSync(OUT).length} files (${(total / 1024 / 1024).toFixed(2)} MB) and expected.json`);
}
