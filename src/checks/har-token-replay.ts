// A token exposed in a HAR file (a browser session recorded for a support desk, a proxy export: the way into an
// identity provider's customers in 2023) and presented after the recording from an address that had not presented
// it, nor the subject's other tokens, before: someone who read the HAR replaying it. The user carrying on from their
// own addresses after the recording is not a replay. `run` rather than `sql` because networks (/24, /48) are
// compared in JS (src/geo/networks.ts), as device-change does.
import { basename } from 'node:path';
import type { EventRef, Severity } from '../findings/finding.js';
import { internalNetworks, networkOf } from '../geo/networks.js';
import { columns, listOf, typedRows, type RowOf } from '../store/rows.js';
import type { CheckContext, FindingDraft } from './check.js';
import { defineCheck } from './check.js';
import { describe, ladder, severityOf } from './ladder.js';

// Per token captured in a HAR (sources.kind = 'har', with a time): the recording (first and last capture), the
// addresses that presented it or any token of its subject up to the last capture ("before"), and its uses after it,
// per address. Places: the log's own country, else the GeoIP country; networks: the ASN when --asn knows it.
const SQL = `
WITH har AS (
  SELECT c.token_sha AS sha, iso(min(c.captured_at)) AS first_capture, max(c.captured_at) AS last_ts,
    arg_min(c.origin, (c.captured_at, c.line)) AS origin, arg_min(s.path, (c.captured_at, c.line)) AS har_file,
    arg_min(c.line, (c.captured_at, c.line)) AS har_entry, count(*) AS captures,
    bool_or(coalesce(json_extract_string(c.extra, '$.har.issued_to_client') = 'true', false)) AS issued
  FROM captures c JOIN sources s ON s.id = c.source_id
  WHERE s.kind = 'har' AND c.captured_at IS NOT NULL GROUP BY c.token_sha
),
tok AS (
  SELECT h.*, t.fingerprint, t.jti, t.kid, coalesce(
    (SELECT min(u.sub) FROM uses u WHERE u.used_sha = h.sha AND u.sub IS NOT NULL), t.sub) AS sub
  FROM har h JOIN tokens t ON t.sha256 = h.sha
),
own AS ( -- the addresses of the token's subject and of the token itself up to the recording (two equi-joins); the token's
  -- events include those a gateway logged by its claims (events_resolved, src/store/uses.ts), as its uses after do
  SELECT tok.sha, e.ip, e.country FROM tok JOIN events e ON e.sub = tok.sub WHERE e.ts <= tok.last_ts AND e.ip IS NOT NULL
  UNION
  SELECT tok.sha, e.ip, e.country FROM tok JOIN events_resolved e ON e.token_sha = tok.sha WHERE e.ts <= tok.last_ts AND e.ip IS NOT NULL
),
seen AS (SELECT o.sha, o.ip, coalesce(o.country, i.country) AS country, i.asn FROM own o LEFT JOIN ip_locations i ON i.ip = o.ip),
before AS (
  SELECT sha, list_sort(list(DISTINCT ip)) AS ips, list_sort(list(DISTINCT country) FILTER (WHERE country IS NOT NULL)) AS countries,
    list_sort(list(DISTINCT asn::VARCHAR) FILTER (WHERE asn IS NOT NULL)) AS asns
  FROM seen GROUP BY sha
),
after AS (
  SELECT u.used_sha AS sha, u.ip, min(u.ts) AS first_ts, iso(min(u.ts)) AS first_use, iso(max(u.ts)) AS last_use, count(*) AS uses,
    count(*) FILTER (WHERE u.outcome = 'success') AS accepted, count(*) FILTER (WHERE u.outcome = 'failure') AS rejected,
    any_value(coalesce(u.country, i.country)) AS country, any_value(i.asn::VARCHAR) AS asn,
    list_sort(list(DISTINCT u.ua) FILTER (WHERE u.ua IS NOT NULL))[1:3] AS user_agents,
    [arg_min({'source': u.source, 'line': u.line, 'ts': iso(u.ts)}, (u.ts, u.line)),
     arg_max({'source': u.source, 'line': u.line, 'ts': iso(u.ts)}, (u.ts, u.line))] AS refs
  FROM uses u JOIN tok ON tok.sha = u.used_sha AND u.ts > tok.last_ts LEFT JOIN ip_locations i ON i.ip = u.ip
  WHERE u.ip IS NOT NULL GROUP BY u.used_sha, u.ip
)
SELECT tok.sha, tok.fingerprint, tok.jti, tok.kid, tok.sub, tok.first_capture, iso(tok.last_ts) AS last_capture, tok.origin,
  tok.har_file, tok.har_entry, tok.captures, tok.issued,
  coalesce(b.ips, []) AS before_ips, coalesce(b.countries, []) AS before_countries, coalesce(b.asns, []) AS before_asns,
  list({'ip': a.ip, 'first_use': a.first_use, 'last_use': a.last_use, 'uses': a.uses, 'accepted': a.accepted,
        'rejected': a.rejected, 'country': a.country, 'asn': a.asn, 'user_agents': a.user_agents, 'refs': a.refs}
       ORDER BY a.first_ts, a.ip) AS after
FROM tok JOIN after a ON a.sha = tok.sha LEFT JOIN before b ON b.sha = tok.sha
GROUP BY ALL ORDER BY tok.sha`;

