// Countries as ISO 3166-1 alpha-2 codes in every mapped log (issue 16): Okta writes names ("France"), Entra and
// Auth0 codes ("FR"), Cloudflare lower-case codes ("fr"). A subject seen by two providers must not look like a
// change of country, so each mapped source's `country` column is converted once its events are in: the source's
// distinct values are looked up here (a few hundred at most in real logs) and the rows updated by a join on the
// value. Not inside the read's projection: the reader's row order numbers the lines, and a join may reorder rows.
// The provider's own value stays in `extra` (the record as the provider wrote it).
import { createRequire } from 'node:module';
import type { Store } from '../../store/db.js';

/** The key a name is looked up by: no accents, lower case, `&` as "and", any run of other characters one space
 *  ("Côte d’Ivoire", "Cote d'Ivoire" and "COTE D IVOIRE" are one key). */
export function countryKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replaceAll('&', ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

// Names the package (i18n-iso-countries, English) does not list in these forms: MaxMind GeoIP2's English country
// names (what many log providers geolocate with) and the ISO 3166 short names written in other orders. Each is
// one country; a name that could be two (plain "Congo", "Korea") is in neither list and is kept as given.
const ALIASES: Record<string, readonly string[]> = {
  BN: ['Brunei'],
  CD: ['DR Congo', 'Democratic Republic of Congo', 'Congo, The Democratic Republic of the', 'Congo (Kinshasa)'],
  CG: ['Congo Republic', 'Republic of Congo', 'Congo (Brazzaville)'],
  CV: ['Cabo Verde'],
  FK: ['Falkland Islands'],
  GB: ['United Kingdom of Great Britain and Northern Ireland'],
  GS: ['South Georgia and South Sandwich Islands'],
  HM: ['Heard and McDonald Islands'],
  KN: ['St Kitts and Nevis'],
  KP: ["Korea, Democratic People's Republic of", "Democratic People's Republic of Korea"],
  LA: ['Laos', 'Lao PDR'],
  LC: ['St Lucia'],
  MK: ['Macedonia'],
  MM: ['Burma'],
  MO: ['Macau'],
  PM: ['St Pierre and Miquelon'],
  SH: ['St Helena'],
  SY: ['Syria'],
  SZ: ['Swaziland'],
  TL: ['East Timor'],
  UM: ['U.S. Outlying Islands'],
  VA: ['Vatican City', 'Vatican'],
  VC: ['St Vincent and Grenadines', 'St Vincent and the Grenadines'],
  VG: ['British Virgin Islands'],
  VI: ['U.S. Virgin Islands', 'US Virgin Islands'],
  VN: ['Viet Nam'],
  AX: ['Åland'],
};

type Names = Record<string, string | string[]>;

let index: Map<string, string> | null = null;

/** key → alpha-2 for every code (alpha-2, alpha-3), English name and alias; a key naming two countries is left out. */
function countryIndex(): Map<string, string> {
  if (index) return index;
  const require = createRequire(import.meta.url);
  const codes = require('i18n-iso-countries/codes.json') as [string, string, string, string][];
  const names = (require('i18n-iso-countries/langs/en.json') as { countries: Names }).countries;
  const seen = new Map<string, Set<string>>();
  const add = (name: string, iso: string): void => {
    const key = countryKey(name);
    if (key) seen.set(key, (seen.get(key) ?? new Set()).add(iso));
  };
  for (const [alpha2, alpha3] of codes) {
    add(alpha2, alpha2);
    add(alpha3, alpha2);
  }
  for (const [iso, list] of Object.entries(names)) for (const name of [list].flat()) for (const n of variants(name)) add(n, iso);
  for (const [iso, list] of Object.entries(ALIASES)) for (const name of list) for (const n of variants(name)) add(n, iso);
  index = new Map([...seen].filter(([, isos]) => isos.size === 1).map(([key, isos]) => [key, [...isos][0]!]));
  return index;
}

/** A name, and its short forms: without a parenthesis ("Saint Martin (French part)"), and the part before ", X of"
 *  ("Moldova, Republic of"). */
function variants(name: string): string[] {
  const out = [name];
  const bare = name.replace(/\s*\([^)]*\)\s*$/, '');
  if (bare !== name && bare) out.push(bare);
  const inverted = /^([^,]+), [^,]+ of( the)?$/.exec(name);
  if (inverted) out.push(inverted[1]!);
  return out;
}

/** The ISO 3166-1 alpha-2 code for a country code or name, or null when it names none (or two). */
export function isoCountry(value: string): string | null {
  return countryIndex().get(countryKey(value)) ?? null;
}

/** Rewrite the source's `country` column to alpha-2 codes; values that name no country are kept as given. */
export async function isoCountries(store: Store, sourceId: number): Promise<void> {
  const values = await store.all<{ country: string }>(
    `SELECT DISTINCT country FROM events WHERE source_id = $sid AND country IS NOT NULL`,
    { sid: sourceId },
  );
  const changes = values.map((v) => [v.country, isoCountry(v.country)] as const).filter(([from, to]) => to !== null && to !== from);
  if (changes.length === 0) return;
  await store.run(
    `UPDATE events SET country = m.iso
     FROM (SELECT unnest(from_json($raw, '["VARCHAR"]')) AS raw, unnest(from_json($iso, '["VARCHAR"]')) AS iso) m
     WHERE events.source_id = $sid AND events.country = m.raw`,
    { sid: sourceId, raw: JSON.stringify(changes.map(([from]) => from)), iso: JSON.stringify(changes.map(([, to]) => to)) },
  );
}
