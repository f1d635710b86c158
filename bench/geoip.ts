// GeoIP and impossible-travel timings on a bench file (read-only; the store goes to --db, default under /tmp):
//   node --import tsx bench/geoip.ts --file bench/data/events-1000000.ndjson [--db /tmp/geo-bench/bench.duckdb]
//     [--city FILE.mmdb] [--asn FILE.mmdb]   (default: MaxMind's test databases in fixtures/geoip)
// Prints: distinct-IP lookup pass into ip_locations, the raw lookup rate over random IPv4 addresses (mostly
// misses in the test databases), and the travel check's time with event geo, event geo + GeoIP, and GeoIP only.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { runChecks } from '../src/checks/engine.js';
import { impossibleTravel, impossibleTravelCheck } from '../src/checks/impossible-travel.js';
import { main } from '../src/cli/main.js';
import { locateIp, locateIps } from '../src/geo/ip-locations.js';
import { EVENT_GEO } from '../src/geo/locations.js';
import { openAsnDb, openCityDb } from '../src/geo/mmdb.js';
import { DEFAULT_POLICY } from '../src/policy/policy.js';
import { Store } from '../src/store/db.js';

const fixture = (name: string): string => new URL(`../fixtures/geoip/${name}`, import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    db: { type: 'string', default: '/tmp/geo-bench/bench.duckdb' },
    city: { type: 'string', default: fixture('GeoLite2-City-Test.mmdb') },
    asn: { type: 'string', default: fixture('GeoLite2-ASN-Test.mmdb') },
    runs: { type: 'string', default: '3' },
  },
});
if (!values.file) throw new Error('--file is required');
const db = values.db!;
const runs = Number(values.runs);
const files = { geoip: values.city!, asn: values.asn! };

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await fn();
  return [out, performance.now() - t];
}

async function medianMs(fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await timed(fn))[1]);
  return Math.round(ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]!);
}

if (!existsSync(db)) {
  mkdirSync(dirname(db), { recursive: true });
  const keys = `${values.file}.jwks.json`;
  const [code, ms] = await timed(() => main(['node', 'jwt-forensics', '--db', db, '--quiet', 'ingest', ...(existsSync(keys) ? [keys] : []), values.file!]));
  if (code !== 0) throw new Error(`ingest failed (${code})`);
  console.log(`ingest: ${(ms / 1000).toFixed(1)} s`);
}

const store = await Store.open(db);
const count = async (sql: string): Promise<number> => Number((await store.json<{ n: string }>(sql))[0]!.n);
console.log(`events: ${await count('SELECT count(*) AS n FROM events')}, distinct IPs: ${await count('SELECT count(DISTINCT ip) AS n FROM events')}`);

await store.run('DELETE FROM ip_locations');
const [stats, passMs] = await timed(() => locateIps(store, files));
console.log(`lookup pass (SQL distinct + lookups + append): ${JSON.stringify(stats)}, ${Math.round(passMs)} ms`);

// the raw rate: random public-looking IPv4 addresses, each looked up once in City and ASN (cache misses)
const [city, asn] = [await openCityDb(files.geoip), await openAsnDb(files.asn)];
const ips = Array.from({ length: 200_000 }, () => [1 + Math.floor(Math.random() * 222), 0, 0, 0].map((o, i) => (i ? Math.floor(Math.random() * 256) : o)).join('.'));
const [hits, rawMs] = await timed(async () => ips.filter((ip) => locateIp(ip, city, asn).lat !== null).length);
console.log(`raw lookups: ${ips.length} random IPv4 in ${Math.round(rawMs)} ms = ${Math.round(ips.length / (rawMs / 1000))} IPs/s (City + ASN each), ${hits} located`);
// and hits: every address of the test databases' larger located networks (202.196.224.0/20, 214.78.0.0/19)
const block = (a: number, b: number, c0: number, n: number): string[] => Array.from({ length: n * 256 }, (_, i) => `${a}.${b}.${c0 + (i >> 8)}.${i & 255}`);
const inDb = [...block(202, 196, 224, 16), ...block(214, 78, 0, 32)];
const [found, hitMs] = await timed(async () => inDb.filter((ip) => locateIp(ip, city, asn).lat !== null).length);
console.log(`raw lookups: ${inDb.length} distinct IPv4 in located networks in ${Math.round(hitMs)} ms = ${Math.round(inDb.length / (hitMs / 1000))} IPs/s, ${found} located`);

await runChecks(store, DEFAULT_POLICY, []); // the shared views, once
console.log(`travel check, event geo only (EVENT_GEO): ${await medianMs(() => runChecks(store, DEFAULT_POLICY, [impossibleTravelCheck(EVENT_GEO)]))} ms`);
console.log(`travel check, event geo else GeoIP: ${await medianMs(() => runChecks(store, DEFAULT_POLICY, [impossibleTravel]))} ms`);
// GeoIP only: the same events without their geo fields (in a transaction rolled back, so the store is unchanged)
await store.run('BEGIN TRANSACTION');
await store.run('UPDATE events SET lat = NULL, lon = NULL, country = NULL, city = NULL');
const findings = await runChecks(store, DEFAULT_POLICY, [impossibleTravel]);
console.log(`travel check, GeoIP only: ${await medianMs(() => runChecks(store, DEFAULT_POLICY, [impossibleTravel]))} ms, ${findings.length} findings`);
await store.run('ROLLBACK');
store.close();
