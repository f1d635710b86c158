// `check` and `check-keys`: run a scope of the registry, keep the findings, print the report, gate on --fail-on.
import { strictFailures } from '../checks/coverage.js';
import { CHECKS, checksFor } from '../checks/registry.js';
import { checkAndKeep } from '../app/check-store.js';
import { GateFailed, InputError, UsageError } from '../errors.js';
import type { CoverageEntry } from '../findings/coverage.js';
import { SEVERITIES, parseSeverity, severityRank, type Severity } from '../findings/finding.js';
import { loadPolicy, withSecretLists } from '../policy/policy.js';
import { buildReport, type Report } from '../report/report.js';
import { renderCoverage, renderFindingsTable } from '../report/render-findings.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { Store } from '../store/db.js';
import { checksByReason } from './check-reasons.js';
import { headLine } from './run-ingest.js';
import { formatOf, minSeverityOf, type Globals } from './context.js';
import { lookupGeoIp } from './geoip.js';
import { type Out } from './output.js';
import { toJson, toNdjson } from '../format/serialize.js';
import { COMMAND_FORMATS } from './formats.js';

export interface CheckOptions {
  only?: string;
  failOn?: string;
  strict?: boolean;
  /** --secrets FILE: lists weak-secret tries (check) and weak-key holds the registry's secrets against (check-keys) */
  secrets?: string[];
}

export async function runCheckCommand(scope: 'detection' | 'keys', opts: CheckOptions, g: Globals, out: Out): Promise<Report> {
  const format = formatOf(g, COMMAND_FORMATS.check, 'table');
  const failOn = opts.failOn ? severityOption(opts.failOn) : null;
  const minSeverity = minSeverityOf(g);
  const only = opts.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const checks = (() => {
    try {
      return checksFor(scope, only);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
  })();
  const policy = withSecretLists(loadPolicy(g.config), opts.secrets);
  const store = await Store.open(g.db, { mustExist: true });
  try {
    if (scope === 'detection') await lookupGeoIp(store, g, out);
    const { findings, run, coverage } = await checkAndKeep(store, policy, checks);
    const report = await buildReport(store, findings, [run], coverage, new Date(), { minSeverity });
    out.write(await render(report, format, out));
    if (format === 'table') out.write(`\n${headLine(report.ledger_head)}`);
    strictGate(coverage, opts.strict === true);
    gate(report.summary, failOn);
    return report;
  } finally {
    store.close();
  }
}

async function render(report: Report, format: string, out: Out): Promise<string> {
  if (format === 'json') return toJson(report);
  if (format === 'ndjson') return toNdjson(report.findings);
  if (format === 'markdown') return renderMarkdown(report);
  return `${renderFindingsTable(report, out.color)}${renderCoverage(report.coverage, out.color)}`;
}

export function severityOption(value: string): Severity {
  try {
    return parseSeverity(value);
  } catch (err) {
    throw new UsageError(`--fail-on: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** --strict: a run in which a signature or use check could not be evaluated exits 2 (after the output is written). */
export function strictGate(coverage: readonly CoverageEntry[], strict: boolean): void {
  if (!strict) return;
  const missing = strictFailures(coverage, CHECKS);
  if (missing.length === 0) return;
  // grouped by reason: "no tokens (…): alg-none, bad-signature, …; no key rotation records: retired-key, revoked-key"
  const reasons = missing.flatMap((e) => (e.why ?? 'not evaluated').split('; ').map((why) => ({ check: e.check, why })));
  const list = checksByReason(reasons).map(([why, checks]) => `${why}: ${checks.join(', ')}`).join('; ');
  throw new InputError(`--strict: ${missing.length} signature or use check(s) could not be evaluated — ${list}`);
}

/** --fail-on counts every finding, listed or not: --min-severity changes what is shown, never the exit code. */
export function gate(summary: Readonly<Record<Severity, number>>, failOn: Severity | null): void {
  if (!failOn) return;
  const hits = SEVERITIES.filter((s) => severityRank(s) <= severityRank(failOn)).reduce((n, s) => n + summary[s], 0);
  if (hits) throw new GateFailed(`${hits} finding(s) at or above ${failOn}`);
}
