// Checks over the store with their findings kept, and each run recorded with what it saw: the one flow behind
// `check`, `check-keys` and `investigate`; and the freshness rule behind `report` and `timeline`, which show stored
// findings only when the checks that made them saw the store's present sources under the policy in force.
import { runCoveredChecks } from '../checks/engine.js';
import type { Check } from '../checks/check.js';
import { CHECKS } from '../checks/registry.js';
import type { CoverageEntry } from '../findings/coverage.js';
import type { Finding } from '../findings/finding.js';
import { locateIps, type GeoIpFiles } from '../geo/ip-locations.js';
import type { Policy } from '../policy/policy.js';
import type { Store } from '../store/db.js';
import { loadFindings, saveFindings } from '../store/findings.js';
import { appendEntry } from '../store/ledger.js';
import { runFindingDigests } from '../store/ledger-digest.js';
import { sha256Hex } from '../util/sha256.js';
import { currentSources, latestRunByCheck, policySha256, runCoverage, saveRun, staleBecause, type Run } from '../store/runs.js';
import { TOOL_VERSION } from '../version.js';

export interface CheckedRun {
  findings: Finding[];
  run: Run;
  /** what each check could examine; the checks not evaluated did not run */
  coverage: CoverageEntry[];
}

/** Run these checks, replace their stored findings with what they found, and record the run. */
export async function checkAndKeep(store: Store, policy: Policy, checks: readonly Check[]): Promise<CheckedRun> {
  const started = new Date().toISOString();
  const sources = await currentSources(store);
  const { findings, coverage } = await runCoveredChecks(store, policy, checks);
  const draft = {
    started_at: started, ended_at: new Date().toISOString(), tool_version: TOOL_VERSION, policy_sha256: policySha256(policy),
    sources, checks: checks.map((c) => c.id),
  };
  const id = await store.transaction(async () => {
    const runId = await saveRun(store, draft, policy, coverage);
    await saveFindings(store, checks, findings, runId);
    // the run in the ledger: what it saw and the digest of each finding it kept (docs/evidence.md)
    const digests = await runFindingDigests(store, runId);
    await appendEntry(store, 'check', {
      run_id: runId, tool_version: draft.tool_version, policy_sha256: draft.policy_sha256, sources: draft.sources,
      checks: draft.checks, findings: digests, findings_sha256: sha256Hex(digests.map(([id, h]) => `${id} ${h}\n`).join('')),
    });
    return runId;
  });
  return { findings, run: { id, ...draft }, coverage };
}

/** The checks whose stored findings do not stand for the store and policy now, each with why. */
export async function staleChecks(store: Store, policy: Policy, checks: readonly Check[] = CHECKS): Promise<{ check: Check; why: string }[]> {
  const [latest, sources] = await Promise.all([latestRunByCheck(store), currentSources(store)]);
  const sha = policySha256(policy);
  return checks.flatMap((check) => {
    const why = staleBecause(latest.get(check.id), sources, sha);
    return why ? [{ check, why }] : [];
  });
}

export interface ReportFindings {
  findings: Finding[];
  /** the runs that made the findings, oldest first */
  runs: Run[];
  /** each check's coverage, from the run that made its findings */
  coverage: CoverageEntry[];
  /** the checks re-run because their findings were missing or stale, with why (empty: all were fresh) */
  rerun: { check: string; why: string }[];
}

/**
 * Every check's findings as they stand for the store now: stored ones where the run that made them saw the present
 * sources under this policy, the others re-run first (and kept).
 */
export async function findingsToReport(store: Store, policy: Policy, geo: GeoIpFiles = {}): Promise<ReportFindings> {
  const stale = await staleChecks(store, policy);
  if (stale.length > 0) {
    await locateIps(store, geo);
    await checkAndKeep(store, policy, stale.map((s) => s.check));
  }
  const latest = await latestRunByCheck(store);
  const runs = [...new Map(CHECKS.flatMap((c) => (latest.has(c.id) ? [[latest.get(c.id)!.id, latest.get(c.id)!] as const] : []))).values()]
    .sort((a, b) => a.id - b.id);
  const recorded = await runCoverage(store, runs.map((r) => r.id));
  const coverage = CHECKS.flatMap((c) => {
    const run = latest.get(c.id);
    const entry = run ? recorded.get(run.id)?.find((e) => e.check === c.id) : undefined;
    return entry ? [entry] : [];
  });
  return { findings: await loadFindings(store), runs, coverage, rerun: stale.map((s) => ({ check: s.check.id, why: s.why })) };
}
