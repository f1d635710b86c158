// One bearer token presented by more than one device: the signature of a replayed (stolen) token. A device is a
// user-agent family (browser + OS, no versions) and a client_id, so browser and app updates are not devices.
// Two routine deployments present one token from two agents without anyone replaying it, and are not devices:
// a backend relaying the user's token (a backend-for-frontend or API gateway calling internal services: a server
// user agent on an internal network), and a hybrid app whose native code and embedded web view share the token.
// `run` rather than `sql` because internal networks are CIDRs (IPv4 and IPv6), matched in JS once per distinct IP.
import type { EventRef, Severity } from '../findings/finding.js';
import { internalNetworks, networkOf } from '../geo/networks.js';
import { columns, listOf, typedRows, type RowOf } from '../store/rows.js';
import { uaFamilySql } from '../util/ua-family.js';
import type { CheckContext, FindingDraft } from './check.js';
import { defineCheck } from './check.js';
import { PRESENTATIONS_SQL, TOKEN_IDS_SQL } from './presentations.js';
import { describe, ladder, severityOf } from './ladder.js';

/**
 * HTTP client libraries and command-line tools: the user agent of a program, not of a person's browser or app
 * (each by the product token it starts with). Only from an internal network does one make a relay.
 */
export const SERVER_AGENTS = [
  'curl', 'Wget', 'okhttp', 'Go-http-client', 'python-requests', 'python-urllib3', 'Python-urllib', 'aiohttp', 'python-httpx',
  'HTTPX', 'Java', 'Apache-HttpClient', 'Jakarta Commons-HttpClient', 'ReactorNetty', 'Jetty', 'node-fetch', 'node', 'undici',
  'axios', 'got', 'GuzzleHttp', 'Faraday', 'Ruby', 'RestSharp', 'Dart', 'grpc-[a-z-]+', 'Envoy', 'libcurl',
];
const SERVER_RE = `(?i)^\\s*(${SERVER_AGENTS.join('|').replace(/[.]/g, '\\.')})([/ ;(]|$)`;
// Embedded web views: Android's WebView marks its UA with "; wv)" (Chrome for Android's documented WebView UA);
// iOS's WKWebView sends Safari's UA without the "Safari/" product (and without a "Version/").
const ANDROID_WEB_VIEW = `Android[^)]*; wv\\)`;
const IOS_WEB_VIEW = (ua: string): string =>
  `regexp_matches(${ua}, '^Mozilla/[0-9.]+ \\((iPhone|iPad|iPod);.*AppleWebKit/') AND NOT contains(${ua}, 'Safari/')`;
// A native app names its platform (iOS's CFNetwork/Darwin and Android's Dalvik/okhttp stacks included) without being
// a browser (no "Mozilla/" prefix).
const APP_IOS = `iPhone|iPad|iPod|\\biOS\\b|CFNetwork`;
const APP_ANDROID = `Android|Dalvik|okhttp`;

