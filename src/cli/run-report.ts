// `report`: the stored findings (or, when none are stored, a fresh run of every check) as one report file in one
// of five formats; then the --fail-on gate, after the file is written so CI keeps the report of a failed job.
import { findingsToReport } from '../app/check-store.js';
import { CHECKS } from '../checks/registry.js';
import { loadPolicy, withSecretLists } from '../policy/policy.js';
import { criticalTimelines } from '../report/critical-timelines.js';
import { keyLifecycles } from '../report/key-lifecycle.js';
import { REPORT_FORMATS, renderReport, showsTimelines } from '../report/render-report.js';
import { buildReport, type Report } from '../report/report.js';
import { withRawTokens } from '../report/raw-tokens.js';
import { withRawSecrets } from '../app/raw-secrets.js';
import { Store } from '../store/db.js';
import { writeOutFile } from '../util/out-file.js';
import { redactOutput } from '../util/redact.js';
import { checksByReason } from './check-reasons.js';
import { formatOf, minSeverityOf, type Globals } from './context.js';
import type { Out } from './output.js';
import { geoFiles } from './geoip.js';
import { gate, severityOption, strictGate } from './run-check.js';

export interface ReportOptions {
  out?: string;
  failOn?: string;
  strict?: boolean;
  includeRaw?: boolean;
  /** --secrets FILE: the weak-secret lists check was given, so a re-check runs under the same policy */
  secrets?: string[];
}

export async function runReport(opts: ReportOptions, g: Globals, out: Out): Promise<Report> {
  const format = formatOf(g, REPORT_FORMATS, 'markdown');
  const failOn = opts.failOn ? severityOption(opts.failOn) : null;
  minSeverityOf(g); // a bad level is a usage error before the store is opened
  const includeRaw = opts.includeRaw === true;
  // Opening a missing store would create an empty one and report "no findings": say what is wrong instead.
  const store = await Store.open(g.db, { mustExist: true });
  try {
    const { findings, runs, coverage, rerun } = await findingsToReport(store, withSecretLists(loadPolicy(g.config), opts.secrets), geoFiles(g));
    if (rerun.length) out.status(rerunLine(rerun));
    const report = await buildReport(store, findings, runs, coverage, new Date(), { minSeverity: minSeverityOf(g) });
    const shown = includeRaw ? { ...report, findings: withRawSecrets(await withRawTokens(store, report.findings)) } : report;
    const timelines = showsTimelines(format) ? await criticalTimelines(store, report.findings) : [];
    const keys = format === 'html' ? await keyLifecycles(store) : undefined;
    const text = await renderReport(format, shown, { timelines, failOn: failOn ?? 'high', includeRaw, keys });
    emit(text, opts.out, includeRaw, out);
    strictGate(report.coverage, opts.strict === true);
    gate(report.summary, failOn);
    return report;
  } finally {
    store.close();
  }
}

function emit(text: string, path: string | undefined, includeRaw: boolean, out: Out): void {
  if (!path || path === '-') {
    out.write(text);
    return;
  }
  // A report with raw tokens is as sensitive as the store itself (which is 0600). Never written through a link.
  writeOutFile(path, includeRaw ? text : redactOutput(text), includeRaw ? 0o600 : 0o644);
  out.status(`report written to ${path}${includeRaw ? ' (with raw tokens: keep it private)' : ''}\n`);
}

/** Said on stderr when stored findings could not be shown as they were: which checks ran again, and why. */
export function rerunLine(rerun: readonly { check: string; why: string }[]): string {
  const parts = checksByReason(rerun).map(([why, checks]) => `${checks.length === CHECKS.length ? 'every check' : checks.join(', ')} (${why})`);
  return `findings re-checked before reporting: ${parts.join('; ')}\n`;
}
