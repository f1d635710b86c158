// Normal traffic: employees' browser and app sessions with refresh chains, partner users, and an internal
// batch service. Quiet by design: nothing here should become a finding.
import { getKey } from './keys.js';
import { hex, int, pick, uuid, type Rng } from './prng.js';
import { jti, signWith, type Minted } from './tokens.js';
import { API, at, EventLog, Issuer, MIN, PARTNER_ISSUER, PLACES, UA, type Client, type Place } from './world.js';

export interface Ctx {
  rng: Rng;
  issuer: Issuer;
  log: EventLog;
}

const OFFICE_IPS: Record<string, string[]> = {
  London: ['81.2.69.142', '81.2.69.143', '81.2.69.145', '81.2.69.150', '81.2.69.155', '81.2.69.170', '81.2.69.180', '81.2.69.194'],
  Milton: ['216.160.83.56', '216.160.83.57', '216.160.83.58', '216.160.83.61'],
  'Linköping': ['89.160.20.112', '89.160.20.115', '89.160.20.120', '89.160.20.129', '89.160.20.140'],
};

/** Working hours in UTC per office: [earliest session start, latest session end]. */
const HOURS: Record<string, [string, string]> = {
  London: ['07:45', '18:00'],
  Milton: ['15:30', '23:58'],
  'Linköping': ['06:45', '16:30'],
};

/** The mobile app signed access tokens with acme-es-1 until the SOC moved it to RSA ahead of the 15:00 compromise call. */
export const ES_CUTOVER = at('14:30');

export function webClient(ip: string, geo: Place | undefined, ua: string): Client {
  return { client_id: 'acme-web', ip, geo, ua, app_version: 'web-2026.03.2' };
}
export function mobileClient(ip: string, geo: Place | undefined, ua: string): Client {
  return { client_id: 'acme-mobile', ip, geo, ua, app_version: ua === UA.ios ? 'ios-5.4.1' : 'android-5.4.0' };
}
/** Chance that a client back from sleep first tries its expired token (rejected: a near miss). */
const SLEEPY = 0.12;

export interface SessionEnd {
  sid: string;
  rt: Minted;
  acc: Minted;
}

/** One login session: issue, uses, proactive refreshes every ~15 minutes; returns the last tokens. */
export async function session(ctx: Ctx, sub: string, client: Client, start: number, end: number, opt: { logout?: boolean } = {}): Promise<SessionEnd> {
  const { rng, issuer, log } = ctx;
  const sid = issuer.newSid();
  let rt = await issuer.refresh(sub, cid(client), sid, start);
  let acc = await issuer.access(sub, cid(client), sid, start, accessKid(client, start));
  log.tokenEvent(start, 'issue', client, rt, { extra: { grant_type: 'password' } });
  log.tokenEvent(start, 'issue', client, acc, { extra: { grant_type: 'password' } });
  let t = start;
  for (;;) {
    t += int(rng, 20, 330) * 1000 + int(rng, 0, 999);
    if (t >= end) break;
    const exp = Number(acc.claims.exp) * 1000;
    if (t > exp - MIN) {
      if (t > exp + 2 * MIN && rng() < SLEEPY) {
        log.use(t, client, acc, { outcome: 'failure', reason: 'token expired', http_status: 401 });
        t += int(rng, 1, 3) * 1000;
      }
      [rt, acc] = await refresh(ctx, sub, client, rt, t);
      t += int(rng, 200, 900);
    }
    log.use(t, client, acc, { http_status: pick(rng, [200, 200, 200, 200, 201, 204, 404]) });
  }
  if (opt.logout ?? rng() < 0.25) log.tokenEvent(end, 'logout', client, acc, { reason: 'user logout' });
  return { sid, rt, acc };
}

/** Exchange refresh token `rt`: the refresh event carries the NEW refresh token and parent_jti = the old one. */
export async function refresh(ctx: Ctx, sub: string, client: Client, rt: Minted, t: number): Promise<[Minted, Minted]> {
  const sid = String(rt.claims.sid);
  const nrt = await ctx.issuer.refresh(sub, cid(client), sid, t);
  const nat = await ctx.issuer.access(sub, cid(client), sid, t, accessKid(client, t));
  ctx.log.tokenEvent(t, 'refresh', client, nrt, { parent_jti: jti(rt), extra: { grant_type: 'refresh_token' } });
  ctx.log.tokenEvent(t, 'issue', client, nat, { extra: { grant_type: 'refresh_token' } });
  return [nrt, nat];
}