const COLUMNS = columns({
  sha: 'text', fingerprint: 'text', jti: 'text?', kid: 'text?', sub: 'text?', first_capture: 'text', last_capture: 'text',
  origin: 'text?', har_file: 'text', har_entry: 'int', captures: 'int', issued: 'bool',
  before_ips: 'text[]', before_countries: 'text[]', before_asns: 'text[]',
  after: listOf({
    ip: 'text', first_use: 'text', last_use: 'text', uses: 'int', accepted: 'int', rejected: 'int', country: 'text?',
    asn: 'text?', user_agents: 'text[]', refs: 'refs',
  }),
});
type Row = RowOf<typeof COLUMNS>;
type After = Row['after'][number];

/** What the ladder reads: the uses after the recording from addresses the subject had not used before it. */
interface Judged {
  strangers: After[];
  accepted: boolean;
  unknown: boolean;
  /** an accepted stranger in a country, or on an autonomous system, the subject had not used before */
  elsewhere: boolean;
}

const LADDER = ladder<Judged>(
  {
    severity: 'critical',
    when: 'when the server accepted it from a new address in a country, or on a network (ASN, with --asn), that the ' +
      'subject had not used before the recording: the HAR was read and the token replayed',
    test: (j) => j.accepted && j.elsewhere,
  },
  { severity: 'high', when: 'when it was accepted from a new address (another /24 or /48) of the same country and network, or not located', test: (j) => j.accepted },
  { severity: 'medium', when: "when a new address presented it and the outcome was not recorded", test: (j) => j.unknown },
  { severity: 'low', when: 'when every use from a new address was rejected', test: () => true },
);

/** The addresses before the recording; with none logged, the first address after it stands for the user's own. */
function judge(row: Row, internal: (ip: string) => boolean): Judged {
  const ips = new Set(row.before_ips);
  const first = row.after[0];
  if (ips.size === 0 && first) ips.add(first.ip);
  const nets = new Set([...ips].map(networkOf).filter((n): n is string => n !== null));
  const asns = new Set(row.before_asns);
  const countries = new Set(row.before_countries);
  if (row.before_ips.length === 0 && first) {
    if (first.asn) asns.add(first.asn);
    if (first.country) countries.add(first.country);
  }
  // a service of ours relaying the token (policy internal_networks, as device-change reads it) is not a stranger
  const own = (a: After): boolean => ips.has(a.ip) || nets.has(networkOf(a.ip) ?? '') || (a.asn !== null && asns.has(a.asn)) || internal(a.ip);
  const strangers = row.after.filter((a) => !own(a));
  const accepted = strangers.filter((a) => a.accepted > 0);
  return {
    strangers,
    accepted: accepted.length > 0,
    unknown: strangers.some((a) => a.uses > a.accepted + a.rejected),
    elsewhere: accepted.some((a) => (a.country !== null && countries.size > 0 && !countries.has(a.country)) || (a.asn !== null && asns.size > 0 && !asns.has(a.asn))),
  };
}

