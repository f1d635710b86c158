import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z: the HAR is recorded 10:00–10:05
const iso = (min: number): string => new Date((T0 + min * 60) * 1000).toISOString();
const HOME = '81.2.69.142'; // the users' office in London
const HOME_NEAR = '81.2.69.160'; // the same /24
const REPLAY_ABROAD = '216.160.83.56'; // Milton, WA
const REPLAY_LOCAL = '89.160.20.112'; // another network, same country as written below
const KIM_HOME = '2.125.160.216'; // kim's own addresses: home and phone, networks other than the office's
const KIM_PHONE = '89.160.20.128';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36';

const entry = (min: number, request: object, response: object = { status: 200, headers: [], cookies: [], content: { size: 2, mimeType: 'application/json', text: '{}' } }): object => ({
  startedDateTime: iso(min), time: 40, request: { httpVersion: 'http/2.0', cookies: [], queryString: [], headersSize: -1, bodySize: 0, ...request },
  response: { httpVersion: 'http/2.0', statusText: '', redirectURL: '', headersSize: -1, bodySize: -1, ...response }, cache: {},
  timings: { send: 0, wait: 40, receive: 0 }, serverIPAddress: '203.0.113.10',
});
const bearer = (min: number, token: string, path = '/v1/orders'): object =>
  entry(min, { method: 'GET', url: `https://api.example${path}`, headers: [{ name: 'authorization', value: `Bearer ${token}` }] });

