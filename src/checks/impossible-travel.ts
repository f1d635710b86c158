// One token (or one subject) at two places too far apart for the time between: consecutive located events,
// great-circle distance less both places' accuracy radii, over elapsed time. Token level is token theft;
// subject level (different tokens) is an account used from two places at once. Distances and speeds are
// computed in DuckDB (./travel-sql.ts), not per event in JS.
import { SEVERITIES, type EventRef, type Severity } from '../findings/finding.js';
import { EVENT_OR_IP, type LocationSource } from '../geo/locations.js';
import { ipsInNetworks, splitTrusted } from '../geo/networks.js';
import type { Policy } from '../policy/policy.js';
import type { Check, CheckContext, FindingDraft, Row } from './check.js';
import { travelSql } from './travel-sql.js';

function toFinding(row: Row, policy: Policy, locations: LocationSource): FindingDraft {
  const token = row.level === 'token';
  const tokens = row.tokens as string[];
  const hops: Row[] = (row.hops as Row[]).map((h) => ({ ...h, from: place(h.from as Row), to: place(h.to as Row) }));
  const first = hops[0]!;
  const where = (p: unknown): string => {
    const { city, country, lat, lon } = p as Row;
    return String(city ?? country ?? `${String(lat)},${String(lon)}`);
  };
  const countryMinutes = row.country_change_minutes as number | null;
  return {
    key: [row.level as string, row.key as string],
    severity: SEVERITIES[Number(row.rank)] as Severity,
    title: `Impossible travel: ${token ? 'one token' : `subject ${String(row.key)}`} in ${where(first.from)} and ${where(first.to)} ${String(first.elapsed_minutes)} min apart`,
    // a token known only from logs (jti, parent_jti) has no stored row: its key is its jti
    jti: token ? ((row.unstored ? row.key : row.token_jti) as string | null) : null,
    sub: (row.sub as string | null) ?? null,
    kid: token ? ((row.kid as string | null) ?? null) : null,
    token: token ? (tokens[0] ?? null) : null,
    first_seen: row.first_seen as string,
    last_seen: row.last_seen as string,
    // both ends of every impossible hop, in time order (a handful per finding)
    events: (row.events as EventRef[]).map((e) => ({ ...e, line: Number(e.line) })).sort(byTime).slice(0, 20),
    evidence: {
      level: row.level, key: row.key, impossible_hops: Number(row.hop_count), hops, tokens,
      // back-to-back events in two countries (on any hop of this token / subject, not only the impossible ones)
      country_change: countryMinutes !== null, ...(countryMinutes !== null ? { country_change_minutes: countryMinutes } : {}),
      max_speed_kmh: policy.impossible_travel.max_speed_kmh, min_distance_km: policy.impossible_travel.min_distance_km,
      locations: locations.id,
    },
  };
}

// DuckDB hands BIGINTs (line, asn) over as strings in JSON rows; evidence carries them as numbers.
const place = (p: Row): Row => ({ ...p, line: Number(p.line), asn: p.asn === null || p.asn === undefined ? null : Number(p.asn) });
const byTime = (a: EventRef, b: EventRef): number => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.line - b.line);

/** The check over a given location source (tests use EVENT_GEO alone; the registry the GeoIP-aware one). */
export function impossibleTravelCheck(locations: LocationSource): Check {
  return {
    id: 'impossible-travel',
    title: 'Impossible travel',
    description:
      'Consecutive located events of one token (jti, else fingerprint; a refresh also places the refresh token it exchanges) — or of one subject using different tokens — whose ' +
      'great-circle distance less both places\' accuracy radii exceeds impossible_travel.min_distance_km and needs a speed above impossible_travel.max_speed_kmh ' +
      '(two places at the same instant count as infinitely fast). Token level (a stolen token): critical when both events ' +
      'were accepted, high when at least one may have been, medium when both were rejected. Subject level: medium, low when ' +
      'both were rejected. Events without coordinates (or at 0,0) are never placed, nor are events from ' +
      'impossible_travel.trusted_networks (CIDRs, or ASNs such as AS13335 when --asn was given: VPN exits, relays). ' +
      `Locations: ${locations.id === 'event' ? "the log's geo fields" : "the log's geo fields, else the IP's GeoIP lookup (--geoip) with its accuracy radius"}.`,
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
  const rows = await store.json<Row>(travelSql(locations), {
    max_kmh: policy.impossible_travel.max_speed_kmh,
    min_km: policy.impossible_travel.min_distance_km,
    trusted: JSON.stringify(await trustedIps(store, locations, policy.impossible_travel.trusted_networks)),
  });
  return rows.map((r) => toFinding(r, policy, locations));
}

/** The located IPs inside a trusted CIDR, plus the IPs the --asn lookup put in a trusted autonomous system. */
async function trustedIps(store: CheckContext['store'], locations: LocationSource, networks: readonly string[]): Promise<string[]> {
  const { cidrs, asns } = splitTrusted(networks);
  const ips = async (sql: string, params = {}): Promise<string[]> => (await store.json<{ ip: string }>(sql, params)).map((r) => r.ip);
  const located = cidrs.length
    ? await ips(`SELECT DISTINCT e.ip FROM events e JOIN (${locations.sql}) g USING (source_id, line) WHERE e.ip IS NOT NULL`)
    : [];
  const inAsns = asns.length
    ? await ips(`SELECT ip FROM ip_locations WHERE list_contains($asns::BIGINT[], asn)`, { asns: JSON.stringify(asns) })
    : [];
  return [...ipsInNetworks(located, cidrs), ...inAsns];
}

export const impossibleTravel: Check = impossibleTravelCheck(EVENT_OR_IP);
