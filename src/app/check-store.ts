// Checks over the store with their findings kept: the one flow behind `check`, `check-keys`, `investigate` and a
// `report` that finds nothing stored.
import { runChecks } from '../checks/engine.js';
import type { Check } from '../checks/check.js';
import { CHECKS } from '../checks/registry.js';
import type { Finding } from '../findings/finding.js';
import type { Policy } from '../policy/policy.js';
import type { Store } from '../store/db.js';
import { loadFindings, saveFindings } from '../store/findings.js';

/** Run these checks and replace their stored findings with what they found. */
export async function checkAndKeep(store: Store, policy: Policy, checks: readonly Check[]): Promise<Finding[]> {
  const findings = await runChecks(store, policy, checks);
  await saveFindings(store, checks, findings);
  return findings;
}

/** What `check` / `investigate` stored; with nothing stored, every check runs (and its findings are kept). */
export async function findingsToReport(store: Store, policy: () => Policy): Promise<Finding[]> {
  const stored = await loadFindings(store);
  if (stored.length > 0) return stored;
  return checkAndKeep(store, policy(), CHECKS);
}