export async function scenario(kit: Kit): Promise<Scenario> {
  const base = { iss: 'https://auth.example', aud: 'https://api.example', iat: T0 - 600, exp: T0 + 7200 };
  const tok = (sub: string, jti: string) => kit.sign('rsa', { ...base, sub, jti });
  const alice = await tok('alice', 'har-abroad');
  const bob = await tok('bob', 'har-new-network');
  const carol = await tok('carol', 'har-unknown-outcome');
  const dave = await tok('dave', 'har-rejected');
  const erin = await tok('erin', 'har-same-ip');
  const frank = await tok('frank', 'har-same-net');
  const gina = await tok('gina', 'har-issued-abroad');
  const hank = await tok('hank', 'har-issued-own');
  const ivan = await tok('ivan', 'har-before-only');
  const judy = await tok('judy', 'har-internal-relay');
  const kim = await tok('kim', 'har-claims-own');

  const har = {
    log: {
      version: '1.2', creator: { name: 'WebInspector', version: '537.36' },
      entries: [
        bearer(0, alice), bearer(1, bob), bearer(1, carol), bearer(2, dave), bearer(2, erin), bearer(3, frank), bearer(3, ivan), bearer(3, judy), bearer(3, kim),
        // gina's and hank's tokens issued to the browser by the token endpoint during the recording
        entry(4, { method: 'POST', url: 'https://auth.example/oauth2/token', headers: [], postData: { mimeType: 'application/x-www-form-urlencoded', text: 'grant_type=refresh_token' } },
          { status: 200, headers: [], cookies: [], content: { size: 100, mimeType: 'application/json', text: JSON.stringify({ access_token: gina, token_type: 'Bearer' }) } }),
        entry(5, { method: 'POST', url: 'https://auth.example/oauth2/token', headers: [], postData: { mimeType: 'application/x-www-form-urlencoded', text: 'grant_type=refresh_token' } },
          { status: 200, headers: [], cookies: [], content: { size: 100, mimeType: 'application/json', text: JSON.stringify({ access_token: hank, token_type: 'Bearer' }) } }),
      ],
    },
  };
  type Opt = { outcome?: string | null; ip?: string; country?: string };
  const use = (min: number, token: string, sub: string, o: Opt = {}) => ({
    ts: iso(min), event: 'use', token, sub, ip: o.ip ?? HOME, ua: UA, client_id: 'web', aud: base.aud,
    geo: { country: o.country ?? 'GB' },
    ...(o.outcome === null ? {} : { outcome: o.outcome ?? 'success' }),
  });
  return {
    id: 'har-token-replay',
    description: 'Tokens recorded in a HAR (request headers, a token endpoint response) replayed after the recording from new addresses: abroad (critical), another network at home (high), outcome unrecorded (medium), rejected (low); users carrying on from their own address or network stay quiet.',
    checks: ['har-token-replay'],
    files: {
      'keys.json': kit.jwks('rsa'),
      'support-ticket-4471.har': JSON.stringify(har, null, 2) + '\n',
      'events.ndjson': ndjson([
        // before the recording: every user at the office
        ...[[alice, 'alice'], [bob, 'bob'], [carol, 'carol'], [dave, 'dave'], [erin, 'erin'], [frank, 'frank'], [ivan, 'ivan'], [judy, 'judy']].map(([t, s], i) => use(-5 + i * 0.1, t!, s!)),
        // after: replays
        use(30, alice, 'alice', { ip: REPLAY_ABROAD, country: 'US' }),
        use(31, alice, 'alice', { ip: REPLAY_ABROAD, country: 'US' }),
        use(32, bob, 'bob', { ip: REPLAY_LOCAL, country: 'GB' }),
        use(33, carol, 'carol', { ip: REPLAY_ABROAD, country: 'US', outcome: null }),
        use(34, dave, 'dave', { ip: REPLAY_ABROAD, country: 'US', outcome: 'failure' }),
        // near misses: the users carrying on
        use(10, erin, 'erin'),
        use(11, frank, 'frank', { ip: HOME_NEAR }),
        // gina: no address before; her browser uses the issued token first (home), then it turns up abroad
        use(6, gina, 'gina'),
        use(40, gina, 'gina', { ip: REPLAY_ABROAD, country: 'US' }),
        // hank: the issued token only ever used from his own address
        use(6, hank, 'hank'),
        use(20, hank, 'hank'),
        // ivan: a use from abroad BEFORE the recording is not a replay of the HAR (another check's business)
        use(-2, ivan, 'ivan', { ip: REPLAY_ABROAD, country: 'US' }),
        // judy: after the recording her token reaches an API through a service of ours (internal_networks), not a stranger
        use(25, judy, 'judy', { ip: '10.20.0.15' }),
        // kim: before the recording a gateway logged her uses by the token's claims only (no token, no top-level sub),
        // from home and from her phone; after it she carries on from both with the token itself. Were those events
        // not hers, the first address after would stand for her own and the second would be a stranger.
        ...[[-4, KIM_HOME], [-3, KIM_PHONE]].map(([min, ip]) => ({
          ts: iso(min as number), event: 'use', claims: { ...base, sub: 'kim', jti: 'har-claims-own' }, ip, ua: UA, outcome: 'success', geo: { country: 'GB' },
        })),
        use(15, kim, 'kim', { ip: KIM_PHONE }),
        use(16, kim, 'kim', { ip: KIM_HOME }),
      ]),
    },
    near_misses: [
      'erin keeps using her token from the same address after the recording',
      'frank carries on from another address of the same /24',
      "hank's token, issued to his browser during the recording, is used only from his own address",
      "ivan's token was used abroad before the recording: the HAR did not leak it",
      "judy's token is presented after the recording by an internal relay (10.20.0.15, policy internal_networks)",
      "kim carries on from her home and her phone, which a gateway logged before the recording by her token's claims only",
    ],
    expected: [
      { check: 'har-token-replay', severity: 'critical', token: fingerprint(alice), jti: 'har-abroad', sub: 'alice', kid: 'rsa-current' },
      { check: 'har-token-replay', severity: 'high', token: fingerprint(bob), jti: 'har-new-network', sub: 'bob' },
      { check: 'har-token-replay', severity: 'medium', token: fingerprint(carol), jti: 'har-unknown-outcome', sub: 'carol' },
      { check: 'har-token-replay', severity: 'low', token: fingerprint(dave), jti: 'har-rejected', sub: 'dave' },
      { check: 'har-token-replay', severity: 'critical', token: fingerprint(gina), jti: 'har-issued-abroad', sub: 'gina' },
    ],
  };
}