// Every token an event presents (a refresh also presents its parent), by jti, else fingerprint. Revocations are
// excluded: an admin console revoking a token is not a device using it. Grouped per device and IP, for the tokens
// seen with more than one UA family or client_id; relays and web views are settled in code.
const SQL = `
WITH ev AS (
  SELECT source_id, source, line, ts, ip, nullif(trim(ua), '') AS ua, nullif(trim(client_id), '') AS client_id, outcome,
    token_key, fingerprint, jti, sub, kid
  FROM (${PRESENTATIONS_SQL}) WHERE event IS DISTINCT FROM 'revoke' AND token_key IS NOT NULL
),
agents AS ( -- read once per distinct UA string, not per event
  SELECT ua, CASE WHEN web_view IS NOT NULL THEN 'web view on ' || web_view ELSE family END AS family, server, web_view,
    CASE WHEN web_view IS NULL AND NOT starts_with(ua, 'Mozilla/') THEN
      CASE WHEN regexp_matches(ua, '${APP_IOS}') THEN 'iOS' WHEN regexp_matches(ua, '${APP_ANDROID}') THEN 'Android' END END AS app_platform
  FROM (
    SELECT ua, ${uaFamilySql('ua')} AS family, regexp_matches(ua, '${SERVER_RE}') AS server,
      CASE WHEN regexp_matches(ua, '${ANDROID_WEB_VIEW}') THEN 'Android' WHEN ${IOS_WEB_VIEW('ua')} THEN 'iOS' END AS web_view
    FROM (SELECT DISTINCT ua FROM ev WHERE ua IS NOT NULL))
),
dev AS (SELECT ev.*, a.family, a.server, a.web_view, a.app_platform FROM ev LEFT JOIN agents a USING (ua)),
multi AS ( -- an unknown UA or client_id (NULL) is not counted as another device
  SELECT token_key FROM dev GROUP BY token_key HAVING count(DISTINCT family) > 1 OR count(DISTINCT client_id) > 1
),
per_ip AS (
  SELECT d.token_key, d.family, d.client_id, d.ip, coalesce(bool_or(d.server), false) AS server, any_value(d.web_view) AS web_view,
    any_value(d.app_platform) AS app_platform, min(d.ts) AS first_ts, iso(min(d.ts)) AS first_use, iso(max(d.ts)) AS last_use,
    count(*) AS uses, count(*) FILTER (WHERE d.outcome = 'success') AS accepted, count(*) FILTER (WHERE d.outcome = 'failure') AS rejected,
    list_sort(list(DISTINCT d.ua) FILTER (WHERE d.ua IS NOT NULL))[1:5] AS user_agents,
    list_sort(list(DISTINCT CASE WHEN g.country IS NOT NULL OR g.city IS NOT NULL
        THEN lower(coalesce(g.country, '')) || '/' || lower(coalesce(g.city, ''))
      WHEN i.country IS NOT NULL OR i.city IS NOT NULL THEN lower(coalesce(i.country, '')) || '/' || lower(coalesce(i.city, '')) END)
      FILTER (WHERE coalesce(g.country, g.city, i.country, i.city) IS NOT NULL)) AS places,
    list_sort(list(DISTINCT i.asn) FILTER (WHERE i.asn IS NOT NULL)) AS asns,
    [arg_min({'source': d.source, 'line': d.line, 'ts': iso(d.ts)}, (d.ts, d.line)),
     arg_max({'source': d.source, 'line': d.line, 'ts': iso(d.ts)}, (d.ts, d.line))] AS refs
  FROM dev d JOIN multi USING (token_key)
  LEFT JOIN events g ON g.source_id = d.source_id AND g.line = d.line
  LEFT JOIN ip_locations i ON i.ip = d.ip
  GROUP BY d.token_key, d.family, d.client_id, d.ip
),
tok AS (SELECT token_key, min(jti) AS jti, min(sub) AS sub FROM dev JOIN multi USING (token_key) GROUP BY token_key)
SELECT p.token_key, t.jti, t.sub, i.kid, coalesce(i.fingerprints, []) AS tokens,
  list({'family': p.family, 'client_id': p.client_id, 'ip': p.ip, 'server': p.server, 'web_view': p.web_view,
        'app_platform': p.app_platform, 'first_use': p.first_use, 'last_use': p.last_use, 'uses': p.uses,
        'accepted': p.accepted, 'rejected': p.rejected, 'user_agents': p.user_agents, 'places': p.places, 'asns': p.asns,
        'refs': p.refs} ORDER BY p.first_ts, p.family, p.client_id, p.ip) AS seen
FROM per_ip p JOIN tok t USING (token_key) LEFT JOIN (${TOKEN_IDS_SQL}) i USING (token_key)
GROUP BY ALL ORDER BY p.token_key`;

const COLUMNS = columns({
  token_key: 'text', jti: 'text?', sub: 'text?', kid: 'text?', tokens: 'text[]',
  seen: listOf({
    family: 'text?', client_id: 'text?', ip: 'text?', server: 'bool', web_view: 'text?', app_platform: 'text?', first_use: 'text',
    last_use: 'text', uses: 'int', accepted: 'int', rejected: 'int', user_agents: 'text[]', places: 'text[]', asns: 'json?', refs: 'refs',
  }),
});
type Row = RowOf<typeof COLUMNS>;
type Seen = Row['seen'][number];

/** One device: a (family, client_id) and what it did, over the IPs it came from. */
interface Device {
  family: string | null;
  client_id: string | null;
  web_view: string | null;
  app_platform: string | null;
  first_use: string;
  last_use: string;
  uses: number;
  accepted: number;
  rejected: number;
  ips: string[];
  user_agents: string[];
  places: string[];
  asns: string[];
  refs: EventRef[];
  /** the native app this web view was folded into (its family) */
  web_view_of?: string;
}

/** What the ladder reads: the token's devices once relays are set aside and web views joined to their app. */
interface Judged {
  devices: Device[];
  both_accepted: boolean;
  both_live: boolean;
  /** an accepted device other than the first came from a network (/24, /48 or ASN) or place the first never used */
  elsewhere: boolean;
}

