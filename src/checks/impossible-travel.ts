// One token (or one subject) at two places too far apart for the time between: consecutive located events,
// great-circle distance less both places' accuracy radii, over elapsed time. Token level is token theft;
// subject level (different tokens) is an account used from two places at once. Distances and speeds are
// computed in DuckDB (./travel-sql.ts), not per event in JS.
import { SEVERITIES, type EventRef } from '../findings/finding.js';
import { EVENT_OR_IP, type LocationSource } from '../geo/locations.js';
import { ipsInNetworks, splitTrusted } from '../geo/networks.js';
import type { Policy } from '../policy/policy.js';
import { columns, listOf, struct, typedRows, type RowOf } from '../store/rows.js';
import type { Check, CheckContext, FindingDraft } from './check.js';
import { travelSql } from './travel-sql.js';
import { describe, type Ladder } from './ladder.js';

// The SQL ranks each impossible hop (travel-sql.ts `fast`: an index into SEVERITIES); these are its rungs, in its order.
const LADDER: Ladder = [
  {
    name: 'token level (a stolen token)',
    rungs: [
      { severity: 'critical', when: 'when both events were accepted' },
      { severity: 'high', when: 'when at least one may have been' },
      { severity: 'medium', when: 'when both were rejected' },
    ],
  },
  {
    name: 'subject level (different tokens)',
    rungs: [
      { severity: 'medium', when: 'when at least one event may have been accepted' },
      { severity: 'low', when: 'when both were rejected' },
    ],
  },
];

/** One end of a hop (travel-sql's `places`); asn and as_org come from --asn and are NULL without it. */
const PLACE = struct({
  source: 'text', line: 'int', ts: 'text', event: 'text?', outcome: 'text?', ip: 'text?', country: 'text?', city: 'text?',
  lat: 'num', lon: 'num', geo_source: 'text', accuracy_radius_km: 'num', asn: 'int?', as_org: 'text?', ua: 'text?',
  token: 'text?', parent_jti: 'text?',
});

// sub is NULL for a token nobody named; kid and token_jti for a token the store does not hold (or at subject level).
const COLUMNS = columns({
  level: 'text', key: 'text', rank: 'int', hop_count: 'int', sub: 'text?', kid: 'text?', token_jti: 'text?', unstored: 'bool',
  tokens: 'text[]', first_seen: 'text', last_seen: 'text', country_change_minutes: 'num?',
  hops: listOf({
    from: PLACE, to: PLACE, distance_km: 'num', accuracy_radii_km: 'json', distance_less_radii_km: 'num', elapsed_minutes: 'num',
    speed_kmh: 'num?', simultaneous: 'bool', country_change: 'bool',
  }),
  events: 'refs',
});
type TravelRow = RowOf<typeof COLUMNS>;
type Place = TravelRow['hops'][number]['from'];

function toFinding(row: TravelRow, policy: Policy, locations: LocationSource): FindingDraft {
  const token = row.level === 'token';
  const { tokens, hops } = row;
  const first = hops[0]!;
  const where = ({ city, country, lat, lon }: Place): string => city ?? country ?? `${lat},${lon}`;
  const countryMinutes = row.country_change_minutes;
  return {
    key: [row.level, row.key],
    severity: SEVERITIES[row.rank]!,
    title: `Impossible travel: ${token ? 'one token' : `subject ${row.key}`} in ${where(first.from)} and ${where(first.to)} ${first.elapsed_minutes} min apart`,
    // a token known only from logs (jti, parent_jti) has no stored row: its key is its jti
    jti: token ? (row.unstored ? row.key : row.token_jti) : null,
    sub: row.sub,
    kid: token ? row.kid : null,
    token: token ? (tokens[0] ?? null) : null,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    // both ends of every impossible hop, in time order (a handful per finding)
    events: row.events.sort(byTime).slice(0, 20),
    evidence: {
      level: row.level, key: row.key, impossible_hops: row.hop_count, hops, tokens,
      // back-to-back events in two countries (on any hop of this token / subject, not only the impossible ones)
      country_change: countryMinutes !== null, ...(countryMinutes !== null ? { country_change_minutes: countryMinutes } : {}),
      max_speed_kmh: policy.impossible_travel.max_speed_kmh, min_distance_km: policy.impossible_travel.min_distance_km,
      locations: locations.id,
    },
  };
}

const byTime = (a: EventRef, b: EventRef): number => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.line - b.line);

/** The check over a given location source (tests use EVENT_GEO alone; the registry the GeoIP-aware one). */
export function impossibleTravelCheck(locations: LocationSource): Check {
  return {
    id: 'impossible-travel',
    title: 'Impossible travel',
    description: describe(
      'Consecutive located events of one token (jti, else fingerprint; a refresh also places the refresh token it exchanges) — or of one subject using different tokens — whose ' +
        'great-circle distance less both places\' accuracy radii exceeds impossible_travel.min_distance_km and needs a speed above impossible_travel.max_speed_kmh ' +
        '(two places at the same instant count as infinitely fast). Events without coordinates (or at 0,0) are never placed, nor are events from ' +
        'impossible_travel.trusted_networks (CIDRs, or ASNs such as AS13335 when --asn was given: VPN exits, relays). ' +
        `Locations: ${locations.id === 'event' ? "the log's geo fields" : "the log's geo fields, else the IP's GeoIP lookup (--geoip) with its accuracy radius"}.`,
      LADDER,
    ),
    ladder: LADDER,
    coverage: { family: 'behaviour', needs: ['located-events'] },
    remediation:
      'Revoke the token (token level) or every session of the subject (subject level) and require re-authentication with ' +
      'MFA; review what was accessed from the unexpected place, and where the token could have been copied from.',
    scope: 'detection',
    run: (ctx) => run(ctx, locations),
  };
}

// `run` rather than `sql` only because trusted networks are CIDRs (IPv4 and IPv6), matched in JS once per
// distinct located IP, and ASNs, resolved to IPs through ip_locations; everything else is the one query.
async function run({ store, policy }: CheckContext, locations: LocationSource): Promise<FindingDraft[]> {
  const rows = await typedRows(store, 'impossible-travel', COLUMNS, travelSql(locations), {
    max_kmh: policy.impossible_travel.max_speed_kmh,
    min_km: policy.impossible_travel.min_distance_km,
    trusted: JSON.stringify(await trustedIps(store, locations, policy.impossible_travel.trusted_networks)),
  });
  return rows.map((r) => toFinding(r, policy, locations));
}

const IP_COLUMNS = columns({ ip: 'text' });

/** The located IPs inside a trusted CIDR, plus the IPs the --asn lookup put in a trusted autonomous system. */
async function trustedIps(store: CheckContext['store'], locations: LocationSource, networks: readonly string[]): Promise<string[]> {
  const { cidrs, asns } = splitTrusted(networks);
  const ips = async (sql: string, params = {}): Promise<string[]> =>
    (await typedRows(store, 'impossible-travel', IP_COLUMNS, sql, params)).map((r) => r.ip);
  const located = cidrs.length
    ? await ips(`SELECT DISTINCT e.ip FROM events e JOIN (${locations.sql}) g USING (source_id, line) WHERE e.ip IS NOT NULL`)
    : [];
  const inAsns = asns.length
    ? await ips(`SELECT ip FROM ip_locations WHERE list_contains($asns::BIGINT[], asn)`, { asns: JSON.stringify(asns) })
    : [];
  return [...ipsInNetworks(located, cidrs), ...inAsns];
}

export const impossibleTravel: Check = impossibleTravelCheck(EVENT_OR_IP);
