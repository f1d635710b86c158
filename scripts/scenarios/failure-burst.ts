import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const API = 'https://api.example';
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export async function scenario(kit: Kit): Promise<Scenario> {
  const base = { iss: 'https://auth.example', aud: API, iat: T0, exp: T0 + 3600 };
  // Forged probes: signed with an HMAC key the registry does not have, no subject, each its own jti.
  const probes = await Promise.all(range(25).map((i) => kit.sign('hs', { ...base, jti: `probe-${i}` })));
  const stolenSvc = await kit.sign('rsa', { ...base, jti: 'svc-stolen', client_id: 'svc-reports' }); // no sub claim
  const daveExpired = await kit.sign('rsa', { ...base, sub: 'dave', jti: 'dave-expired', exp: T0 - 60 });
  const office = await officeWaking(kit);

  const use = (s: number, token: string, ip: string, extra: Record<string, unknown> = {}) =>
    ({ ts: T0 + s, event: 'use', token, ip, aud: API, outcome: 'failure', reason: 'invalid signature', ...extra });
  const fail = (s: number, sub: string, ip: string) =>
    ({ ts: T0 + s, event: 'fail', sub, ip, outcome: 'failure', reason: 'invalid_grant' });
  const ok = (s: number, sub: string, ip: string) => ({ ts: T0 + s, event: 'issue', sub, ip, outcome: 'success' });

  const events = [
    // (1) forged-token fuzzing from one IP: 25 failures 10 s apart (4 minutes, longer than one window) → ONE burst;
    //     the success from that IP 10 minutes later is outside the window → medium
    ...range(25).map((i) => use(i * 10, probes[i]!, '175.16.199.23')),
    ok(240 + 600, 'mallory', '175.16.199.23'),
    // (2) credential stuffing: 12 accounts tried from one IP in 55 s, then one works 30 s later → high
    ...range(12).map((i) => fail(1800 + i * 5, `user-${String(i + 1).padStart(2, '0')}`, '198.51.100.7')),
    ok(1800 + 55 + 30, 'user-07', '198.51.100.7'),
    // (3) password spraying at one account from 11 IPs, each IP below any threshold → subject burst only
    ...range(11).map((i) => fail(3600 + i * 9, 'carol', `203.0.113.${10 + i}`)),
    ok(3600 + 900, 'carol', '81.2.69.142'),
    // (4) a revoked service token (no subject) replayed from 12 IPs in one minute → token burst only
    ...range(12).map((i) => use(5400 + i * 5, stolenSvc, `192.0.2.${20 + i}`, { reason: 'token revoked' })),
    // near miss: 10 failures from one IP, one subject, one token, spread over an hour
    ...range(10).map((i) => use(7200 + i * 390, daveExpired, '81.2.69.150', { reason: 'token expired' })),
    // near miss: 30 failures in two minutes over 30 IPs and 30 subjects (a bad deploy rejecting everyone)
    ...range(30).map((i) => fail(12000 + i * 4, `u-${1001 + i}`, `10.1.0.${i + 1}`)),
    // near miss: 9 failures in one minute, one below the threshold, then a success from the same IP
    ...range(9).map((i) => fail(14000 + i * 6, `v-${i}`, '198.51.100.99')),
    ok(14000 + 60, 'v-3', '198.51.100.99'),
    ...office.events,
  ].sort((a, b) => a.ts - b.ts);

  return {
    id: 'failure-burst',
    description: 'Failures bunched on one IP (fuzzing, credential stuffing with a success after), one subject (spraying) and one token (replay).',
    checks: ['failure-burst'],
    files: { 'keys.json': kit.jwks('rsa'), 'events.ndjson': ndjson(events) },
    expected: [
      { check: 'failure-burst', severity: 'medium', sub: null, token: null, jti: null },
      { check: 'failure-burst', severity: 'high', sub: null, token: null, jti: null },
      { check: 'failure-burst', severity: 'medium', sub: 'carol', token: null, jti: null },
      { check: 'failure-burst', severity: 'medium', sub: null, token: fingerprint(stolenSvc), jti: 'svc-stolen' },
      // (5) forged tokens from the office IP, the verifier saying "token expired": forged tokens always count, on the
      //     IP (high: a success from the office follows) and on the subject they all claim
      //     (both name staff-01: every forged token claims her)
      { check: 'failure-burst', severity: 'high', sub: 'staff-01', token: null, jti: null },
      { check: 'failure-burst', severity: 'medium', sub: 'staff-01', token: null, jti: null },
      // (6) one laptop retrying one rejected token 12 times in a minute: its subject and its token (each naming both),
      //     not the office IP
      { check: 'failure-burst', severity: 'medium', sub: 'staff-03', token: fingerprint(office.stuck), jti: 'at-stuck' },
      { check: 'failure-burst', severity: 'medium', sub: 'staff-03', token: fingerprint(office.stuck), jti: 'at-stuck' },
    ],
    near_misses: [
      '25 failures over 4 minutes (longer than one 120 s window) are one burst, not one finding per window',
      'a success from the fuzzing IP 10 minutes after the burst is outside the window: it does not raise to high',
      '10 failures of one IP, subject and token spread over an hour',
      '30 failures in two minutes spread over 30 IPs and 30 subjects, each below the threshold',
      '9 failures in a minute (one below min_failures 10), even with a success after',
      'the 11 IPs spraying one account and the 12 IPs replaying one token are each below the threshold per IP',
      `an office behind one NAT (${OFFICE}) waking at 09:00: 14 laptops, 3–5 parallel 401s each with an expired token ` +
        '(reason "token expired"), each followed by a successful refresh: 56 failures on one IP, not counted (renewals)',
      'the same office at 13:00 after lunch: 401s whose reason names no expiry ("invalid_token"), each followed within ' +
        'seconds by a successful refresh for the same subject and client: not counted',
      'a laptop in that office retrying one rejected token 12 times in a minute (one caller, one reason) fires on its ' +
        'token and subject but not on the office IP: below failure_burst.min_distinct_on_ip (3)',
    ],
  };
}

