// JUnit XML, so GitLab, Jenkins and other CI servers show the checks as tests: one test suite, one test case per
// check of the registry, a <failure> per finding at or above the gate. Findings below it are listed in
// <system-out>, so the CI view still shows them without failing the job.
import { CHECKS } from '../checks/registry.js';
import { coverageLine, type CoverageEntry } from '../findings/coverage.js';
import { severityRank, type Finding, type Severity } from '../findings/finding.js';
import type { Report } from './report.js';
import { oneLine, xmlAttr, xmlText } from './xml.js';

export interface JunitOptions {
  /** the lowest severity that fails (default: high, like a CI gate) */
  failOn?: Severity;
}

export function renderJunit(report: Report, opts: JunitOptions = {}): string {
  const failOn = opts.failOn ?? 'high';
  const failing = (f: Finding): boolean => severityRank(f.severity) <= severityRank(failOn);
  const idle = new Map(report.coverage.filter((e) => !e.evaluated).map((e) => [e.check, e]));
  const cases = checkIds(report).map((id) => testCase(id, report.findings.filter((f) => f.check === id), failing, idle.get(id)));
  const failures = report.findings.filter(failing).length;
  const suite = attrs({
    name: report.tool.name,
    tests: cases.length,
    failures,
    errors: 0,
    skipped: idle.size,
    time: 0,
    timestamp: report.generated_at.replace(/(\.\d+)?Z$/, ''),
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites ${attrs({ name: report.tool.name, tests: cases.length, failures, errors: 0, skipped: idle.size, time: 0 })}>\n` +
    `  <testsuite ${suite}>\n` +
    `    <properties>\n${properties(report, failOn)}    </properties>\n` +
    cases.join('') +
    containmentOut(report) +
    `  </testsuite>\n</testsuites>\n`
  );
}

/** The registry in its order, plus any check a stored finding names that this version no longer has. */
function checkIds(report: Report): string[] {
  const ids = CHECKS.map((c) => c.id);
  for (const f of report.findings) if (!ids.includes(f.check)) ids.push(f.check);
  return ids;
}

function testCase(id: string, findings: Finding[], failing: (f: Finding) => boolean, idle?: CoverageEntry): string {
  // the check id alone is the name: CI servers track a test's history by name, and ids never change
  const head = `    <testcase ${attrs({ classname: 'jwt-forensics', name: id, time: 0 })}`;
  // a check that had nothing to look at is skipped, not passed: CI views show it as such
  if (idle) return `${head}>\n      <skipped ${attrs({ message: `not evaluated: ${idle.why ?? 'nothing to examine'}` })}/>\n    </testcase>\n`;
  const failures = findings.filter(failing).map(failure);
  const below = findings.filter((f) => !failing(f)).map((f) => `${summaryLine(f)}\n`);
  if (failures.length === 0 && below.length === 0) return `${head}/>\n`;
  const out = below.length ? `      <system-out>${xmlText(below.join(''))}</system-out>\n` : '';
  return `${head}>\n${failures.join('')}${out}    </testcase>\n`;
}

function failure(f: Finding): string {
  // one value, one line: every value from the input goes through oneLine (a file name may hold a newline)
  const body = [
    summaryLine(f),
    `id: ${oneLine(f.id)}`,
    `seen: ${oneLine(f.first_seen ?? '-')} to ${oneLine(f.last_seen ?? '-')}`,
    ...f.events.slice(0, 5).map((e) => `event: ${oneLine(e.source)}:${oneLine(e.line)} (${oneLine(e.ts)})`),
    `evidence: ${oneLine(JSON.stringify(f.evidence))}`,
    `remediation: ${oneLine(f.remediation)}`,
  ].join('\n');
  return `      <failure ${attrs({ message: `${f.severity}: ${f.title}`, type: f.severity })}>${xmlText(body)}</failure>\n`;
}

function summaryLine(f: Finding): string {
  const about = [['token', f.token], ['jti', f.jti], ['sub', f.sub], ['kid', f.kid]].filter(([, v]) => v).map(([k, v]) => `${k} ${oneLine(v)}`);
  return `${f.severity}: ${oneLine(f.title)}${about.length ? ` (${about.join(', ')})` : ''}`;
}

/** The containment list as the suite's output, one action a line: what to do, shown by the CI view beside the tests. */
function containmentOut(report: Report): string {
  const c = report.containment;
  if (!c || c.actions.length === 0) return '';
  const lines = c.actions.map((a) =>
    `${a.action} ${oneLine(a.target)}${a.thumbprint ? ` (jkt ${a.thumbprint})` : ''}${a.until ? ` until ${a.until}` : ''} — ${a.severity}, ${a.checks.join(', ')}`);
  return `    <system-out>${xmlText(`What to act on (findings at ${c.min_severity} or above):\n${lines.join('\n')}\n`)}</system-out>\n`;
}

function containmentProps(report: Report): [string, unknown][] {
  const c = report.containment;
  if (!c) return [];
  return [['containment.min_severity', c.min_severity], ...Object.entries(c.counts).map(([k, n]): [string, unknown] => [`containment.${k}`, n])];
}

function properties(report: Report, failOn: Severity): string {
  const props: [string, unknown][] = [
    ['tool.version', report.tool.version],
    ['generated_at', report.generated_at],
    ['ledger_head', report.ledger_head],
    ['fail_on', failOn],
    ...Object.entries(report.summary).map(([s, n]): [string, unknown] => [`summary.${s}`, n]),
    ...report.coverage.map((e): [string, unknown] => [`coverage.${e.check}`, coverageLine(e)]),
    ...containmentProps(report),
    ...report.runs.flatMap((x): [string, unknown][] => [
      [`run.${x.id}.started_at`, x.started_at],
      [`run.${x.id}.tool_version`, x.tool_version],
      [`run.${x.id}.policy_sha256`, x.policy_sha256],
      [`run.${x.id}.sources`, x.sources.map((s) => s.sha256).join(' ')],
      [`run.${x.id}.checks`, x.checks.join(' ')],
    ]),
  ];
  return props.map(([name, value]) => `      <property ${attrs({ name, value })}/>\n`).join('');
}

function attrs(values: Record<string, unknown>): string {
  return Object.entries(values).map(([k, v]) => `${k}="${xmlAttr(v)}"`).join(' ');
}
