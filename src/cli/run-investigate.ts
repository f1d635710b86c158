// `investigate`: ingest, run every check, then one screen that says what happened and what to do first.
import { investigate } from '../app/investigate.js';
import { UsageError } from '../errors.js';
import { loadSigningKey } from '../report/sign-report.js';
import type { Finding, Severity } from '../findings/finding.js';
import { firstFew } from '../report/group-findings.js';
import { unusableError } from '../ingest/ingest-paths.js';
import { isAuto, mappingChoice } from '../ingest/mapping/preset-choice.js';
import { loadPolicy, withSecretLists } from '../policy/policy.js';
import type { Report } from '../report/report.js';
import { renderContainmentTable } from '../report/render-containment.js';
import { renderCoverage, renderFindingsTable } from '../report/render-findings.js';
import { Store } from '../store/db.js';
import type { StoreSummary } from '../store/summary.js';
import { formatOf, minSeverityOf, type Globals } from './context.js';
import { geoFiles, geoLine } from './geoip.js';
import { type Out } from './output.js';
import { toJson } from '../format/serialize.js';
import { Lines, renderTable, type Column } from '../format/table.js';
import { stripControlInline } from '../util/sanitize.js';
import { dropIfNothingRead, storeExists } from './new-store.js';
import { startProgress } from './progress.js';
import { gate, severityOption, strictGate } from './run-check.js';
import { autoLine, headLine, renderIngest, skippedLines } from './run-ingest.js';
import { ledgerHead } from '../store/ledger.js';
import { COMMAND_FORMATS } from './formats.js';

/** rows of the findings table (a row is a group of near-identical findings); the rest are counted under it */
const SHOWN_ROWS = 25;

export async function runInvestigate(
  paths: string[],
  opts: { failOn?: string; out?: string; signKey?: string; preset?: string; mapping?: string | string[]; strict?: boolean; secrets?: string[] },
  g: Globals,
  out: Out,
): Promise<Report> {
  const format = formatOf(g, COMMAND_FORMATS.investigate, 'table');
  const failOn = opts.failOn ? severityOption(opts.failOn) : null;
  const minSeverity = minSeverityOf(g);
  if (opts.signKey && !opts.out) throw new UsageError('--sign-key signs the report files: give --out DIR');
  const signer = opts.signKey ? await loadSigningKey(opts.signKey) : null;
  const policy = withSecretLists(loadPolicy(g.config), opts.secrets);
  const mapping = await mappingChoice(opts);
  const existed = storeExists(g.db);
  const store = await Store.open(g.db);
  const progress = startProgress(!out.quiet);
  let failure: unknown = null;
  try {
    const result = await investigate(store, paths, { policy, mapping, geo: geoFiles(g), outDir: opts.out, failOn, minSeverity, signer }, {
      onStep: (label) => progress.update(label),
      onSource: (s) => {
        if (isAuto(mapping)) out.status(autoLine(s));
        progress.update(`ingested ${s.path}`);
      },
      onGeo: (stats) => out.status(geoLine(stats)),
    });
    progress.done();
    const run = result.ingest;
    if (result.unusable) {
      // Findings without that key file would be wrong (its tokens "unknown-key"): say what loaded, write no report.
      out.write(format === 'json' ? toJson({ ingest: run }) : renderIngest(run, out));
      throw unusableError(run)!;
    }
    const { summary, report, reports } = result;
    const head = await ledgerHead(store);
    if (format === 'json') out.write(toJson({ ingest: run, summary, report, ...(reports ? { reports } : {}), ledger_head: head }));
    else {
      out.status(skippedLines(run));
      out.write(`${renderIngest(run, out)}\n${renderSummary(summary, g.db, out)}\n${renderFindings(report, out)}${renderReports(reports, out)}\n${headLine(head)}`);
    }
    strictGate(report.coverage, opts.strict === true);
    gate(report.summary, failOn);
    return report;
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    progress.done();
    store.close();
    dropIfNothingRead(failure, g.db, existed);
  }
}

