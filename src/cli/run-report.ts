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
import { loadSigningKey, type SigningKey } from '../report/sign-report.js';
import { recordReport, writeReportFile } from '../report/write-report.js';
import { UsageError } from '../errors.js';
import { withRawSecrets } from '../app/raw-secrets.js';
import { Store } from '../store/db.js';
import { redactOutput } from '../util/redact.js';
import { checksByReason } from './check-reasons.js';
import { formatOf, minSeverityOf, type Globals } from './context.js';
import { guardOutput, type Out } from './output.js';
import { geoFiles } from './geoip.js';
import { gate, severityOption, strictGate } from './run-check.js';

export interface ReportOptions {
  out?: string;
  failOn?: string;
  strict?: boolean;
  includeRaw?: boolean;
  /** --secrets FILE: the weak-secret lists check was given, so a re-check runs under the same policy */
  secrets?: string[];
  /** --sign-key FILE: a detached JWS of the report file beside it */
  signKey?: string;
}

export async function runReport(opts: ReportOptions, g: Globals, out: Out): Promise<Report> {
  const format = formatOf(g, REPORT_FORMATS, 'markdown');
  const failOn = opts.failOn ? severityOption(opts.failOn) : null;
  minSeverityOf(g); // a bad level is a usage error before the store is opened
  const includeRaw = opts.includeRaw === true;
  if (opts.signKey && (!opts.out || opts.out === '-')) throw new UsageError('--sign-key signs a report file: give --out FILE');
  const signer = opts.signKey ? await loadSigningKey(opts.signKey) : null;
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
    await emit(store, text, { path: opts.out, includeRaw, format, ledgerHead: report.ledger_head, signer }, out);
    strictGate(report.coverage, opts.strict === true);
    gate(report.summary, failOn);
    return report;
  } finally {
    store.close();
  }
}

async function emit(
  store: Store,
  text: string,
  o: { path: string | undefined; includeRaw: boolean; format: string; ledgerHead: string; signer: SigningKey | null },
  out: Out,
): Promise<void> {
  if (!o.path || o.path === '-') {
    out.write(text);
    // the bytes that reached stdout: the output guard's (raw tokens fingerprinted unless --include-raw)
    await recordReport(store, null, Buffer.from(guardOutput(text, { includeRaw: o.includeRaw }), 'utf8'), { format: o.format, ledgerHead: o.ledgerHead });
    return;
  }
  // A report with raw tokens is as sensitive as the store itself (which is 0600). Never written through a link.
  const written = await writeReportFile(store, o.path, o.includeRaw ? text : redactOutput(text), {
    format: o.format, ledgerHead: o.ledgerHead, mode: o.includeRaw ? 0o600 : 0o644, signer: o.signer,
  });
  out.status(`report written to ${o.path}${o.includeRaw ? ' (with raw tokens: keep it private)' : ''}` +
    `${written.signature ? `, signed in ${written.signature}` : ''} (sha256 ${written.sha256}; ledger head ${o.ledgerHead})\n`);
}

/** Said on stderr when stored findings could not be shown as they were: which checks ran again, and why. */
export function rerunLine(rerun: readonly { check: string; why: string }[]): string {
  const parts = checksByReason(rerun).map(([why, checks]) => `${checks.length === CHECKS.length ? 'every check' : checks.join(', ')} (${why})`);
  return `findings re-checked before reporting: ${parts.join('; ')}\n`;
}
