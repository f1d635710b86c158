// MaxMind's test databases, copied into fixtures/geoip (see SOURCE.md there). Tests never read /work/shared.
export const GEOIP = (name: string): string => new URL(`../../fixtures/geoip/${name}`, import.meta.url).pathname;

export const CITY_LAYOUTS = ['GeoIP2-City-Test.mmdb', 'GeoLite2-City-Test.mmdb'] as const;
export const LITE_CITY = GEOIP('GeoLite2-City-Test.mmdb');
export const LITE_ASN = GEOIP('GeoLite2-ASN-Test.mmdb');