function renderReports(paths: string[] | null, out: Out): string {
  return paths ? `\n${out.color.bold('Reports')}\n${paths.map((p) => `  ${p}`).join('\n')}\n` : '';
}

function renderSummary(s: StoreSummary, db: string, out: Out): string {
  const c = out.color;
  const sig = Object.entries(s.by_signature)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    c.bold('Store ') + db,
    `  ${s.events.toLocaleString('en')} events from ${s.first_event ?? '-'} to ${s.last_event ?? '-'}; ${s.subjects} subjects, ${s.ips} IPs`,
    `  ${s.tokens} distinct tokens (${sig || 'none'}); ${s.captures} captured`,
    `  ${s.keys} keys, ${s.key_events} rotation records, ${s.revocations} revocations; ${s.rejects} lines rejected`,
  ];
  if (s.claims_only_accepted.tokens > 0) {
    lines.push(`  ${s.claims_only_accepted.tokens} claims-only token(s) accepted (${s.claims_only_accepted.accepted_uses} use(s)): a gateway logged their claims, ` +
      `no signature was captured to judge (not listed below; the claim checks judged them)`);
  }
  for (const k of s.unverifiable_known_kids) {
    // the kid is the token's own header field: attacker-controlled, so it never starts a line of its own
    lines.push('', `Accepted under ${stripControlInline(k.kid)}, a key the rotation records know but the key set lacks: ${k.tokens} token(s), ` +
      `${k.accepted_uses} use(s), not verified (give its public key, e.g. the JWKS from before its retirement)`);
  }
  if (s.suspicious_total === 0) return `${lines.join('\n')}\n\nNo token without a valid signature was accepted.\n`;
  const cut = s.suspicious_total > s.suspicious_accepted.length ? ` (the first ${s.suspicious_accepted.length} shown)` : '';
  lines.push('', c.red.bold(`Accepted without a valid signature: ${s.suspicious_total} token(s)${cut}`));
  const rows = s.suspicious_accepted.map((t) => [
    t.first_accepted, t.token, t.sub, t.alg, t.kid, t.sig_status, t.sig_detail, t.accepted_uses, new Lines(firstFew(t.ips)),
  ]);
  return `${lines.join('\n')}\n${renderTable(SUSPICIOUS_COLUMNS, rows, { maxCell: 40 })}`;
}

const SUSPICIOUS_COLUMNS: Column[] = [
  { name: 'first accepted', kind: 'time' },
  { name: 'token', kind: 'id' },
  { name: 'sub', kind: 'id' },
  { name: 'alg', kind: 'id', drop: 3 },
  { name: 'kid', kind: 'id' },
  { name: 'signature', kind: 'id', drop: 2 },
  { name: 'detail', kind: 'id', drop: 1 },
  { name: 'uses', kind: 'number' },
  { name: 'IPs', kind: 'id' },
];

function renderFindings(report: Report, out: Out): string {
  const c = out.color;
  const table = renderFindingsTable(report, c, { maxRows: SHOWN_ROWS, more: '`jwt-forensics report --format markdown`' });
  const actions = `\n${c.bold('What to act on')} (\`jwt-forensics actions --format csv\` for a revocation script)\n${renderContainmentTable(report.containment)}`;
  return `${c.bold('Findings')}\n${table}${renderCoverage(report.coverage, c)}${actions}${firstSteps(report.findings, out)}`;
}

/** The remediation of every check among the critical and high findings, most severe first: no cap. */
function firstSteps(findings: readonly Finding[], out: Out): string {
  const urgent = findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  const counts = new Map<string, number>();
  for (const f of urgent) counts.set(f.check, (counts.get(f.check) ?? 0) + 1);
  const seen = new Set<string>();
  const steps: string[] = [];
  for (const f of urgent) {
    if (seen.has(f.check)) continue;
    seen.add(f.check);
    const count = counts.get(f.check)!;
    steps.push(`${steps.length + 1}. ${out.color.bold(f.check)} (${count} ${f.severity}+): ${f.remediation}`);
  }
  return steps.length ? `\n${out.color.bold('How to fix it')} (every check with a critical or high finding)\n${steps.join('\n')}\n` : '';
}