function toFinding(row: Row, internal: (ip: string) => boolean): FindingDraft | null {
  const j = judge(row, internal);
  if (j.strangers.length === 0) return null;
  const severity: Severity = severityOf(LADDER, j)!;
  const refs: EventRef[] = j.strangers.flatMap((a) => a.refs).sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.line - b.line)).slice(0, 20);
  const what = row.issued ? 'issued to the client in' : 'captured in';
  return {
    key: [row.sha],
    severity,
    title: `Token ${what} HAR ${basename(row.har_file)} replayed from ${j.strangers.length} new address${j.strangers.length === 1 ? '' : 'es'} after the recording`,
    jti: row.jti,
    sub: row.sub,
    kid: row.kid,
    token: row.fingerprint,
    first_seen: row.first_capture,
    last_seen: j.strangers.map((a) => a.last_use).sort().at(-1) ?? row.last_capture,
    events: refs,
    evidence: {
      har_file: row.har_file,
      har_entry: row.har_entry,
      captured: row.origin,
      captures: row.captures,
      issued_to_client: row.issued,
      recorded_from: row.first_capture,
      recorded_until: row.last_capture,
      addresses_before: row.before_ips,
      countries_before: row.before_countries,
      ips: j.strangers.map((a) => a.ip),
      replays: j.strangers.map((a) => ({
        ip: a.ip, country: a.country, asn: a.asn === null ? null : `AS${a.asn}`, first_use: a.first_use, last_use: a.last_use,
        uses: a.uses, accepted: a.accepted, rejected: a.rejected, user_agents: a.user_agents.length ? a.user_agents : null,
      })),
      accepted_from_another_country_or_network: j.elsewhere,
    },
  };
}

async function run({ store, policy }: CheckContext): Promise<FindingDraft[]> {
  const internal = internalNetworks(policy.internal_networks);
  const rows = await typedRows(store, 'har-token-replay', COLUMNS, SQL);
  return rows.map((r) => toFinding(r, internal)).filter((f): f is FindingDraft => f !== null);
}

export const harTokenReplay = defineCheck({
  id: 'har-token-replay',
  title: 'Token exposed in a HAR file replayed from a new address',
  description: describe(
    'A token that a HAR file holds (a request header, cookie, query or form parameter or body, or a response that ' +
      'issued it to the client; src/ingest/har/) is presented, after the last entry of the recording that holds it, ' +
      'from an address that had presented neither it nor any token of its subject before: someone who read the HAR ' +
      '(a support ticket, a shared devtools export) replaying the session. The subject carrying on from an address, ' +
      'network (IPv4 /24, IPv6 /48) or ASN it used before the recording is not a replay; when the logs place no ' +
      'address before it, the first address after the recording stands for the user\'s own. An address in policy ' +
      'internal_networks (a gateway or service of ours relaying the token, as device-change reads it) is not a stranger.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'behaviour', needs: ['har-captures', 'token-events'] },
  remediation:
    'Revoke the token, its session and the subject\'s other sessions, and require a new login: the HAR holds a live ' +
    'credential. Find who had the HAR (the ticket, its attachments, whoever downloaded it) and delete every copy; ' +
    'ask for HARs sanitised of Authorization headers, cookies and token responses (current Chrome exports them ' +
    'without sensitive data unless told otherwise). Bind tokens to the client (DPoP, RFC 9449) so a copied token is useless elsewhere.',
  scope: 'detection',
  run,
});