const cid = (c: Client): string => c.client_id ?? 'acme-web';

function accessKid(client: Client, t: number): string {
  return client.client_id === 'acme-mobile' && t < ES_CUTOVER ? 'acme-es-1' : 'acme-2026-rsa';
}

interface Employee {
  sub: string;
  city: keyof typeof OFFICE_IPS;
  devices: Client[];
}

/** u-1001..u-1036 by office; some carry a phone too, so they run two sessions side by side. */
export function employees(rng: Rng): Employee[] {
  const out: Employee[] = [];
  for (let n = 1001; n <= 1036; n++) {
    const city = n <= 1018 ? 'London' : n <= 1026 ? 'Milton' : 'Linköping';
    const place = city === 'London' ? PLACES.london : city === 'Milton' ? PLACES.milton : PLACES.linkoping;
    const ip = pick(rng, OFFICE_IPS[city] ?? []);
    const devices: Client[] = [];
    if (rng() < 0.85) devices.push(webClient(ip, place, pick(rng, [UA.chromeWin, UA.safariMac, UA.firefoxLinux, UA.edgeWin])));
    if (devices.length === 0 || rng() < 0.3) devices.push(mobileClient(ip, place, pick(rng, [UA.ios, UA.android])));
    out.push({ sub: `u-${n}`, city, devices });
  }
  return out;
}

/** Random sessions in office hours for every employee not scripted elsewhere. */
export async function officeDay(ctx: Ctx, skip: ReadonlySet<string>): Promise<void> {
  for (const e of employees(ctx.rng)) {
    if (skip.has(e.sub)) continue;
    const [from, to] = HOURS[e.city] ?? ['09:00', '17:00'];
    for (const device of e.devices) {
      for (let i = int(ctx.rng, 1, 2); i > 0; i--) {
        const start = at(from) + int(ctx.rng, 0, (at(to) - at(from)) / MIN - 100) * MIN + int(ctx.rng, 0, 59_999);
        await session(ctx, e.sub, device, start, start + int(ctx.rng, 20, 95) * MIN);
      }
    }
  }
}

/** Partner users: EdDSA tokens from the partner's own IdP, only seen when they call Acme's API. */
export async function partnerDay(ctx: Ctx): Promise<void> {
  const key = getKey(ctx.issuer.keys, 'partner-ed-1');
  for (let n = 2001; n <= 2004; n++) {
    const client: Client = { client_id: 'partner-portal', ip: pick(ctx.rng, ['89.160.20.130', '89.160.20.131']), geo: PLACES.linkoping, ua: UA.edgeWin, app_version: 'partner-portal-2.8.0' };
    const sid = `ps-${hex(ctx.rng, 12)}`;
    let t = at('08:00') + int(ctx.rng, 0, 300) * MIN;
    const end = t + int(ctx.rng, 60, 150) * MIN;
    while (t < end) {
      const iat = Math.floor(t / 1000);
      const tok = await signWith(key, { iss: PARTNER_ISSUER, sub: `p-${n}`, aud: API, exp: iat + 900, iat, nbf: iat, jti: uuid(ctx.rng), client_id: 'partner-portal', scope: 'api:read', sid }, { typ: 'JWT' });
      for (let u = t + 2000; u < Math.min(end, t + 14 * MIN); u += int(ctx.rng, 60, 300) * 1000) ctx.log.use(u, client, tok);
      t += 14 * MIN + int(ctx.rng, 0, 50_000);
    }
  }
}

/** The reporting service: client-credentials HS256 tokens (acme-internal-hs) every 20 minutes, private IP. */
export async function serviceDay(ctx: Ctx): Promise<void> {
  const client: Client = { client_id: 'svc-reports', ip: '10.20.0.15', ua: UA.reports, app_version: 'svc-3.2.0' };
  for (let t = at('00:05'); t < at('23:45'); t += 20 * MIN) {
    const tok = await ctx.issuer.access('svc-reports', 'svc-reports', undefined, t, 'acme-internal-hs');
    ctx.log.tokenEvent(t, 'issue', client, tok, { extra: { grant_type: 'client_credentials' } });
    for (let u = t + 5000, i = int(ctx.rng, 2, 3); i > 0; i--, u += int(ctx.rng, 2, 6) * MIN) ctx.log.use(u, client, tok, { aud: API });
  }
}
