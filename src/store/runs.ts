// The `runs` table: each run of checks with what it saw, so stored findings can be judged fresh or stale against the
// store's present sources and the policy in force (a report must never show findings its inputs did not produce).
import { sha256Hex } from '../util/sha256.js';
import { TOOL_VERSION } from '../version.js';
import type { CoverageEntry } from '../findings/coverage.js';
import type { Store } from './db.js';
import { columns, typedRows } from './rows.js';
import { isoMillis } from './iso-sql.js';

export interface SourceRef {
  id: number;
  sha256: string;
}

export interface Run {
  id: number;
  started_at: string;
  ended_at: string;
  tool_version: string;
  policy_sha256: string;
  /** the sources the run saw, by id and sha256 */
  sources: SourceRef[];
  checks: string[];
}

/** JSON with object keys sorted at every level: the same policy always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export const policySha256 = (policy: unknown): string => sha256Hex(canonicalJson(policy));

/** The store's sources now, in ingest order. */
export async function currentSources(store: Store): Promise<SourceRef[]> {
  const rows = await typedRows(store, 'sources', columns({ id: 'int', sha256: 'text' }), `SELECT id, sha256 FROM sources ORDER BY id`);
  return rows;
}

/** Record a run (inside the caller's transaction, with its findings); returns its id. */
export async function saveRun(store: Store, run: Omit<Run, 'id'>, policy: unknown, coverage: unknown = null): Promise<number> {
  const row = await store.one<{ id: number }>(
    `INSERT INTO runs VALUES (nextval('run_ids'), $started::TIMESTAMP, $ended::TIMESTAMP, $version, $sha, $policy::JSON,
       $sources::JSON, $checks::VARCHAR[], $coverage::JSON) RETURNING id`,
    {
      started: naive(run.started_at), ended: naive(run.ended_at), version: run.tool_version, sha: run.policy_sha256,
      policy: canonicalJson(policy), sources: JSON.stringify(run.sources), checks: JSON.stringify(run.checks),
      coverage: coverage === null ? null : JSON.stringify(coverage),
    },
  );
  return Number(row!.id);
}

const RUN_COLUMNS = columns({
  id: 'int', started_at: 'text', ended_at: 'text', tool_version: 'text', policy_sha256: 'text', sources: 'text', checks: 'text[]',
});

/** Has any check run on this store? (Findings alone cannot say: a run that found nothing leaves none.) */
export async function anyRun(store: Store): Promise<boolean> {
  return (await store.one(`SELECT 1 AS x FROM runs LIMIT 1`)) !== undefined;
}

/** For each check id, the latest run that included it (absent: never run). */
export async function latestRunByCheck(store: Store): Promise<Map<string, Run>> {
  const rows = await typedRows(store, 'runs', RUN_COLUMNS,
    `SELECT id, ${isoMillis('started_at')} AS started_at, ${isoMillis('ended_at')} AS ended_at, tool_version,
       policy_sha256, sources::VARCHAR AS sources, checks FROM runs ORDER BY id`);
  const byCheck = new Map<string, Run>();
  for (const r of rows) {
    const run: Run = { ...r, started_at: iso(r.started_at), ended_at: iso(r.ended_at), sources: JSON.parse(r.sources) as SourceRef[] };
    for (const c of run.checks) byCheck.set(c, run);
  }
  return byCheck;
}

/** The coverage each of these runs recorded (run id → its entries, as saved); a run that recorded none is absent. */
export async function runCoverage(store: Store, ids: readonly number[]): Promise<Map<number, CoverageEntry[]>> {
  if (ids.length === 0) return new Map();
  const rows = await typedRows(store, 'runs', columns({ id: 'int', coverage: 'text' }),
    `SELECT id, coverage::VARCHAR AS coverage FROM runs WHERE coverage IS NOT NULL AND list_contains($ids::INTEGER[], id) ORDER BY id`,
    { ids: JSON.stringify(ids) });
  return new Map(rows.map((r) => [r.id, JSON.parse(r.coverage) as CoverageEntry[]]));
}

/** Why a run's findings do not stand for the store and policy now, or null when they do. */
export function staleBecause(run: Run | undefined, sources: readonly SourceRef[], policySha: string): string | null {
  if (!run) return 'never run';
  if (run.tool_version !== TOOL_VERSION) return `run by jwt-forensics ${run.tool_version}`;
  if (run.policy_sha256 !== policySha) return 'run under another policy';
  const seen = new Set(run.sources.map((s) => s.sha256));
  const now = new Set(sources.map((s) => s.sha256));
  const added = sources.filter((s) => !seen.has(s.sha256)).length;
  const gone = run.sources.filter((s) => !now.has(s.sha256)).length;
  if (added || gone) return `${added ? `${added} source(s) ingested since` : ''}${added && gone ? ', ' : ''}${gone ? `${gone} source(s) gone` : ''}`;
  return null;
}

const naive = (isoText: string): string => isoText.replace('T', ' ').replace(/Z$/, '');
const iso = (text: string): string => text.replace(/\.000Z$/, 'Z');
