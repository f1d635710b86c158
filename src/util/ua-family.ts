// A user agent's *family*: browser (or client program) plus operating system, without versions. Device checks
// compare families, not raw strings, so a browser auto-update (Chrome/120 → Chrome/121 on the same Windows PC)
// or an app update is the same device, while Chrome on Windows vs python-requests is not.
// It is a SQL expression so it runs inside DuckDB, once per distinct UA string.

/** Browser families, first match wins: the order matters (Edge and Opera also say Chrome; Chrome says Safari). */
const BROWSERS: [string, string][] = [
  ['Edge', 'Edg(e|A|iOS)?/'],
  ['Opera', 'OPR/|Opera'],
  ['Samsung Internet', 'SamsungBrowser/'],
  ['Headless Chrome', 'HeadlessChrome/'],
  ['Chrome', 'Chrome/|CriOS/|Chromium/'],
  ['Firefox', 'Firefox/|FxiOS/'],
  ['Safari', 'Version/[0-9.]+.*Safari/'],
  ['Internet Explorer', 'MSIE |Trident/'],
];

/** OS families, first match wins: iOS says "like Mac OS X", Android says Linux. */
const SYSTEMS: [string, string][] = [
  ['iOS', 'iPhone|iPad|iPod|\\biOS\\b|CPU OS '],
  ['Android', 'Android'],
  ['Chrome OS', 'CrOS'],
  ['Windows', 'Windows|Win64|Win32'],
  ['macOS', 'Macintosh|Mac OS X|(?i:darwin)|macOS'],
  ['Linux', 'Linux|X11|Ubuntu|Fedora'],
];

const caseOf = (col: string, rules: [string, string][], otherwise: string): string =>
  `CASE ${rules.map(([name, re]) => `WHEN regexp_matches(${col}, '${re.replace(/'/g, "''")}') THEN '${name}'`).join(' ')} ELSE ${otherwise} END`;

/**
 * SQL for the family of the UA in column `col`, e.g. 'Chrome on Windows', 'python-requests', 'acmemobile on iOS'.
 * A UA that is no known browser is named by its leading product token (curl/8.5.0 → 'curl'), lower-cased.
 * NULL for a missing or blank UA: an unknown agent is not evidence of another device.
 */
export function uaFamilySql(col: string): string {
  const product = `lower(nullif(regexp_extract(${col}, '^\\s*([A-Za-z][A-Za-z0-9_.+-]*)', 1), ''))`;
  const browser = caseOf(col, BROWSERS, `coalesce(${product}, 'unknown')`);
  const os = caseOf(col, SYSTEMS, 'NULL');
  return `CASE WHEN nullif(trim(${col}), '') IS NOT NULL THEN ${browser} || coalesce(' on ' || ${os}, '') END`;
}
