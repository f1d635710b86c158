// Near misses: events that look alarming to a naive rule but are normal. The checks must stay quiet on them.
import { uuid } from './prng.js';
import type { Planted, Scenario } from './scenario.js';
import { jti } from './tokens.js';
import { ES_CUTOVER, mobileClient, refresh, session, webClient } from './traffic.js';
import { at, iso, PLACES, UA } from './world.js';

export async function nearMisses(s: Scenario): Promise<void> {
  await withinLeeway(s);
  await clockSkew(s);
  await traveller(s);
  await logoutThenReuse(s);
  await expiredRejected(s);
  await typoLogins(s);
  await twoDevices(s);
  revocationsWithoutUse(s);
  note(s, { id: 'N9', title: 'Partner users p-2001..p-2004: EdDSA tokens from https://login.partner.example (kid partner-ed-1)', ts: at('08:00'), outcome: 'success', detail: 'a second, trusted issuer; only `use` events (the partner IdP logs its own issues)' });
  note(s, { id: 'N10', title: 'svc-reports: HS256 client-credentials tokens signed with acme-internal-hs, every 20 minutes, from 10.20.0.15 (no geo)', ts: at('00:05'), outcome: 'success', detail: 'a legitimate HMAC key (its only problem is the missing rotation records: key-rotation-gap in check-keys)' });
  note(s, { id: 'N11', title: `Mobile access tokens signed with acme-es-1 until ${iso(ES_CUTOVER).slice(11, 16)}, all used before the 15:00 compromise`, ts: at('07:00'), outcome: 'success', detail: 'signed and accepted before the key was marked compromised; from 14:30 the app gets acme-2026-rsa tokens' });
}

function note(s: Scenario, p: Omit<Planted, 'checks'>): void {
  s.nearMisses.push({ ...p, checks: [] });
}

/** Used 30 s after exp: inside the 60 s default leeway. */
async function withinLeeway(s: Scenario): Promise<void> {
  const c = webClient('81.2.69.142', PLACES.london, UA.safariMac);
  const r = await session(s, 'u-1003', c, at('10:00:00'), at('10:05:00'), { logout: false });
  s.log.use(at('10:15:30'), c, r.acc);
  await refresh(s, 'u-1003', c, r.rt, at('10:15:40'));
  note(s, { id: 'N1', title: 'Access token used 30 s after exp, accepted (inside the 60 s leeway)', jti: jti(r.acc), sub: 'u-1003', ts: at('10:15:30'), outcome: 'success', detail: 'expired-use must not fire' });
}

/** The API host's clock runs 20 s behind the issuer's: a use logged before iat/nbf, inside the leeway. */
async function clockSkew(s: Scenario): Promise<void> {
  const c = webClient('81.2.69.170', PLACES.london, UA.chromeWin);
  const r = await session(s, 'u-1004', c, at('10:20:00'), at('10:26:00'), { logout: false });
  s.log.use(at('10:19:40'), c, r.acc, { extra: { gateway: 'gw-lon-2' } });
  note(s, { id: 'N2', title: 'Use logged 20 s before the token\'s iat/nbf (gateway clock skew), accepted', jti: jti(r.acc), sub: 'u-1004', ts: at('10:19:40'), outcome: 'success', detail: 'not-yet-valid must not fire' });
}

/** London in the morning, Linköping after a flight: ~1,260 km in 4 h 15 min. */
async function traveller(s: Scenario): Promise<void> {
  const ua = UA.safariMac;
  await session(s, 'u-1012', webClient('81.2.69.145', PLACES.london, ua), at('07:30:00'), at('08:15:00'), { logout: true });
  await session(s, 'u-1012', webClient('89.160.20.120', PLACES.linkoping, ua), at('12:30:00'), at('13:30:00'), { logout: false });
  note(s, { id: 'N3', sub: 'u-1012', title: 'u-1012 flies London → Linköping (last London event 08:15, first Linköping 12:30)', ts: at('12:30:00'), outcome: 'success', detail: '~1,260 km in 4 h 15 min (≈300 km/h): impossible-travel must not fire' });
}

