// Incidents of the Changchun attacker (175.16.199.23): probing, then forged tokens for the admin account
// u-1000, which has no legitimate activity that day, so every u-1000 event is the attacker's.
import { getKey } from './keys.js';
import { int, uuid } from './prng.js';
import { capture, type Scenario } from './scenario.js';
import { fakeSignature, hmacWith, jti, signWith, tamper, unsecured, type Claims, type Minted } from './tokens.js';
import { webClient } from './traffic.js';
import { API, at, ISSUER, PLACES, UA, type Client } from './world.js';

export const ATTACKER: Client = { ip: '175.16.199.23', geo: PLACES.changchun, ua: UA.pythonRequests };
const ADMIN = 'u-1000';

/** Claims an attacker would write for the admin account: plausible, 15 minutes, extra scope. */
function adminClaims(s: Scenario, ms: number, client_id = 'acme-web'): Claims {
  const iat = Math.floor(ms / 1000) - 10;
  return {
    iss: ISSUER, sub: ADMIN, aud: API, exp: iat + 900, iat, nbf: iat, jti: uuid(s.rng),
    client_id, scope: 'openid profile api:read api:write admin', sid: s.issuer.newSid(),
  };
}

export async function forgedIncidents(s: Scenario): Promise<void> {
  probingBurst(s);
  algNoneAccepted(s);
  confusion(s);
  await headerInjection(s);
  await unknownKid(s);
  await tamperedRejected(s);
  await compromisedKey(s);
}

/** (12) ~30 failed uses in 2 minutes, (1b) among them an alg NONE token. */
function probingBurst(s: Scenario): void {
  const start = at('11:00:00');
  const { tokens, malformed } = burstTokens(s);
  let noneTs = start;
  tokens.forEach((t, i) => {
    const raw = typeof t === 'string' ? t : t.token;
    const reason = malformed.has(raw) ? 'malformed token' : typeof t === 'string' ? 'invalid signature' : 'unsupported alg';
    const ts = start + i * 3900 + int(s.rng, 0, 900);
    if (typeof t !== 'string') noneTs = ts;
    s.log.use(ts, ATTACKER, raw, { outcome: 'failure', http_status: 401, reason, tsForm: i === 7 ? 'ms' : undefined });
  });
  const none = tokens.find((t): t is Minted => typeof t !== 'string')!;
  s.capturedTokens.push(none.token);
  capture(s, [...malformed][0]!, start + 2000, 'edge-proxy-lon-1', 'probe: token with two segments');
  s.planted.push({
    id: '12', title: 'Probing burst: 30 failed uses with garbage tokens from one IP in 2 minutes',
    checks: ['failure-burst'], alsoChecks: ['bad-signature', 'alg-confusion', 'alg-none'],
    ts: start, outcome: 'failure ×30',
    detail: 'ip 175.16.199.23 (CN), 11:00:00–11:02:00; 4 malformed tokens (2 segments, bad base64url, "null"), 12 HS256 tokens with guessed secrets (kid acme-internal-hs), 13 RS256 tokens with random signatures (kid acme-2026-rsa), 1 alg NONE; no jti/sub logged (the gateway could not read them)',
  });
  s.planted.push({
    id: '1b', title: 'alg "NONE" token, rejected', checks: ['alg-none'], alsoChecks: ['failure-burst'],
    jti: jti(none), sub: ADMIN, ts: noneTs, outcome: 'failure', detail: 'part of the probing burst',
  });
}

/** The burst's 30 tokens; the alg NONE one stays a Minted so the README can name its jti. */
function burstTokens(s: Scenario): { tokens: (string | Minted)[]; malformed: Set<string> } {
  const malformed = [
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1LTEwMDAiLCJhZG1pbiI6dHJ1ZX0',
    'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOi*1LTEwMDAi!!.c2lnbmF0dXJl?',
    'null',
    'eyJ0eXAiOiJKV1QifQ.e30',
  ];
  const secrets = ['secret', 'acme', 'password', 'changeme', 'jwt-secret', 'acme-internal', '123456', 'key', 'supersecret', 'acme2026', 'letmein', 'admin'];
  const hs = secrets.map((k) => hmacWith(k, adminClaims(s, at('11:00')), { typ: 'JWT', kid: 'acme-internal-hs' }).token);
  const rs = Array.from({ length: 13 }, () => {
    const head = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: 'acme-2026-rsa' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(adminClaims(s, at('11:00')))).toString('base64url');
    return `${head}.${body}.${fakeSignature(s.rng, 256)}`;
  });
  const none = unsecured('NONE', adminClaims(s, at('11:00')), { typ: 'JWT' });
  // Interleaved the way a fuzzing script walks its list.
  const mixed: (string | Minted)[] = [];
  for (let i = 0; i < 13; i++) mixed.push(...[rs[i], hs[i], malformed[i]].filter((x): x is string => x !== undefined));
  mixed.splice(8, 0, none);
  return { tokens: mixed, malformed: new Set(malformed) };
}

/** (1a) alg "None" accepted once, logged as an Authorization header. */
function algNoneAccepted(s: Scenario): void {
  const ts = at('11:05:00');
  const t = unsecured('None', adminClaims(s, ts), { typ: 'JWT' });
  s.log.use(ts, ATTACKER, t, { bearer: true, extra: { path: '/v1/admin/users' } });
  s.capturedTokens.push(t.token);
  s.planted.push({ id: '1a', title: 'alg "None" (mixed case), accepted', checks: ['alg-none'], jti: jti(t), sub: ADMIN, ts, outcome: 'success', detail: 'empty signature; logged as `authorization: "Bearer …"`' });
}

