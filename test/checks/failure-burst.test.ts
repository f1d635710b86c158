import { beforeAll, describe, expect, it } from 'vitest';
import { failureBurst } from '../../src/checks/failure-burst.js';
import { jwks, makeKey, type TestKey } from '../helpers/tokens.js';
import { findingsFor, T0 } from './behaviour-helpers.js';

const fail = (s: number, ip: string, sub: string) => ({ ts: T0 + s, event: 'fail', ip, sub, outcome: 'failure' });
const times = (n: number, step: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i * step);

describe('failure-burst', () => {
  it('fires at exactly min_failures inside the window (both ends included), not one below', async () => {
    const edge = times(10, 120 / 9).map((s, i) => fail(s, '198.51.100.1', `a-${i}`)); // 10 failures spanning exactly 120 s
    const short = times(9, 5).map((s, i) => fail(1000 + s, '198.51.100.2', `b-${i}`));
    const found = await findingsFor(failureBurst, [...edge, ...short]);
    expect(found.map((f) => [f.evidence.key, f.evidence.failures])).toEqual([['198.51.100.1', 10]]);
  });

  it('two bursts on one IP separated by a quiet gap are two findings, each merging its own windows', async () => {
    const events = [
      ...times(30, 8).map((s, i) => fail(s, '198.51.100.3', `c-${i}`)), // 232 s of overlapping windows
      ...times(12, 5, 3600).map((s, i) => fail(s, '198.51.100.3', `d-${i}`)),
    ];
    const found = await findingsFor(failureBurst, events);
    expect(found.map((f) => f.evidence.failures).sort()).toEqual([12, 30]);
    expect(new Set(found.map((f) => f.id)).size).toBe(2);
  });

  it('follows the policy window and threshold', async () => {
    const events = times(4, 20).map((s, i) => fail(s, '198.51.100.4', `e-${i}`)); // 4 failures in 60 s
    expect(await findingsFor(failureBurst, events)).toEqual([]);
    const found = await findingsFor(failureBurst, events, { failure_burst: { window_seconds: 60, min_failures: 4 } });
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence).toMatchObject({ window_seconds: 60, min_failures: 4, failures: 4 });
  });

  it('counts failed refreshes against the refresh token they present (parent_jti)', async () => {
    const events = times(10, 6).map((s, i) => ({
      ts: T0 + s, event: 'refresh', parent_jti: 'rt-stolen', ip: `192.0.2.${i + 1}`, outcome: 'failure', reason: 'invalid_grant',
    }));
    const found = await findingsFor(failureBurst, events);
    expect(found.map((f) => [f.evidence.key_kind, f.jti, f.severity])).toEqual([['token', 'rt-stolen', 'medium']]);
  });
});

