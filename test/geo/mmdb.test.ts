// MaxMind's own test databases (fixtures/geoip, see SOURCE.md there): both City layouts, ASN, and the corrupt
// and wrong-type files, which must give an InputError that names the file — never a stack trace or bad places.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { locateIp } from '../../src/geo/ip-locations.js';
import { openAsnDb, openCityDb } from '../../src/geo/mmdb.js';
import { CITY_LAYOUTS, GEOIP } from '../helpers/geoip.js';

describe('MaxMind City and ASN databases', () => {
  it.each(CITY_LAYOUTS)('places the test IPs with their accuracy radius (%s)', async (file) => {
    const city = await openCityDb(GEOIP(file));
    expect(city.label).toMatch(/^Geo(IP|Lite)2-City 2026-02-04T22:49:29Z$/);
    expect(locateIp('81.2.69.142', city)).toMatchObject({ country: 'GB', city: 'London', lat: 51.5142, lon: -0.0931, accuracy_radius_km: 10 });
    expect(locateIp('216.160.83.56', city)).toMatchObject({ country: 'US', city: 'Milton', accuracy_radius_km: 22 });
    expect(locateIp('89.160.20.112', city)).toMatchObject({ country: 'SE', city: 'Linköping', accuracy_radius_km: 76 });
    expect(locateIp('67.43.156.14', city)).toMatchObject({ country: 'BT', city: null, lat: 27.5, lon: 90.5, accuracy_radius_km: 534 });
    expect(locateIp('::ffff:81.2.69.142', city)).toMatchObject({ city: 'London' });
  });

  it('leaves an IP outside the database, or not an IP at all, unlocated', async () => {
    const city = await openCityDb(GEOIP('GeoLite2-City-Test.mmdb'));
    const none = { country: null, city: null, lat: null, lon: null, accuracy_radius_km: null, asn: null, as_org: null };
    for (const ip of ['1.1.1.1', '10.0.0.1', 'not-an-ip', '81.2.69.142:443', 'fe80::1%eth0', '']) {
      expect(locateIp(ip, city)).toEqual({ ip, ...none });
    }
  });

  it('adds the network owner from an ASN database', async () => {
    const [city, asn] = [await openCityDb(GEOIP('GeoLite2-City-Test.mmdb')), await openAsnDb(GEOIP('GeoLite2-ASN-Test.mmdb'))];
    expect(locateIp('89.160.20.112', city, asn)).toMatchObject({ city: 'Linköping', asn: 29518, as_org: 'Bredband2 AB' });
    expect(locateIp('216.160.83.56', city, asn)).toMatchObject({ city: 'Milton', asn: 209, as_org: null });
    // ASN alone: an owner, no place
    expect(locateIp('1.128.0.1', undefined, asn)).toMatchObject({ lat: null, asn: 1221, as_org: 'Telstra Pty Ltd' });
  });
});

describe('unusable databases', () => {
  const fails = async (p: Promise<unknown>, file: string, why: RegExp): Promise<void> => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(GEOIP(file));
    expect((err as Error).message).toMatch(why);
  };

  it('refuses a node count the file cannot hold (Invalid-Node-Count)', async () => {
    await fails(openCityDb(GEOIP('GeoIP2-City-Test-Invalid-Node-Count.mmdb')), 'GeoIP2-City-Test-Invalid-Node-Count.mmdb', /corrupt.*search tree/);
  });

  it('refuses coordinates that are mis-encoded doubles (Broken-Double-Format), at the first lookup', async () => {
    const city = await openCityDb(GEOIP('GeoIP2-City-Test-Broken-Double-Format.mmdb'));
    expect(() => locateIp('81.2.69.142', city)).toThrow(InputError);
    expect(() => locateIp('81.2.69.142', city)).toThrow(/Broken-Double-Format\.mmdb: corrupt MaxMind database: 81\.2\.69\.142 decodes to latitude/);
  });

  it('refuses the corrupt search tree test database (its type is not City or ASN)', async () => {
    await fails(openCityDb(GEOIP('libmaxminddb-corrupt-search-tree.mmdb')), 'libmaxminddb-corrupt-search-tree.mmdb', /'Test' database/);
    await fails(openAsnDb(GEOIP('libmaxminddb-corrupt-search-tree.mmdb')), 'libmaxminddb-corrupt-search-tree.mmdb', /'Test' database/);
  });

  it('refuses the wrong kind of database for each option', async () => {
    await fails(openCityDb(GEOIP('GeoIP2-Country-Test.mmdb')), 'GeoIP2-Country-Test.mmdb', /--geoip .*'GeoIP2-Country' database.*needs a City database/);
    await fails(openCityDb(GEOIP('GeoLite2-ASN-Test.mmdb')), 'GeoLite2-ASN-Test.mmdb', /needs a City database/);
    await fails(openAsnDb(GEOIP('GeoLite2-City-Test.mmdb')), 'GeoLite2-City-Test.mmdb', /--asn .*'GeoLite2-City' database.*needs an ASN database/);
  });

  it('names a missing file, a folder and a file that is no MMDB', async () => {
    await fails(openCityDb(GEOIP('none.mmdb')), 'none.mmdb', /no such file/);
    await fails(openCityDb(GEOIP('')), '', /a folder/);
    await fails(openCityDb(GEOIP('LICENSE-MIT')), 'LICENSE-MIT', /not a readable MaxMind DB/);
  });
});
