// One token (or one subject) at two places too far apart for the time between: consecutive located events,
// great-circle distance less both places' accuracy radii, over elapsed time. Token level is token theft;
// subject level (different tokens) is an account used from two places at once. Every place is an area, not a point
// (the log's own geo included), and geolocation's own errors are told from travel: a rapid alternation between
// the same two places, and networks whose place is not the person's (issue 21 item 4). Distances and speeds are
// computed in DuckDB (./travel-sql.ts), not per event in JS.
import { SEVERITIES, type EventRef } from '../findings/finding.js';
import { EVENT_OR_IP, type LocationSource } from '../geo/locations.js';
import { ipsInNetworks, splitTrusted } from '../geo/networks.js';
import type { Policy } from '../policy/policy.js';
import { columns, listOf, struct, typedRows, type RowOf } from '../store/rows.js';
import type { Check, CheckContext, FindingDraft } from './check.js';
import { FLIP_WINDOW_SECONDS, MIN_FLIPS, SAME_PLACE_KM, travelSql } from './travel-sql.js';
import { describe, type Ladder } from './ladder.js';

// The SQL ranks each impossible hop (travel-sql.ts `fast`: an index into SEVERITIES, then `ranked`); these are its
// rungs, in its order.
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
  {
    name: `either level, one rung lower (critical to high, high to medium, medium to low, low to info) when a place's network is a mobile carrier, a satellite or in-flight provider, a VPN or relay, or a hosting provider (from --asn)`,
    rungs: [
      { severity: 'high', when: 'for a token both places accepted' },
      { severity: 'medium', when: 'for a token one place may have accepted, or a subject' },
      { severity: 'low', when: 'for a token both places rejected, or a subject whose events may have been accepted' },
      { severity: 'info', when: 'for a subject both places rejected' },
    ],
  },
  {
    name: 'a geolocation artefact (rapid alternation between the same two places), either level',
    rungs: [
      { severity: 'low', when: 'at most' },
      { severity: 'info', when: 'when a network lowers it below low (a subject both of whose places rejected)' },
    ],
  },
];

/** One end of a hop (travel-sql's `places`); asn and as_org come from --asn and are NULL without it. */
const PLACE = struct({
  source: 'text', line: 'int', ts: 'text', event: 'text?', outcome: 'text?', ip: 'text?', country: 'text?', city: 'text?',
  lat: 'num', lon: 'num', geo_source: 'text', accuracy_radius_km: 'num', asn: 'int?', as_org: 'text?', network: 'text?', ua: 'text?',
  token: 'text?', parent_jti: 'text?',
});

// sub is NULL for a token nobody named; kid and token_jti for a token the store does not hold (or at subject level).
const COLUMNS = columns({
  level: 'text', key: 'text', rank: 'int', place_rank: 'int', hop_count: 'int', artefact_hops: 'int', network_hops: 'int', sub: 'text?', kid: 'text?', token_jti: 'text?', unstored: 'bool',
  tokens: 'text[]', first_seen: 'text', last_seen: 'text', country_change_minutes: 'num?',
  hops: listOf({
    from: PLACE, to: PLACE, distance_km: 'num', accuracy_radii_km: 'json', distance_less_radii_km: 'num', elapsed_minutes: 'num',
    speed_kmh: 'num?', simultaneous: 'bool', country_change: 'bool', geolocation_artefact: 'bool',
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
  const notes = notesOf(row);
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
      log_geo_accuracy_km: policy.impossible_travel.log_geo_accuracy_km,
      locations: locations.id,
      ...(row.rank !== row.place_rank ? { severity_by_places: SEVERITIES[row.place_rank] } : {}),
      ...(notes.length ? { notes } : {}),
    },
  };
}

/** Why a finding is lower than its places alone would make it (a rapid alternation, a network's coarse place). */
function notesOf(row: TravelRow): string[] {
  const notes: string[] = [];
  if (row.artefact_hops > 0) {
    const ends = row.hops.filter((h) => h.geolocation_artefact).flatMap((h) => [h.from.ip, h.to.ip]);
    const dualStack = ends.some((ip) => ip?.includes(':')) && ends.some((ip) => ip?.includes('.'));
    notes.push(
      `${row.artefact_hops} of ${row.hop_count} impossible hop(s) flip between the same two places and back within the hour, ` +
        `${row.level === 'token' ? 'from one user agent' : 'from the same account'}: a geolocation artefact rather than travel` +
        (dualStack
          ? ' (reached over both IPv4 and IPv6: a dual-stack device whose two addresses are geolocated apart, RFC 8305)'
          : ' (two addresses of one device or household geolocated apart, such as a carrier gateway)'),
    );
  }
  if (row.network_hops > 0) {
    const kinds = [...new Set(row.hops.flatMap((h) => [h.from.network, h.to.network]).filter((k): k is string => k !== null))];
    notes.push(
      `${row.network_hops} hop(s) touch a ${kinds.join(' / ')} network (--asn): its geolocation is the ${kinds.includes('satellite') ? 'ground station, ' : ''}` +
        'gateway or server, not where the person is, so the place is weak evidence (one rung lower)',
    );
  }
  return notes;
}

const byTime = (a: EventRef, b: EventRef): number => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.line - b.line);

