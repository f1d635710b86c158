// MaxMind MMDB files (GeoIP2 / GeoLite2 City and ASN), read offline with the `maxmind` package: nothing is ever
// fetched. A database the investigator passes is evidence-grade input, so anything wrong with it — missing,
// not an MMDB, the wrong kind, structurally corrupt, or decoding to nonsense — is an InputError naming the file
// rather than a stack trace or, worse, quietly wrong places.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { isIP } from 'node:net';
import { open, type AsnResponse, type CityResponse, type Reader, type Response } from 'maxmind';
import { InputError } from '../errors.js';

export type MmdbKind = 'City' | 'ASN';

const OPTION: Record<MmdbKind, string> = { City: '--geoip', ASN: '--asn' };
const EXPECTED: Record<MmdbKind, string> = {
  City: 'a City database (GeoIP2-City or GeoLite2-City)',
  ASN: 'an ASN database (GeoLite2-ASN or GeoIP2-ISP)',
};
// metadata.databaseType of the layouts each option reads: Enterprise is City plus more, ISP is ASN plus more
const ACCEPTS: Record<MmdbKind, RegExp> = { City: /City|Enterprise/, ASN: /ASN|ISP/ };
// Distinct IPs of one investigation rarely repeat within a lookup pass (we look each up once), so a small
// cache is enough; it only helps IPv4-mapped and repeated network-boundary walks.
const CACHE_MAX = 10_000;
// The MMDB data section starts after the search tree and a 16-byte all-zero separator.
const SEPARATOR_BYTES = 16;

export interface Mmdb<T extends Response> {
  path: string;
  kind: MmdbKind;
  /** names the database in the store: type and build time, e.g. "GeoLite2-City 2026-02-04T22:49:29Z" */
  label: string;
  /** the record for `ip`, or null when the address is invalid or not in the database */
  get(ip: string): T | null;
}

export type CityDb = Mmdb<CityResponse>;
export type AsnDb = Mmdb<AsnResponse>;

export function openCityDb(path: string): Promise<CityDb> {
  return openMmdb<CityResponse>(path, 'City');
}

export function openAsnDb(path: string): Promise<AsnDb> {
  return openMmdb<AsnResponse>(path, 'ASN');
}

async function openMmdb<T extends Response>(path: string, kind: MmdbKind): Promise<Mmdb<T>> {
  const where = `${OPTION[kind]} ${path}`;
  const reader = await readDb<T>(path, where);
  const meta = reader.metadata;
  if (!ACCEPTS[kind].test(meta.databaseType)) {
    throw new InputError(`${where}: a '${meta.databaseType}' database (${basename(path)}), but ${OPTION[kind]} needs ${EXPECTED[kind]}`);
  }
  await checkTreeFits(path, where, meta.searchTreeSize);
  const label = `${meta.databaseType} ${meta.buildEpoch.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
  return { path, kind, label, get: (ip) => lookup(reader, ip, where) };
}

async function readDb<T extends Response>(path: string, where: string): Promise<Reader<T>> {
  try {
    return await open<T>(path, { cache: { max: CACHE_MAX } });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${where}: no such file`);
    if (code === 'EISDIR') throw new InputError(`${where}: a folder, not a MaxMind .mmdb file`);
    throw new InputError(`${where}: not a readable MaxMind DB (.mmdb) file, or a corrupt one (${firstLine(err)})`);
  }
}

/**
 * A node count larger than the file can hold (a truncated or tampered database) makes every lookup read past
 * the end: refuse it up front instead of failing on the first located IP.
 */
async function checkTreeFits(path: string, where: string, searchTreeSize: number): Promise<void> {
  const { size } = await stat(path);
  if (searchTreeSize + SEPARATOR_BYTES > size) {
    throw new InputError(`${where}: corrupt MaxMind database: its search tree (${searchTreeSize} bytes by the metadata node count) does not fit in the ${size}-byte file`);
  }
}

function lookup<T extends Response>(reader: Reader<T>, ip: string, where: string): T | null {
  // reader.get answers null for an invalid address instead of throwing: validate first so "not an IP" and
  // "not in the database" stay different things to the caller. A zone id (fe80::1%eth0) is link-local anyway.
  const family = isIP(ip);
  if (family === 0 || ip.includes('%')) return null;
  if (family === 6 && reader.metadata.ipVersion === 4) return null; // an IPv4-only database cannot place it
  try {
    return reader.get(ip);
  } catch (err) {
    throw new InputError(`${where}: corrupt MaxMind database: looking up ${ip} failed (${firstLine(err)})`);
  }
}

export const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
