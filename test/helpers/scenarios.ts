// Run a scenario folder: ingest it into a fresh in-memory store, look its IPs up in the MaxMind databases its
// optional geoip.json names ({"city": "…mmdb", "asn": "…mmdb"}, relative to the folder), apply its policy,
// run every check.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runChecks } from '../../src/checks/engine.js';
import { CHECKS } from '../../src/checks/registry.js';
import type { Finding } from '../../src/findings/finding.js';
import { locateIps } from '../../src/geo/ip-locations.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { DEFAULT_POLICY, mergePolicy } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';

export const SCENARIO_ROOT = new URL('../../fixtures/scenarios/', import.meta.url).pathname;

export function scenarioNames(): string[] {
  if (!existsSync(SCENARIO_ROOT)) return [];
  return readdirSync(SCENARIO_ROOT).filter((d) => existsSync(join(SCENARIO_ROOT, d, 'expected.json'))).sort();
}

const cache = new Map<string, Promise<Finding[]>>();

/** Findings of every check on one scenario (memoised: the scenario and contract tests share them). */
export function scenarioFindings(name: string): Promise<Finding[]> {
  if (!cache.has(name)) cache.set(name, run(join(SCENARIO_ROOT, name)));
  return cache.get(name)!;
}

async function run(dir: string): Promise<Finding[]> {
  const store = await Store.open(':memory:');
  try {
    await ingestPaths(store, [dir]);
    await locateIps(store, geoipOf(dir));
    const policyFile = join(dir, 'policy.json');
    const policy = existsSync(policyFile) ? mergePolicy(JSON.parse(readFileSync(policyFile, 'utf8'))) : DEFAULT_POLICY;
    return await runChecks(store, policy, CHECKS);
  } finally {
    store.close();
  }
}

function geoipOf(dir: string): { geoip?: string; asn?: string } {
  const file = join(dir, 'geoip.json');
  if (!existsSync(file)) return {};
  const { city, asn } = JSON.parse(readFileSync(file, 'utf8')) as { city?: string; asn?: string };
  return { geoip: city && resolve(dir, city), asn: asn && resolve(dir, asn) };
}
