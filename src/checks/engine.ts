// Runs checks over the store and completes their findings (stable ids: a re-run replaces, never duplicates).
import { compareFindings, findingId, type Finding } from '../findings/finding.js';
import type { Policy } from '../policy/policy.js';
import type { Store } from '../store/db.js';
import { typedRows } from '../store/rows.js';
import { lap } from '../util/profile.js';
import type { Check, FindingDraft } from './check.js';
import { measureCoverage } from './coverage.js';
import type { CoverageEntry } from '../findings/coverage.js';
import { createViews } from './views.js';

export async function runChecks(
  store: Store,
  policy: Policy,
  checks: readonly Check[],
  notes?: Map<string, string[]>,
): Promise<Finding[]> {
  await createViews(store);
  const findings: Finding[] = [];
  for (const check of checks) {
    const note = (text: string): void => void notes?.set(check.id, [...(notes.get(check.id) ?? []), text]);
    const drafts = await draftsOf(store, policy, check, note);
    findings.push(...dedupe(drafts.map((d) => complete(check, d))));
    lap(`check ${check.id}: ${drafts.length} finding(s)`);
  }
  return findings.sort(compareFindings);
}

/**
 * Coverage first (one count query), then only the checks whose needs the store holds: the others are reported
 * "not evaluated" with why, and produce nothing (rather than a clean answer, or findings about what is missing).
 */
export async function runCoveredChecks(
  store: Store,
  policy: Policy,
  checks: readonly Check[],
): Promise<{ findings: Finding[]; coverage: CoverageEntry[] }> {
  const coverage = await measureCoverage(store, policy, checks);
  const evaluated = new Set(coverage.filter((e) => e.evaluated).map((e) => e.check));
  const notes = new Map<string, string[]>();
  const findings = await runChecks(store, policy, checks.filter((c) => evaluated.has(c.id)), notes);
  // what a check found out only by running (a limit reached) is said on its coverage line
  const noted = coverage.map((e) => (notes.has(e.check) ? { ...e, unit: `${e.unit}; ${notes.get(e.check)!.join('; ')}` } : e));
  return { findings, coverage: noted };
}

async function draftsOf(store: Store, policy: Policy, check: Check, coverageNote: (note: string) => void): Promise<FindingDraft[]> {
  if (check.run) return check.run({ store, policy, coverageNote });
  if (!check.sql || !check.columns || !check.toFinding) throw new Error(`check ${check.id} has neither run() nor sql + columns + toFinding`);
  const rows = await typedRows(store, check.id, check.columns, check.sql, check.params?.(policy));
  return rows.map((r) => check.toFinding!(r, policy)).filter((d): d is FindingDraft => d !== null);
}

function complete(check: Check, d: FindingDraft): Finding {
  return {
    id: findingId(check.id, ...d.key),
    check: check.id,
    severity: d.severity,
    title: d.title ?? check.title,
    jti: d.jti ?? null,
    sub: d.sub ?? null,
    kid: d.kid ?? null,
    token: d.token ?? null,
    first_seen: d.first_seen ?? null,
    last_seen: d.last_seen ?? null,
    events: d.events ?? [],
    evidence: d.evidence,
    remediation: check.remediation,
  };
}

function dedupe(findings: Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const f of findings) if (!byId.has(f.id)) byId.set(f.id, f);
  return [...byId.values()];
}
