import { beforeAll, describe, expect, it } from 'vitest';
import { refreshReuse } from '../../src/checks/refresh-reuse.js';
import { jwks, makeKey, type TestKey } from '../helpers/tokens.js';
import { findingsFor, T0 } from './behaviour-helpers.js';

// A client retrying a refresh whose response it lost (issue 21 §3): the identity provider's reuse / grace interval
// (refresh_reuse_grace_seconds, default 30) against a second pair of hands.
const WIFI = { ip: '81.2.69.142', geo: { country: 'GB', city: 'London' } };
const LTE = { ip: '31.94.18.77', geo: { country: 'GB', city: 'London' } }; // the same phone on mobile data
const ELSEWHERE = { ip: '1.128.0.1', geo: { country: 'AU', city: 'Sydney' } };
const IOS = 'AcmeApp/5.2.1 (iPhone; iOS 17.3.1; Scale/3.00)';
const HEADLESS = 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/122.0.0.0';

let key: TestKey;
let parent: string;
let children: string[];
beforeAll(async () => {
  key = await makeKey('auth-1', 'EdDSA');
  const rt = (jti: string, iat: number) =>
    key.sign({ iss: 'https://auth.example', sub: 'alice', jti, sid: 's-1', iat, exp: iat + 30 * 86400, token_use: 'refresh' });
  parent = await rt('rt-1', T0);
  children = await Promise.all([rt('rt-2', T0 + 900), rt('rt-2b', T0 + 903), rt('rt-2c', T0 + 960)]);
});

interface Exchange {
  dt: number;
  from: { ip: string; geo: object };
  ua?: string | null;
  client_id?: string;
  outcome?: string;
}

async function judge(exchanges: Exchange[], policy: Record<string, unknown> = {}) {
  const events = [
    { ts: T0, event: 'issue', token: parent, sub: 'alice', ...WIFI, ua: IOS, client_id: 'ios-app', outcome: 'success' },
    ...exchanges.map((x, i) => ({
      ts: T0 + x.dt, event: 'refresh', token: children[i], parent_jti: 'rt-1', sub: 'alice', ...x.from,
      ...(x.ua === null ? {} : { ua: x.ua ?? IOS }), client_id: x.client_id ?? 'ios-app', outcome: x.outcome ?? 'success',
    })),
  ];
  return findingsFor(refreshReuse, events, policy, { 'keys.json': jwks(key) });
}
const severities = async (exchanges: Exchange[], policy: Record<string, unknown> = {}) =>
  (await judge(exchanges, policy)).map((f) => f.severity);

describe('refresh-reuse: client retries within the grace interval', () => {
  it('the same client and user agent again 3 s later from a new IP (Wi-Fi to LTE) is a retry: info', async () => {
    const [f, ...rest] = await judge([{ dt: 900, from: WIFI }, { dt: 903, from: LTE }]);
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('info');
    expect(f!.evidence).toMatchObject({ client_retry: true, grace_seconds: 30, distinct_ips: 2, distinct_user_agents: 1, granted: 2 });
  });

  it('a same-IP retry 3 s later is info too (within the grace), and 45 s later stays low (within the clock-skew leeway)', async () => {
    expect(await severities([{ dt: 900, from: WIFI }, { dt: 903, from: WIFI }])).toEqual(['info']);
    expect(await severities([{ dt: 900, from: WIFI }, { dt: 945, from: WIFI }])).toEqual(['low']);
  });

  it('near misses that stay reuse: another user agent, another client, no user agent, or beyond the grace', async () => {
    // a thief's headless browser 3 s after the client, both granted: two token families live
    expect(await severities([{ dt: 900, from: WIFI }, { dt: 903, from: ELSEWHERE, ua: HEADLESS }])).toEqual(['critical']);
    // the same user agent string but another client_id
    expect(await severities([{ dt: 900, from: WIFI }, { dt: 903, from: LTE, client_id: 'web' }])).toEqual(['critical']);
    // no user agent on the second exchange: nothing shows it was the same client
    expect(await severities([{ dt: 900, from: WIFI }, { dt: 903, from: LTE, ua: null }])).toEqual(['critical']);
    // the same client from a new IP, 60 s later: past the 30 s grace
    expect(await severities([{ dt: 900, from: WIFI }, { dt: 960, from: LTE }])).toEqual(['critical']);
    // past the grace, the second exchange refused: the ladder as before
    expect(await severities([{ dt: 900, from: WIFI }, { dt: 960, from: LTE, outcome: 'failure' }])).toEqual(['medium']);
  });

  it('the whole span counts: a retry within the grace and a third exchange past it is reuse', async () => {
    const found = await judge([{ dt: 900, from: WIFI }, { dt: 903, from: LTE }, { dt: 960, from: LTE }]);
    expect(found.map((f) => [f.severity, f.evidence.exchanges, f.evidence.client_retry])).toEqual([['critical', 3, false]]);
  });

  it('follows refresh_reuse_grace_seconds: 0 turns the grace off, 60 (the vendors\' maximum) widens it', async () => {
    const lte3s = [{ dt: 900, from: WIFI }, { dt: 903, from: LTE }];
    expect(await severities(lte3s, { refresh_reuse_grace_seconds: 0 })).toEqual(['critical']);
    const lte60s = [{ dt: 900, from: WIFI }, { dt: 960, from: LTE }];
    expect(await severities(lte60s, { refresh_reuse_grace_seconds: 60 })).toEqual(['info']);
  });
});