/** (2) HS256 keyed with the RSA public key PEM, kid naming the RSA key. */
function confusion(s: Scenario): void {
  const ts = at('11:20:00');
  const t = hmacWith(s.rsaPem, adminClaims(s, ts), { typ: 'at+jwt', kid: 'acme-2026-rsa' });
  s.log.use(ts + 5000, ATTACKER, t);
  s.log.use(ts + 280_000, ATTACKER, t);
  s.capturedTokens.push(t.token);
  capture(s, t, ts + 5000, 'edge-proxy-lon-1', 'admin API call from CN');
  s.planted.push({
    id: '2', title: 'Algorithm confusion: HS256 keyed with the acme-2026-rsa public key PEM, accepted',
    checks: ['alg-confusion'], alsoChecks: ['alg-not-allowed', 'bad-signature'], jti: jti(t), sub: ADMIN, ts: ts + 5000, outcome: 'success ×2',
    detail: 'HMAC secret = the exact bytes of keys/acme-2026-rsa.pem, trailing newline included',
  });
}

/** (4) kid path traversal with an empty HMAC key, an embedded jwk, a jku to the attacker's host. */
async function headerInjection(s: Scenario): Promise<void> {
  const attacker = getKey(s.keys, 'attacker-1');
  const devnull = hmacWith('', adminClaims(s, at('11:30')), { typ: 'at+jwt', kid: '../../dev/null' });
  const { kid: _kid, alg: _alg, use: _use, ...embedded } = attacker.publicJwk;
  const jwk = await signWith(attacker, adminClaims(s, at('11:35')), { typ: 'at+jwt', kid: 'acme-2026-rsa', jwk: embedded });
  const jku = await signWith(attacker, adminClaims(s, at('11:40')), { typ: 'at+jwt', kid: 'attacker-1', jku: 'https://attacker.example/jwks.json' });
  const cases: [string, Minted, number, boolean, string, string[]][] = [
    ['4a', devnull, at('11:30:00'), true, 'kid "../../dev/null", HS256 with an empty key, accepted', ['unknown-key', 'bad-signature']],
    ['4b', jwk, at('11:35:00'), true, 'embedded `jwk` header (attacker key) with kid acme-2026-rsa, accepted', ['bad-signature']],
    ['4c', jku, at('11:40:00'), false, '`jku` https://attacker.example/jwks.json (must never be fetched), rejected', ['unknown-key']],
  ];
  for (const [id, t, ts, ok, title, also] of cases) {
    s.log.use(ts, ATTACKER, t, ok ? {} : { outcome: 'failure', http_status: 401, reason: 'unknown signing key' });
    s.capturedTokens.push(t.token);
    s.planted.push({ id, title, checks: ['header-injection'], alsoChecks: also, jti: jti(t), sub: ADMIN, ts, outcome: ok ? 'success' : 'failure', detail: '' });
  }
}

/** (5) kid acme-2024-old: a key that is in no registry, signed with its leaked private half. */
async function unknownKid(s: Scenario): Promise<void> {
  const ts = at('11:45:00');
  const t = await signWith(getKey(s.keys, 'acme-2024-old'), adminClaims(s, ts), { typ: 'at+jwt' });
  s.log.use(ts, ATTACKER, t, { extra: { gateway: 'gw-legacy-1' } });
  s.capturedTokens.push(t.token);
  s.planted.push({ id: '5', title: 'Unknown kid acme-2024-old, accepted by a legacy gateway', checks: ['unknown-key'], jti: jti(t), sub: ADMIN, ts, outcome: 'success', detail: 'signed by a real (leaked) 2024 key that is not in keys/jwks.json' });
}

/** (11a) u-1015's live access token with sub rewritten to u-1000, signature kept: rejected. */
async function tamperedRejected(s: Scenario): Promise<void> {
  const victim = webClient('81.2.69.143', PLACES.london, UA.safariMac);
  const sid = s.issuer.newSid();
  const base = await s.issuer.access('u-1015', 'acme-web', sid, at('11:38:00'));
  s.log.tokenEvent(at('11:38:00'), 'issue', victim, base, { extra: { grant_type: 'password' } });
  for (const c of ['11:39:10', '11:44:30']) s.log.use(at(c), victim, base);
  const forged = tamper(base, { sub: ADMIN });
  const ts = at('11:50:00');
  s.log.use(ts, ATTACKER, forged.token, { outcome: 'failure', http_status: 401, reason: 'invalid signature' });
  capture(s, forged, ts, 'edge-proxy-lon-1', 'rejected: signature mismatch');
  s.planted.push({ id: '11a', title: 'Tampered token (u-1015 → sub u-1000, signature kept), rejected', checks: ['bad-signature'], alsoChecks: ['jti-collision'], jti: jti(base), sub: ADMIN, ts, outcome: 'failure', detail: 'same jti as u-1015\'s genuine token issued 11:38:00' });
}

/** (9) acme-es-1 leaked in a CI log, compromised at 15:00: the attacker now mints real ES256 tokens. */
async function compromisedKey(s: Scenario): Promise<void> {
  const ts = at('15:30:00');
  const t = await signWith(getKey(s.keys, 'acme-es-1'), adminClaims(s, ts, 'acme-mobile'), { typ: 'at+jwt' });
  for (const c of ['15:31:00', '15:42:10']) s.log.use(at(c), { ...ATTACKER, ua: UA.curl }, t);
  s.capturedTokens.push(t.token);
  capture(s, t, at('15:31:00'), 'edge-proxy-lon-1', 'ES256 token after acme-es-1 was marked compromised');
  s.planted.push({ id: '9', title: 'Token signed by acme-es-1 after its compromise (15:00), accepted', checks: ['revoked-key'], jti: jti(t), sub: ADMIN, ts: at('15:31:00'), outcome: 'success ×2', detail: 'iat 15:29:50, valid ES256 signature' });
}
