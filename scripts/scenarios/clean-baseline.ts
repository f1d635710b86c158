// A week of ordinary traffic that must raise nothing of severity medium or above: refresh chains exchanged
// once each, expired tokens rejected, logouts followed by rejected reuse, plausible travel, a second issuer,
// an HMAC-signed internal service, keys rotated on schedule.
import { ndjson, type Kit, type Scenario } from './kit.js';

const DAY = 86_400;
const WEEK_START = 1773014400; // 2026-03-09T00:00:00Z
const ISS = 'https://auth.example';
const PARTNER = 'https://login.partner.example';
const API = 'https://api.example';
const UA = {
  chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1',
};
const LONDON = { ip: '81.2.69.142', geo: { country: 'GB', city: 'London', lat: 51.5142, lon: -0.0931 } };
const PARIS = { ip: '2.3.4.5', geo: { country: 'FR', city: 'Paris', lat: 48.8566, lon: 2.3522 } };

type Ev = Record<string, unknown>;

export async function scenario(kit: Kit): Promise<Scenario> {
  const events: Ev[] = [];
  const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
  for (let day = 0; day < 7; day++) {
    for (const [u, sub] of users.entries()) await userDay(kit, events, sub, u, WEEK_START + day * DAY + 8 * 3600 + u * 600, day);
  }
  await partnerTraffic(kit, events);
  await internalService(kit, events);
  events.sort((a, b) => (a.ts as string).localeCompare(b.ts as string));
  return {
    id: 'clean-baseline',
    description: 'A week of ordinary traffic for six users, a partner issuer and an internal HMAC service: nothing of medium or above may fire.',
    checks: [],
    files: {
      'keys.json': kit.jwks('rsa', 'rsa-old', 'ed', 'hs'),
      'rotation.ndjson': ndjson([
        { ts: '2025-09-01T00:00:00Z', kid: 'rsa-old', action: 'created', actor: 'kms' },
        { ts: '2025-09-02T00:00:00Z', kid: 'rsa-old', action: 'activated', actor: 'kms' },
        { ts: '2026-02-20T00:00:00Z', kid: 'rsa-current', action: 'created', actor: 'kms' },
        { ts: '2026-03-01T00:00:00Z', kid: 'rsa-current', action: 'activated', actor: 'kms' },
        { ts: '2026-03-02T00:00:00Z', kid: 'rsa-old', action: 'retired', actor: 'kms', reason: 'scheduled rotation' },
        { ts: '2026-01-10T00:00:00Z', kid: 'ed-1', action: 'created', actor: 'partner' },
        { ts: '2026-01-10T00:00:00Z', kid: 'ed-1', action: 'activated', actor: 'partner' },
        { ts: '2026-02-01T00:00:00Z', kid: 'hs-1', action: 'created', actor: 'vault' },
        { ts: '2026-02-01T00:00:00Z', kid: 'hs-1', action: 'activated', actor: 'vault' },
      ]),
      'events.ndjson': ndjson(events),
    },
    policy: {
      trusted_issuers: [ISS, PARTNER, 'https://internal.example'],
      trusted_audiences: [API, 'https://partner-api.example', 'https://internal.example/jobs'],
      min_app_version: '4.2.0',
    },
    expected: [],
    near_misses: [
      'refresh chains where every refresh token is exchanged exactly once',
      'expired access tokens presented and rejected by the server',
      'a logout followed by a reuse attempt that the server rejected',
      'a user in London in the morning and in Paris four hours later (plausible travel)',
      'app version 4.10.0 against a minimum of 4.2.0 (a string compare would call it older)',
      'rsa-old retired on 2026-03-02 after rsa-current was activated on 2026-03-01 (overlap inside the window)',
      'a second issuer with its own EdDSA key, and an internal HMAC service with a 256-bit secret',
    ],
  };
}

const iso = (s: number): string => new Date(s * 1000).toISOString();

