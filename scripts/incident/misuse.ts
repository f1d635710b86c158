// Incidents with genuine signatures: stolen and replayed tokens, revoked sessions, keys and lifetimes
// that policy forbids. Each builds its own small, self-contained story in the log.
import { capture, type Scenario } from './scenario.js';
import { jti, signWith, tamper, type Minted } from './tokens.js';
import { refresh, webClient } from './traffic.js';
import { getKey } from './keys.js';
import { uuid } from './prng.js';
import { API, at, ISSUER, PLACES, UA, type Client } from './world.js';

const ADMIN_CONSOLE: Client = { client_id: 'acme-admin', ip: '10.0.5.20', ua: 'acme-admin-console/2.1' };

export async function misuseIncidents(s: Scenario): Promise<void> {
  await expiredUse(s);
  await stolenRefresh(s);
  await revokedSession(s);
  await tamperedAccepted(s);
  await retiredKey(s);
  await longLived(s);
}

function uses(s: Scenario, client: Client, t: Minted, clocks: string[]): void {
  for (const c of clocks) s.log.use(at(c), client, t);
}

/** A login: refresh + access token issued together, as the issuer logs it. */
async function login(s: Scenario, sub: string, client: Client, clock: string): Promise<[Minted, Minted]> {
  const ms = at(clock);
  const sid = s.issuer.newSid();
  const rt = await s.issuer.refresh(sub, client.client_id ?? 'acme-web', sid, ms);
  const acc = await s.issuer.access(sub, client.client_id ?? 'acme-web', sid, ms);
  s.log.tokenEvent(ms, 'issue', client, rt, { extra: { grant_type: 'password' } });
  s.log.tokenEvent(ms, 'issue', client, acc, { extra: { grant_type: 'password' } });
  return [rt, acc];
}

/** (6) u-1018's access token (exp 09:15) replayed 40 minutes after expiry by a misconfigured cache, accepted. */
async function expiredUse(s: Scenario): Promise<void> {
  const client = webClient('81.2.69.180', PLACES.london, UA.firefoxLinux);
  const [, acc] = await login(s, 'u-1018', client, '09:00:00');
  uses(s, client, acc, ['09:02:05', '09:10:40']);
  s.log.use(at('09:55:00'), client, acc, { tsForm: 's', extra: { upstream_cache: 'HIT' } });
  s.capturedTokens.push(acc.token);
  capture(s, acc, at('09:55:00'), 'edge-proxy-lon-1', 'served from cache after expiry');
  s.planted.push({ id: '6', title: 'Access token used 40 minutes after exp, accepted', checks: ['expired-use'], jti: jti(acc), sub: 'u-1018', ts: at('09:55:00'), outcome: 'success', detail: 'exp 09:15:00; the event\'s ts is written as epoch seconds' });
}

/**
 * (7) u-1007's second-generation refresh token is stolen: London exchanges it at 09:28:30, Sydney exchanges
 * it again at 10:00:00 (20 min after London's last use) from a headless browser, then uses what it got.
 */
async function stolenRefresh(s: Scenario): Promise<void> {
  const lon = webClient('81.2.69.194', PLACES.london, UA.chromeWin);
  const syd: Client = { ...lon, ip: '1.128.0.1', geo: PLACES.sydney, ua: UA.headless };
  const [rt1, at1] = await login(s, 'u-1007', lon, '09:00:00');
  uses(s, lon, at1, ['09:01:12', '09:04:40', '09:09:05', '09:12:30']);
  const [rt2, at2] = await refresh(s, 'u-1007', lon, rt1, at('09:14:10'));
  uses(s, lon, at2, ['09:15:00', '09:19:45', '09:24:10']);
  const [, at3] = await refresh(s, 'u-1007', lon, rt2, at('09:28:30'));
  uses(s, lon, at3, ['09:31:00', '09:36:20', '09:40:00']);
  const [rt3b, at3b] = await refresh(s, 'u-1007', syd, rt2, at('10:00:00'));
  uses(s, syd, at3b, ['10:00:40', '10:02:15', '10:05:30', '10:09:00']);
  // The SOC notices, revokes the user; the attacker's next refresh is refused (that part is a near miss).
  s.log.add({ ts: at('10:30:00'), event: 'revoke', outcome: 'success', sub: 'u-1007', client: ADMIN_CONSOLE, reason: 'refresh token reuse detected', http_status: 200 });
  s.revocations.push({ ts: at('10:30:00'), sub: 'u-1007', reason: 'refresh token reuse detected (SOC-2291)' });
  s.log.add({ ts: at('10:35:00'), event: 'refresh', outcome: 'failure', sub: 'u-1007', sid: String(rt3b.claims.sid), client_id: 'acme-web', client: syd, parent_jti: jti(rt3b), reason: 'subject revoked', http_status: 400 });
  s.nearMisses.push({ id: 'N12', title: 'After u-1007 is revoked (10:30), the attacker\'s refresh at 10:35 is refused', checks: [], sub: 'u-1007', jti: jti(rt3b), ts: at('10:35:00'), outcome: 'failure', detail: 'revoked-use and refresh-reuse must not fire on it (rt3b was exchanged once, and refused)' });
  s.capturedTokens.push(at3b.token);
  capture(s, at3b, at('10:00:40'), 'edge-proxy-syd-2', 'u-1007 from AU, unfamiliar user agent');
  s.planted.push({
    id: '7', title: 'Stolen refresh token: u-1007\'s 2nd-generation refresh token exchanged twice, the second time from Sydney',
    checks: ['refresh-reuse', 'impossible-travel', 'device-change'], jti: jti(rt2), sub: 'u-1007', ts: at('10:00:00'), outcome: 'success',
    detail: `chain ${jti(rt1)} → ${jti(rt2)} (stolen) → ${'{'}London: refresh 09:28:30, Sydney: refresh 10:00:00 → ${jti(rt3b)}${'}'}; last London use 09:40:00 (81.2.69.194, Chrome/Windows), Sydney 1.128.0.1 with HeadlessChrome/Linux; the attacker's access token ${jti(at3b)} used 10:00:40–10:09:00. Device change: the two \`refresh\` events with \`parent_jti\` = the stolen jti come from two user agents, and both devices share sid ${String(rt2.claims.sid)}`,
  });
}