// Issue 21 §10: a client renewing its token is not probing; a shared IP needs variety, not only volume.
describe('failure-burst: renewals and shared IPs', () => {
  const OFFICE = '81.2.69.142';
  const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36';
  let key: TestKey;
  let other: TestKey; // same kid, other key: what it signs does not verify (a forgery)
  beforeAll(async () => {
    key = await makeKey('auth-1', 'EdDSA');
    other = await makeKey('auth-1', 'EdDSA');
  });
  const files = () => ({ 'keys.json': jwks(key) });
  const access = (k: TestKey, sub: string, iat: number) =>
    k.sign({ iss: 'https://auth.example', sub, aud: 'https://api.example', jti: `at-${sub}-${iat}`, iat, exp: iat + 900 });

  /** n laptops behind one NAT wake at 09:00 with access tokens expired overnight: 4 parallel calls each, 401. */
  async function office(n: number, o: { reason?: string; refreshAfter?: number | null; signer?: TestKey } = {}) {
    const events: object[] = [];
    for (let i = 0; i < n; i++) {
      const sub = `user-${i}`;
      const token = await access(o.signer ?? key, sub, T0 - 12 * 3600);
      const woke = 3600 + i * 7;
      for (let k = 0; k < 4; k++) {
        events.push({
          ts: T0 + woke + k * 0.2, event: 'use', token, sub, ip: OFFICE, ua: UA, client_id: 'web', aud: 'https://api.example',
          outcome: 'failure', ...(o.reason === undefined ? {} : { reason: o.reason }),
        });
      }
      if (o.refreshAfter !== null) {
        events.push({ ts: T0 + woke + (o.refreshAfter ?? 2), event: 'refresh', sub, parent_jti: `rt-${sub}`, ip: OFFICE, ua: UA, client_id: 'web', outcome: 'success' });
      }
    }
    return events;
  }
  const found = async (events: object[], policy: Record<string, unknown> = {}) =>
    (await findingsFor(failureBurst, events, policy, files())).map((f) => [f.evidence.key_kind, f.evidence.key, f.severity]);

  it('an office waking with expired tokens (reason "token expired"), each laptop refreshing: nothing', async () => {
    expect(await found(await office(12, { reason: 'token expired' }))).toEqual([]);
    // the reason alone suffices: the refresh may be in a log we were not given
    expect(await found(await office(12, { reason: 'IDX10223: Lifetime validation failed. The token is expired.', refreshAfter: null }))).toEqual([]);
  });

  it('401s without a reason, each followed by a successful refresh for the same subject within 60 s: nothing', async () => {
    expect(await found(await office(12, { reason: 'invalid_token' }))).toEqual([]);
    expect(await found(await office(12, { refreshAfter: 55 }))).toEqual([]);
  });

  it('the same 401s with no refresh, or a refresh too late, or by another client_id, are a burst on the IP', async () => {
    expect(await found(await office(12, { reason: 'invalid_token', refreshAfter: null }))).toEqual([['ip', OFFICE, 'medium']]);
    expect(await found(await office(12, { reason: 'invalid_token', refreshAfter: 90 }))).toEqual([['ip', OFFICE, 'high']]);
    const otherClient = (await office(12, { reason: 'invalid_token' })).map((e) =>
      (e as { event: string }).event === 'refresh' ? { ...e, client_id: 'ios-app' } : e);
    expect(await found(otherClient)).toEqual([['ip', OFFICE, 'high']]);
    // refresh_followup_seconds from the policy
    expect(await found(await office(12, { reason: 'invalid_token', refreshAfter: 90 }), { failure_burst: { refresh_followup_seconds: 120 } })).toEqual([]);
  });

  it('forged tokens always count, even when the verifier said "expired" and a refresh followed', async () => {
    const forged = await office(12, { reason: 'token expired', signer: other });
    expect(await found(forged)).toEqual([['ip', OFFICE, 'high']]);
  });

  it('reads the verifiers\' wordings of an expired token, and never a failed login\'s "password expired"', async () => {
    expect(await found(await office(12, { reason: '"exp" claim timestamp check failed', refreshAfter: null }))).toEqual([]);
    expect(await found(await office(12, { reason: 'Jwt expired at 2026-03-14T09:00:00Z', refreshAfter: null }))).toEqual([]);
    const logins = times(12, 4).map((s, i) => ({ ts: T0 + s, event: 'fail', sub: `u-${i}`, ip: '198.51.100.40', outcome: 'failure', reason: 'password expired' }));
    expect(await found(logins)).toEqual([['ip', '198.51.100.40', 'medium']]);
  });

  it('failed logins followed by a refresh of the same subject still count (a login is not a token renewal)', async () => {
    const events = [
      ...times(10, 5).map((s) => ({ ts: T0 + s, event: 'fail', sub: 'carol', ip: '198.51.100.20', outcome: 'failure', reason: 'invalid_grant' })),
      { ts: T0 + 50, event: 'refresh', sub: 'carol', parent_jti: 'rt-carol', ip: '81.2.69.150', outcome: 'success' },
    ];
    expect(await found(events)).toEqual([['subject', 'carol', 'high']]);
  });

  it('one IP needs min_distinct_on_ip distinct callers or reasons: one client hammering one bad token is its token and subject bursts only', async () => {
    const token = await access(key, 'svc-report', T0);
    const hammer = times(12, 5).map((s) => ({
      ts: T0 + s, event: 'use', token, ip: '198.51.100.30', aud: 'https://billing.example', outcome: 'failure', reason: 'audience invalid',
    }));
    expect((await found(hammer)).map(([kind]) => kind)).toEqual(['subject', 'token']);
    // two callers sharing the IP: still below 3
    const two = [...hammer, ...times(4, 7).map((s) => ({ ts: T0 + s, event: 'fail', sub: 'dan', ip: '198.51.100.30', outcome: 'failure', reason: 'audience invalid' }))];
    expect((await found(two)).map(([kind]) => kind)).toEqual(['subject', 'token']);
    // a third reason makes it probing-shaped on the IP too
    const reasons = hammer.map((e, i) => ({ ...e, reason: ['audience invalid', 'invalid signature', 'malformed token'][i % 3] }));
    expect((await found(reasons)).map(([kind]) => kind)).toEqual(['ip', 'subject', 'token']);
    // min_distinct_on_ip 1: the old behaviour
    expect((await found(hammer, { failure_burst: { min_distinct_on_ip: 1 } })).map(([kind]) => kind)).toEqual(['ip', 'subject', 'token']);
  });
});