async function userDay(kit: Kit, out: Ev[], sub: string, u: number, start: number, day: number): Promise<void> {
  const sid = `s-${sub}-${day}`;
  const place = day === 3 && sub === 'alice' ? PARIS : LONDON;
  const ua = u % 2 ? UA.iphone : UA.chrome;
  const common = { sub, sid, client_id: u % 2 ? 'ios-app' : 'web', ua, app_version: u % 2 ? '4.10.0' : '4.2.0', ...place };
  let refreshJti = `rt-${sub}-${day}-0`;
  let t = start;
  const refresh = await kit.sign('rsa', { iss: ISS, sub, aud: ISS, sid, jti: refreshJti, iat: t, exp: t + 30 * DAY, token_use: 'refresh' });
  out.push({ ts: iso(t), event: 'issue', token: refresh, jti: refreshJti, aud: ISS, outcome: 'success', ...common });
  for (let gen = 0; gen < 3; gen++) {
    const jti = `at-${sub}-${day}-${gen}`;
    const access = await kit.sign('rsa', { iss: ISS, sub, aud: API, sid, jti, iat: t, nbf: t, exp: t + 900, scope: 'read' }, { typ: 'at+jwt' });
    out.push({ ts: iso(t), event: 'issue', token: access, jti, aud: API, outcome: 'success', ...common });
    for (let k = 1; k <= 3; k++) out.push({ ts: iso(t + k * 240), event: 'use', token: access, jti, aud: API, outcome: 'success', ...common });
    if (gen === 2) {
      // The last access token is presented once more after expiry: the API rejects it.
      out.push({ ts: iso(t + 900 + 600), event: 'use', token: access, jti, aud: API, outcome: 'failure', reason: 'token expired', ...common });
    }
    t += 880;
    if (gen < 2) {
      const next = `rt-${sub}-${day}-${gen + 1}`;
      const nextRefresh = await kit.sign('rsa', { iss: ISS, sub, aud: ISS, sid, jti: next, iat: t, exp: t + 30 * DAY, token_use: 'refresh' });
      out.push({ ts: iso(t), event: 'refresh', token: refresh, jti: refreshJti, parent_jti: refreshJti, aud: ISS, outcome: 'success', ...common, new_jti: next });
      out.push({ ts: iso(t), event: 'issue', token: nextRefresh, jti: next, aud: ISS, outcome: 'success', ...common });
      refreshJti = next;
    }
  }
  out.push({ ts: iso(t + 3600), event: 'logout', jti: refreshJti, outcome: 'success', ...common });
  if (day % 2 === 0) out.push({ ts: iso(t + 3660), event: 'refresh', jti: refreshJti, parent_jti: refreshJti, aud: ISS, outcome: 'failure', reason: 'session logged out', ...common });
}

async function partnerTraffic(kit: Kit, out: Ev[]): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const t = WEEK_START + i * 14 * 3600;
    const sub = `partner-user-${i % 3}`;
    const jti = `p-${i}`;
    const tok = await kit.sign('ed', { iss: PARTNER, sub, aud: 'https://partner-api.example', jti, iat: t, exp: t + 600 });
    for (let k = 0; k < 2; k++) {
      out.push({ ts: iso(t + k * 60), event: 'use', token: tok, jti, sub, aud: 'https://partner-api.example', outcome: 'success', ip: '89.160.20.112', geo: { country: 'SE', city: 'Linköping', lat: 58.4167, lon: 15.6167 }, ua: 'partner-sync/2.1', client_id: 'partner', app_version: '4.3.0' });
    }
  }
}

async function internalService(kit: Kit, out: Ev[]): Promise<void> {
  for (let day = 0; day < 7; day++) {
    const t = WEEK_START + day * DAY + 2 * 3600;
    const jti = `job-${day}`;
    const tok = await kit.sign('hs', { iss: 'https://internal.example', sub: 'svc-batch', aud: 'https://internal.example/jobs', jti, iat: t, exp: t + 300 });
    out.push({ ts: iso(t + 5), event: 'use', token: tok, jti, sub: 'svc-batch', aud: 'https://internal.example/jobs', outcome: 'success', ip: '10.0.0.7', ua: 'batch-runner/1.0', client_id: 'batch', app_version: '5.0.0' });
  }
}