/** The check over a given location source (tests use EVENT_GEO alone; the registry the GeoIP-aware one). */
export function impossibleTravelCheck(locations: LocationSource): Check {
  return {
    id: 'impossible-travel',
    title: 'Impossible travel',
    description: describe(
      'Consecutive located events of one token (jti, else fingerprint; a refresh also places the refresh token it exchanges) — or of one subject using different tokens — ' +
        'too far apart for the time between. Every place is an area, not a point. A GeoIP place has its lookup\'s accuracy radius (MaxMind: the radius with "a 67% confidence ' +
        'that the device using the IP address resides within" it; its coordinates are "not precise"). The log\'s own geo is a geolocation too, not a GPS fix: coordinates ' +
        'with a city get impossible_travel.log_geo_accuracy_km.city (default 100 km), a place naming only a country log_geo_accuracy_km.country (default 1,000 km: MaxMind\'s ' +
        'own test data places a country-only US address at the country\'s default point with a 1,000 km radius), and the IP\'s MMDB radius instead when --geoip knows a larger one. ' +
        'Two places are one when closer than impossible_travel.min_distance_km (geolocation jitter) or when their circles overlap — the larger of the two, not their sum, since ' +
        'both describe the same error — and a hop is impossible when the distance left after both radii needs more than impossible_travel.max_speed_kmh (two places at the ' +
        'same instant count as infinitely fast). ' +
        `A geolocation artefact is not travel: when the subject flips between a hop's two places at least ${MIN_FLIPS} times within ${FLIP_WINDOW_SECONDS / 60} minutes of it ` +
        `(A→B→A→B; places within ${SAME_PLACE_KM} km are one), the two are in one country or within two country-level radii of each other, and at token level one user agent is ` +
        'at both ends, the hop is low at most, with a note: a dual-stack device whose IPv4 and IPv6 addresses are geolocated apart alternates so, connection by connection ' +
        '(Happy Eyeballs, RFC 8305), as does a laptop at home used in turns with a phone behind a distant carrier gateway. A victim and a thief on two continents, two user ' +
        'agents on one token, or a single return (A→B→A) keep their severity. A place whose network (--asn, by AS number or organisation name: src/geo/network-kinds.ts) is ' +
        'a mobile carrier, a satellite or in-flight provider, a VPN or relay, or a hosting provider is where a gateway, ground station or server is, not the person ' +
        '(satellite operators\' RFC 8805 geofeeds place their addresses at a point of presence): such a hop is one rung lower, never silenced. Without --asn an in-flight exit ' +
        'known only by its country is kept quiet by the country-level radius alone; one geolocated to a city on another continent is indistinguishable from the token used there. ' +
        'Events without coordinates (or at 0,0) are never placed, nor are events from impossible_travel.trusted_networks (CIDRs, or ASNs such as AS13335 when --asn was ' +
        'given: a corporate VPN egress belongs there). ' +
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
    city_km: policy.impossible_travel.log_geo_accuracy_km.city,
    country_km: policy.impossible_travel.log_geo_accuracy_km.country,
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