const OFFICE = '81.2.69.142';
const OFFICE_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36';

/**
 * (5) and its near misses: an office behind one NAT. Laptops wake with access tokens that expired overnight, fire
 * their parallel calls, get 401 and refresh (twice: morning and after lunch); one laptop retries a rejected token
 * slowly; and a compromised machine there fuzzes forged tokens that the verifier rejects as "token expired".
 */
async function officeWaking(kit: Kit): Promise<{ events: { ts: number; [field: string]: unknown }[]; stuck: string }> {
  const events: { ts: number; [field: string]: unknown }[] = [];
  const at = (s: number) => T0 + 20000 + s;
  const common = (sub: string) => ({ sub, ip: OFFICE, ua: OFFICE_UA, client_id: 'web', aud: API });
  for (const [wake, reason] of [[0, 'token expired'], [4 * 3600, 'invalid_token']] as const) {
    for (let i = 0; i < 14; i++) {
      const sub = `staff-${String(i + 1).padStart(2, '0')}`;
      const iat = at(wake) - 10 * 3600;
      const token = await kit.sign('rsa', { iss: 'https://auth.example', sub, aud: API, jti: `at-${sub}-${wake}`, iat, exp: iat + 900 });
      const t = at(wake) + i * 6;
      for (let k = 0; k < 3 + (i % 3); k++) events.push({ ts: t + k * 0.25, event: 'use', token, ...common(sub), outcome: 'failure', reason });
      events.push({ ts: t + 2, event: 'refresh', parent_jti: `rt-${sub}-${wake}`, ...common(sub), outcome: 'success' });
    }
  }
  // one laptop retrying one rejected token every 5 s: 12 failures of one caller for one reason
  const stuck = await kit.sign('rsa', { iss: 'https://auth.example', sub: 'staff-03', aud: API, jti: 'at-stuck', iat: at(7000), exp: at(7000) + 900 });
  for (let k = 0; k < 12; k++) events.push({ ts: at(7200) + k * 5, event: 'use', token: stuck, ...common('staff-03'), outcome: 'failure', reason: 'insufficient_scope' });
  // (5) forged tokens (the registry's kid, another key) from the office, the verifier answering "token expired"
  for (let k = 0; k < 12; k++) {
    const forged = await kit.sign('rsa-2', { iss: 'https://auth.example', sub: 'staff-01', aud: API, jti: `f-${k}`, iat: at(9000) - 3600, exp: at(9000) - 2700 }, { kid: 'rsa-current' });
    events.push({ ts: at(9000) + k * 4, event: 'use', token: forged, ...common('staff-01'), ua: 'python-requests/2.31', outcome: 'failure', reason: 'token expired' });
  }
  events.push({ ts: at(9000) + 60, event: 'use', token: stuck, ...common('staff-03'), outcome: 'success' });
  return { events, stuck };
}
