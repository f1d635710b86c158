// Networks whose geolocation says little about where the person is (issue 21 item 4): satellite and in-flight
// providers (the exit is a ground station, often in another country than the aircraft or the dish), mobile carriers
// (a phone's traffic leaves through a few carrier gateways, and geolocation databases often place such addresses at
// the gateway or only at country level), hosting providers and VPN or privacy relays (the place is the server's).
// Known from the --asn lookup (GeoLite2-ASN: autonomous_system_number and autonomous_system_organization), by
// number or by the organisation's registered name. A small hand-kept list: it lowers a travel finding's confidence
// by one rung, never silences it; a network an organisation trusts (its own VPN egress) belongs in
// impossible_travel.trusted_networks instead.

export type NetworkKind = 'satellite' | 'mobile' | 'hosting' | 'vpn';

interface KindRule {
  kind: NetworkKind;
  /** autonomous system numbers known to be of this kind */
  asns: readonly number[];
  /** lower-case words matched in the AS organisation name (RE2 alternation, word-bounded) */
  words: readonly string[];
  /** why these entries */
  source: string;
}

/** In order: the first rule that matches names the kind (a satellite operator's name may also say "wireless"). */
export const NETWORK_KIND_RULES: readonly KindRule[] = [
  {
    kind: 'satellite',
    // AS14593 is SpaceX's Starlink network (its published geofeed, RFC 8805, places addresses at the point of
    // presence, not the terminal); the words name the in-flight connectivity and satellite operators whose exits
    // airline Wi-Fi uses (Gogo/Aircell, Intelsat, Panasonic Avionics, Viasat, Inmarsat, Anuvu/Global Eagle,
    // SITA OnAir, Hughes, Eutelsat/OneWeb)
    asns: [14593],
    words: ['starlink', 'spacex', 'space exploration technologies', 'gogo', 'aircell', 'intelsat', 'panasonic avionics',
      'viasat', 'inmarsat', 'anuvu', 'global eagle', 'onair', 'hughes network', 'eutelsat', 'oneweb'],
    source: 'operators of in-flight Wi-Fi and satellite access, by their registered AS organisation names',
  },
  {
    kind: 'mobile',
    // AS6167 is CELLCO-PART, Cellco Partnership d/b/a Verizon Wireless (ARIN); the words are how mobile carriers name
    // their networks (T-Mobile, AT&T Mobility, "… Wireless", "… Cellular", Telefónica Móviles)
    asns: [6167],
    words: ['mobile', 'mobility', 'wireless', 'cellular', 'cellco', 'moviles', 'movil'],
    source: 'mobile carriers, by the words their registered AS organisation names carry',
  },
  {
    kind: 'vpn',
    words: ['vpn', 'private relay', 'm247', 'datacamp', 'cloudflare', 'mullvad', 'proton', 'zscaler'],
    asns: [],
    source: 'VPN providers and privacy relays (Cloudflare WARP, iCloud Private Relay egress), and hosts whose address space is mostly VPN exits (M247, DataCamp)',
  },
  {
    kind: 'hosting',
    words: ['amazon', 'aws', 'google cloud', 'microsoft', 'azure', 'digitalocean', 'linode', 'akamai', 'ovh', 'hetzner',
      'vultr', 'choopa', 'oracle', 'alibaba', 'tencent', 'leaseweb', 'scaleway', 'contabo', 'hosting', 'data center',
      'datacenter', 'colocation'],
    asns: [],
    source: 'cloud and hosting providers, by their registered AS organisation names',
  },
];

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * A DuckDB expression naming the kind of network an (asn, as_org) pair is ('satellite', 'mobile', 'vpn',
 * 'hosting'), or NULL: the arguments are SQL expressions (NULL-safe: an unknown network has no kind).
 */
export function networkKindSql(asn: string, org: string): string {
  const arms = NETWORK_KIND_RULES.map((r) => {
    const tests = [
      ...(r.asns.length ? [`${asn} IN (${r.asns.join(', ')})`] : []),
      `regexp_matches(lower(coalesce(${org}, '')), ${sqlString(`\\b(${r.words.join('|')})\\b`)})`,
    ];
    return `WHEN ${tests.join(' OR ')} THEN ${sqlString(r.kind)}`;
  });
  return `CASE ${arms.join(' ')} END`;
}