/** (8) u-1011 reports the laptop lost; the session is revoked at 13:00 but its access token still works at 13:03. */
async function revokedSession(s: Scenario): Promise<void> {
  const client = webClient('81.2.69.150', PLACES.london, UA.edgeWin);
  const [, acc] = await login(s, 'u-1011', client, '12:50:00');
  uses(s, client, acc, ['12:51:30', '12:55:10', '12:58:45']);
  const sid = String(acc.claims.sid);
  s.log.add({ ts: at('13:00:00'), event: 'revoke', outcome: 'success', sub: 'u-1011', sid, client: ADMIN_CONSOLE, reason: 'laptop reported lost', http_status: 200 });
  s.revocations.push({ ts: at('13:00:00'), sid, reason: 'laptop reported lost (ticket IT-7734)' });
  const thief = { ...client, ip: '81.2.69.161' };
  s.log.use(at('13:03:20'), thief, acc);
  capture(s, acc, at('13:03:20'), 'edge-proxy-lon-1', 'session revoked 13:00');
  s.planted.push({ id: '8', title: 'Access token used after its session was revoked, accepted', checks: ['revoked-use'], jti: jti(acc), sub: 'u-1011', ts: at('13:03:20'), outcome: 'success', detail: `sid ${sid} revoked 13:00:00 (revocations.ndjson); token still unexpired (exp 13:05:00)` });
}

/** (11b) An insider edits the sub of their own live token to a colleague's; the API accepted it. */
async function tamperedAccepted(s: Scenario): Promise<void> {
  const client = webClient('81.2.69.155', PLACES.london, UA.chromeWin);
  const [, acc] = await login(s, 'u-1016', client, '14:00:00');
  uses(s, client, acc, ['14:01:05', '14:04:20']);
  const forged = tamper(acc, { sub: 'u-1001' });
  s.log.use(at('14:06:00'), client, forged, { extra: { path: '/v1/payroll/u-1001' } });
  s.capturedTokens.push(forged.token);
  s.planted.push({ id: '11b', title: 'Tampered token (u-1016 → sub u-1001, signature kept), accepted', checks: ['bad-signature'], alsoChecks: ['jti-collision'], jti: jti(acc), sub: 'u-1001', ts: at('14:06:00'), outcome: 'success', detail: 'same jti as u-1016\'s genuine token issued 14:00:00, same IP and browser' });
}

/** (3) A stale auth node still signs with acme-2025-rsa, retired 2026-03-01. */
async function retiredKey(s: Scenario): Promise<void> {
  const client = webClient('216.160.83.58', PLACES.milton, UA.chromeWin);
  const iat = Math.floor(at('16:30:00') / 1000);
  const claims = { iss: ISSUER, sub: 'u-1022', aud: API, exp: iat + 900, iat, nbf: iat, jti: uuid(s.rng), client_id: 'acme-web', scope: 'openid profile api:read api:write', sid: s.issuer.newSid() };
  const t = await signWith(getKey(s.keys, 'acme-2025-rsa'), claims, { typ: 'at+jwt' });
  s.log.tokenEvent(at('16:30:00'), 'issue', client, t, { extra: { grant_type: 'password', issuer_node: 'auth-node-3' } });
  uses(s, client, t, ['16:31:10', '16:36:45']);
  s.capturedTokens.push(t.token);
  s.planted.push({ id: '3', title: 'Token signed by retired key acme-2025-rsa (retired 2026-03-01), iat today, accepted', checks: ['retired-key'], jti: jti(t), sub: 'u-1022', ts: at('16:31:10'), outcome: 'success ×2', detail: 'issued 16:30:00 by stale node auth-node-3' });
}

/** (10) The CLI client was misconfigured with a 30-day access-token lifetime. */
async function longLived(s: Scenario): Promise<void> {
  const client: Client = { client_id: 'acme-cli', ip: '81.2.69.145', geo: PLACES.london, ua: UA.cli, app_version: 'cli-1.9.0' };
  const t = await s.issuer.access('u-1005', 'acme-cli', undefined, at('07:30:00'), 'acme-2026-rsa', 30 * 24 * 3600);
  s.log.tokenEvent(at('07:30:00'), 'issue', client, t, { extra: { grant_type: 'device_code' } });
  uses(s, client, t, ['07:31:02', '09:10:15', '12:40:30', '16:05:55']);
  s.capturedTokens.push(t.token);
  s.planted.push({ id: '10', title: 'Access token with a 30-day lifetime', checks: ['lifetime-excessive'], jti: jti(t), sub: 'u-1005', ts: at('07:30:00'), outcome: 'success ×4', detail: 'typ at+jwt, client acme-cli, exp - iat = 2,592,000 s' });
}