/** Logout, then the stale tab retries its access token: rejected, as it should be. */
async function logoutThenReuse(s: Scenario): Promise<void> {
  const c = webClient('216.160.83.57', PLACES.milton, UA.firefoxLinux);
  const r = await session(s, 'u-1020', c, at('17:00:00'), at('17:40:00'), { logout: true });
  s.log.use(at('17:42:00'), c, r.acc, { outcome: 'failure', http_status: 401, reason: 'session logged out' });
  note(s, { id: 'N4', title: 'Logout at 17:40, reuse of the access token at 17:42 rejected', jti: jti(r.acc), sub: 'u-1020', ts: at('17:42:00'), outcome: 'failure', detail: 'revoked-use must not fire (the API refused it)' });
}

/** A laptop wakes from sleep and tries its expired token: rejected; the app refreshes and carries on. */
async function expiredRejected(s: Scenario): Promise<void> {
  const c = webClient('216.160.83.61', PLACES.milton, UA.chromeWin);
  const r = await session(s, 'u-1025', c, at('19:00:00'), at('19:12:00'), { logout: false });
  s.log.use(at('19:40:00'), c, r.acc, { outcome: 'failure', http_status: 401, reason: 'token expired' });
  const [, acc] = await refresh(s, 'u-1025', c, r.rt, at('19:40:02'));
  s.log.use(at('19:40:03'), c, acc);
  note(s, { id: 'N5', title: 'Expired access token rejected after sleep, then a normal refresh', jti: jti(r.acc), sub: 'u-1025', ts: at('19:40:00'), outcome: 'failure', detail: 'expired-use must not fire; normal traffic has more of these (reason "token expired")' });
}

/** Two mistyped passwords, then a normal login. */
async function typoLogins(s: Scenario): Promise<void> {
  const c = webClient('89.160.20.115', PLACES.linkoping, UA.firefoxLinux);
  for (const clock of ['08:58:10', '08:58:41']) {
    s.log.add({ ts: at(clock), event: 'fail', outcome: 'failure', sub: 'u-1030', client: c, reason: 'invalid_grant: wrong password', http_status: 400 });
  }
  await session(s, 'u-1030', c, at('09:00:00'), at('09:40:00'), { logout: true });
  note(s, { id: 'N6', title: 'Two failed logins (wrong password) then success', sub: 'u-1030', ts: at('08:58:10'), outcome: 'failure ×2', detail: 'failure-burst must not fire' });
}

/** Laptop and phone side by side: two sessions, two token chains, two user agents. */
async function twoDevices(s: Scenario): Promise<void> {
  await session(s, 'u-1009', webClient('81.2.69.143', PLACES.london, UA.chromeWin), at('13:00:00'), at('14:00:00'), { logout: false });
  await session(s, 'u-1009', mobileClient('81.2.69.143', PLACES.london, UA.ios), at('13:05:00'), at('13:55:00'), { logout: false });
  note(s, { id: 'N7', title: 'u-1009 works on laptop and phone at once (two sessions, separate tokens)', sub: 'u-1009', ts: at('13:00:00'), outcome: 'success', detail: 'device-change must not fire: no single token moves between devices' });
}

/** Revocations with nothing after them. */
function revocationsWithoutUse(s: Scenario): void {
  s.revocations.push({ ts: at('17:45:00'), sub: 'u-1036', reason: 'employee offboarded' });
  s.revocations.push({ ts: at('06:10:00'), tsForm: 's', jti: uuid(s.rng), reason: 'user signed out everywhere' });
  note(s, { id: 'N8', title: 'Revocations with no later use: u-1036 offboarded 17:45, an old jti revoked 06:10', sub: 'u-1036', ts: at('17:45:00'), outcome: '—', detail: 'revoked-use must not fire' });
}
