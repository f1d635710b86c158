// --geoip / --asn (and their environment variables) end to end on the built CLI (run `npm run build` first):
// lookups before checks, evidence that names the GeoIP source, and one clear line for a bad database.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { GEOIP, LITE_ASN, LITE_CITY } from '../helpers/geoip.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2026, 2, 14, 10, 0, 0) / 1000;
// London (81.2.69.142) → Milton, WA (216.160.83.56, AS209) in 30 minutes, no geo fields: only GeoIP places them
const EVENTS = [
  { ts: T0, event: 'use', jti: 'cli-t', sub: 'kim', ip: '81.2.69.142', outcome: 'success' },
  { ts: T0 + 1800, event: 'use', jti: 'cli-t', sub: 'kim', ip: '216.160.83.56', outcome: 'success' },
];

function setup(): { dir: string; db: string; events: string } {
  const dir = tempDir();
  const events = join(dir, 'events.ndjson');
  writeFileSync(events, EVENTS.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return { dir, db: join(dir, 'case.duckdb'), events };
}

const travelFindings = (stdout: string): { severity: string; evidence: { hops: { to: Record<string, unknown> }[] } }[] =>
  (JSON.parse(stdout).findings as { check: string }[]).filter((f) => f.check === 'impossible-travel') as never;

describe('--geoip and --asn', () => {
  it('check looks the store\'s IPs up first, then finds the travel', () => {
    const { db, events } = setup();
    expect(cli(['--db', db, 'ingest', events]).code).toBe(0);
    expect(travelFindings(cli(['--db', db, '--format', 'json', 'check']).stdout)).toEqual([]);
    const r = cli(['--db', db, '--format', 'json', 'check', '--geoip', LITE_CITY, '--asn', LITE_ASN, '--fail-on', 'high']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GeoIP (GeoLite2-City 2026-02-04T22:49:29Z + GeoLite2-ASN 2026-02-04T22:49:29Z): 2 new IPs looked up, 2 located, 1 with an ASN');
    const [f] = travelFindings(r.stdout);
    expect(f!.severity).toBe('critical');
    expect(f!.evidence.hops[0]!.to).toMatchObject({ city: 'Milton', geo_source: 'geoip', accuracy_radius_km: 22, asn: 209 });
  });

  it('takes the databases from JWT_FORENSICS_GEOIP / JWT_FORENSICS_ASN, in investigate too', () => {
    const { db, events } = setup();
    const env = { JWT_FORENSICS_GEOIP: GEOIP('GeoIP2-City-Test.mmdb'), JWT_FORENSICS_ASN: LITE_ASN };
    const r = cli(['--db', db, '--format', 'json', 'investigate', events], { env });
    expect(r.code).toBe(0);
    expect(travelFindings(JSON.stringify(JSON.parse(r.stdout).report)).map((f) => f.severity)).toEqual(['critical']);
  });

  it('ingest --geoip stores one row per distinct IP, kept for later checks', () => {
    const { db, events } = setup();
    expect(cli(['--db', db, '--quiet', 'ingest', events, '--geoip', LITE_CITY]).code).toBe(0);
    const rows = JSON.parse(cli(['--db', db, '--format', 'json', 'query', 'SELECT ip, city, accuracy_radius_km FROM ip_locations ORDER BY ip']).stdout);
    expect(rows).toEqual([
      { ip: '216.160.83.56', city: 'Milton', accuracy_radius_km: 22 },
      { ip: '81.2.69.142', city: 'London', accuracy_radius_km: 10 },
    ]);
    expect(travelFindings(cli(['--db', db, '--format', 'json', 'check']).stdout)).toHaveLength(1);
  });

  it.each([
    ['--geoip', 'GeoIP2-City-Test-Invalid-Node-Count.mmdb', /corrupt MaxMind database: its search tree/],
    ['--geoip', 'GeoIP2-City-Test-Broken-Double-Format.mmdb', /corrupt MaxMind database: 81\.2\.69\.142 decodes to latitude/],
    ['--geoip', 'libmaxminddb-corrupt-search-tree.mmdb', /a 'Test' database/],
    ['--geoip', 'GeoIP2-Country-Test.mmdb', /a 'GeoIP2-Country' database .* needs a City database/],
    ['--asn', 'GeoLite2-City-Test.mmdb', /a 'GeoLite2-City' database .* needs an ASN database/],
    ['--geoip', 'missing.mmdb', /no such file/],
  ])('%s %s: exit 2 with one line naming the file, no stack trace', (option, file, why) => {
    const { db, events } = setup();
    const r = cli(['--db', db, 'investigate', events, option, GEOIP(file)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^jwt-forensics: ${option} \\S*${file.replace(/\./g, '\\.')}: `));
    expect(r.stderr).toMatch(why);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