const LADDER = ladder<Judged>(
  {
    severity: 'high',
    when: 'when the server accepted it on two devices and a device other than the first came from a network (IPv4 /24, ' +
      'IPv6 /48, or ASN when --asn knows both) or a place the first never used, or no IP was logged to tell',
    test: (j) => j.both_accepted && j.elsewhere,
  },
  {
    severity: 'medium',
    when: "when it was accepted on two devices of one network and place (a device change alone), or the second device's outcome was not recorded",
    test: (j) => j.both_live,
  },
  { severity: 'low', when: 'when every use on all but one device was rejected', test: () => true },
);

/** Two or more distinct non-null values. */
const several = (xs: (string | null)[]): boolean => new Set(xs.filter((x) => x !== null)).size > 1;
const union = (...lists: string[][]): string[] => [...new Set(lists.flat())].sort();

function deviceOf(s: Seen): Device {
  return {
    family: s.family, client_id: s.client_id, web_view: s.web_view, app_platform: s.app_platform, first_use: s.first_use,
    last_use: s.last_use, uses: s.uses, accepted: s.accepted, rejected: s.rejected, ips: s.ip === null ? [] : [s.ip],
    user_agents: s.user_agents, places: s.places, asns: ((s.asns as number[] | null) ?? []).map((a) => `AS${a}`), refs: s.refs,
  };
}

/** Fold devices into one, all at once: a token seen from thousands of IPs stays linear, not a union per IP. */
function merge(into: Device, ds: Device[]): void {
  for (const d of ds) {
    if (d.first_use < into.first_use) into.first_use = d.first_use;
    if (d.last_use > into.last_use) into.last_use = d.last_use;
    into.uses += d.uses;
    into.accepted += d.accepted;
    into.rejected += d.rejected;
  }
  into.ips = union(into.ips, ...ds.map((d) => d.ips));
  into.user_agents = union(into.user_agents, ...ds.map((d) => d.user_agents)).slice(0, 5);
  into.places = union(into.places, ...ds.map((d) => d.places));
  into.asns = union(into.asns, ...ds.map((d) => d.asns));
  into.refs = [...into.refs, ...ds.flatMap((d) => d.refs)];
}

/** The networks a device was seen on: each IP's /24 or /48, and the autonomous systems --asn put them in. */
const networksOf = (d: Device): Set<string> => new Set([...d.ips.map(networkOf).filter((n): n is string => n !== null), ...d.asns]);
const sharesNetwork = (a: Device, b: Device): boolean => {
  const mine = networksOf(a);
  return [...networksOf(b)].some((n) => mine.has(n));
};
/** Another network, or another place (both located, no place in common); no IP logged on either: cannot tell, so another. */
function elsewhere(first: Device, d: Device): boolean {
  if (!sharesNetwork(first, d)) return true;
  return first.places.length > 0 && d.places.length > 0 && !d.places.some((p) => first.places.includes(p));
}

/**
 * Per token: drop the relayed presentations (a server agent on an internal network), group the rest per device, and
 * join an embedded web view to its native app (the one app family of the same platform presenting the token, on a
 * network it shares, under no other client_id).
 */
function judge(row: Row, internal: (ip: string) => boolean): { judged: Judged; relayed: Seen[]; webViews: number } {
  const isRelay = (s: Seen): boolean => s.server && s.ip !== null && internal(s.ip);
  const relayed = row.seen.filter(isRelay);
  const byDevice = new Map<string, Seen[]>();
  for (const s of row.seen) {
    if (isRelay(s)) continue;
    const key = JSON.stringify([s.family, s.client_id]);
    const list = byDevice.get(key);
    if (list) list.push(s);
    else byDevice.set(key, [s]);
  }
  let devices = [...byDevice.values()].map(([head, ...rest]) => {
    const d = deviceOf(head!);
    merge(d, rest.map(deviceOf));
    return d;
  });
  let webViews = 0;
  for (const view of devices.filter((d) => d.web_view !== null)) {
    const apps = devices.filter((d) => d.app_platform === view.web_view);
    const app = apps[0];
    if (apps.length !== 1 || !app || !sharesNetwork(app, view)) continue;
    if (view.client_id !== null && app.client_id !== null && view.client_id !== app.client_id) continue;
    merge(app, [view]);
    view.web_view_of = app.family ?? 'its app';
    webViews += 1;
  }
  devices = devices.filter((d) => d.web_view_of === undefined).sort((a, b) => (a.first_use < b.first_use ? -1 : a.first_use > b.first_use ? 1 : 0));
  const acceptedOn = devices.filter((d) => d.accepted > 0);
  const liveOn = devices.filter((d) => d.uses > d.rejected);
  const first = devices[0];
  const judged: Judged = {
    devices,
    both_accepted: several(acceptedOn.map((d) => d.family)) || several(acceptedOn.map((d) => d.client_id)),
    both_live: several(liveOn.map((d) => d.family)) || several(liveOn.map((d) => d.client_id)),
    elsewhere: first !== undefined && acceptedOn.some((d) => d !== first && elsewhere(first, d)),
  };
  return { judged, relayed, webViews };
}

const isDeviceChange = (j: Judged): boolean =>
  several(j.devices.map((d) => d.family)) || several(j.devices.map((d) => d.client_id));

function toFinding(row: Row, internal: (ip: string) => boolean): FindingDraft | null {
  const { judged, relayed, webViews } = judge(row, internal);
  if (!isDeviceChange(judged)) return null;
  const severity: Severity = severityOf(LADDER, judged)!;
  const devices = judged.devices.map((d) => ({
    device: d.family ?? 'unknown user agent', client_id: d.client_id, first_use: d.first_use, last_use: d.last_use, uses: d.uses,
    accepted: d.accepted, rejected: d.rejected, ips: d.ips.length ? d.ips : null, user_agents: d.user_agents.length ? d.user_agents : null,
    networks: [...networksOf(d)].sort(), places: d.places.length ? d.places : undefined,
  }));
  return {
    key: [row.token_key],
    severity,
    jti: row.jti,
    sub: row.sub,
    kid: row.kid,
    token: row.tokens[0] ?? null,
    first_seen: judged.devices.map((d) => d.first_use).sort()[0] ?? null,
    last_seen: judged.devices.map((d) => d.last_use).sort().at(-1) ?? null,
    // first and last use on each device: a handful of refs, put in time order here
    events: uniqueRefs(judged.devices.flatMap((d) => d.refs)).sort(byTime).slice(0, 20),
    evidence: {
      device_count: devices.length,
      devices,
      tokens: row.tokens,
      accepted_from_another_network_or_place: judged.elsewhere,
      relayed_uses: relayed.length ? relayed.reduce((n, s) => n + s.uses, 0) : undefined,
      relayed_by: relayed.length ? [...new Set(relayed.map((s) => `${s.family ?? 'unknown'} from ${s.ip}`))].sort() : undefined,
      web_views_joined_to_their_app: webViews || undefined,
    },
  };
}

const uniqueRefs = (refs: EventRef[]): EventRef[] => [...new Map(refs.map((r) => [`${r.source}\u0000${r.line}`, r])).values()];
const byTime = (a: EventRef, b: EventRef): number => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.line - b.line);

async function run({ store, policy }: CheckContext): Promise<FindingDraft[]> {
  const internal = internalNetworks(policy.internal_networks);
  const rows = await typedRows(store, 'device-change', COLUMNS, SQL);
  return rows.map((r) => toFinding(r, internal)).filter((f): f is FindingDraft => f !== null);
}

export const deviceChange = defineCheck({
  id: 'device-change',
  title: 'One token used from more than one device',
  description: describe(
    'One token (same jti, else same fingerprint) presented by more than one device: a different user-agent family ' +
      '(browser and OS, versions ignored, so browser or app updates do not count) or a different client_id — a replayed ' +
      'bearer token. A missing UA or client_id is never counted as a device. Two routine deployments are not devices. ' +
      'A relay: a server user agent (an HTTP client library or command-line tool — curl, okhttp, Go-http-client, ' +
      'python-requests, Java, Apache-HttpClient, node-fetch, axios, …) presenting the token from policy ' +
      'internal_networks (default RFC 1918, loopback, RFC 6598 shared address space, IPv6 loopback and RFC 4193 unique ' +
      'local addresses) is a backend-for-frontend or API gateway forwarding the user\'s token to internal services, as ' +
      'the OAuth 2.0 for Browser-Based Applications BCP describes: its uses are counted in the evidence, not as a device ' +
      '(a script replaying a token from inside those networks looks the same: narrow internal_networks to the service ' +
      'subnets when the logs also see people\'s private addresses). ' +
      'A hybrid app: an embedded web view (Android WebView\'s "; wv)" UA, iOS WKWebView\'s Safari UA without "Safari/") ' +
      'presenting the token on a network the one native app of the same platform also used, under no other client_id, ' +
      'is that app. And a device change alone is not a theft: a token copied into a tool on the same network and place ' +
      '(a developer trying an API) is medium at most; high needs another network or place as well.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'behaviour', needs: ['user-agents', ['token-events', 'refresh-links']] },
  remediation:
    'Revoke the token and its session, and treat the subject\'s credentials as exposed: find where the token leaked ' +
    '(logs, proxies, browser extensions, a compromised device). Bind tokens to the client (DPoP or mTLS, RFC 9449 / 8705) ' +
    'so a copied bearer token is useless elsewhere. If the second agent is a service of yours relaying the token, list ' +
    'its network in policy internal_networks.',
  scope: 'detection',
  run,
});
