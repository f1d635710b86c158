// The Markdown report, for people (a ticket, a wiki page, a pull-request comment): summary by severity, findings
// grouped by check with evidence and remediation, the timelines of the critical findings, and the inputs with
// their sha256 (chain of custody). A pure function of the report; every value goes through `md` (escaped).
import { CHECKS } from '../checks/registry.js';
import { toMarkdownTable } from '../format/markdown.js';
import { coverageAmount } from '../findings/coverage.js';
import { SEVERITIES, severityRank, type Finding } from '../findings/finding.js';
import { firstFew, groupFindings, type FindingGroup } from './group-findings.js';
import { checkTitle } from './render-findings.js';
import type { Timeline } from '../timeline/types.js';
import { md } from './markdown-text.js';
import { renderContainmentMarkdown } from './render-containment.js';
import { renderTimelinesMarkdown } from './render-markdown-timeline.js';
import type { Report } from './report.js';

export interface MarkdownOptions {
  /** the stories of the critical findings (criticalTimelines); none: the section is left out */
  timelines?: readonly Timeline[];
}

const SHOWN_EVENTS = 5;
const SHOWN_IDS = 5;
const EVIDENCE_CHARS = 400;

export function renderMarkdown(report: Report, opts: MarkdownOptions = {}): string {
  return [
    header(report),
    summary(report),
    coverage(report),
    actions(report),
    findings(report),
    renderTimelinesMarkdown(opts.timelines ?? []),
    inputs(report),
  ]
    .filter((part) => part !== '')
    .join('\n');
}

function header(r: Report): string {
  return (
    `# jwt-forensics report\n\n` +
    `Generated ${md(r.generated_at)} by ${md(r.tool.name)} ${md(r.tool.version)} (report schema ${md(r.schema_version)}). ` +
    `Tokens are named by fingerprint: the first 12 hex digits of the sha256 of the compact token. ` +
    `Ledger head: \`${r.ledger_head}\` (\`jwt-forensics verify\` checks the store against it: docs/evidence.md).\n`
  );
}

function summary(r: Report): string {
  const checks = new Set(r.findings.map((f) => f.check)).size;
  const listed = r.findings.length;
  const total = SEVERITIES.reduce((n, s) => n + r.summary[s], 0);
  const rows = [...SEVERITIES.map((s) => [s, r.summary[s]]), ['total', total]];
  const line = (total === 0 ? 'No findings.' : `${total} finding(s) from ${checks} check(s).`) +
    (r.filter ? ` ${listed} listed below: those at ${r.filter.min_severity} or above (--min-severity); ${r.filter.findings_below} below it are counted here only.` : '');
  const idle = r.coverage.filter((e) => !e.evaluated).length;
  const note = idle === 0 ? '' : ` ${idle} check(s) were not evaluated: they had nothing to look at (see Coverage).`;
  return `## Summary\n\n${toMarkdownTable(['severity', 'findings'], rows)}\n${line}${note}\n`;
}

/** Each check, evaluated or not: how much it examined of what, and why not. A check not evaluated is never "clean". */
function coverage(r: Report): string {
  if (r.coverage.length === 0) return '';
  const rows = r.coverage.map((e) => [e.check, e.evaluated ? 'yes' : 'no', coverageAmount(e), e.why ?? '']);
  return `## Coverage\n\n${toMarkdownTable(['check', 'evaluated', 'examined', 'why not'], rows)}`;
}

/** What a responder acts on (docs/containment.md): keys, token ids, sessions, subjects, addresses, client builds. */
function actions(r: Report): string {
  return `## What to act on\n\n${renderContainmentMarkdown(r.containment)}`;
}

/** Checks in the order of their most severe finding (the report's order), findings in report order within. */
function findings(r: Report): string {
  if (r.findings.length === 0) return '';
  const groups = new Map<string, Finding[]>();
  for (const f of r.findings) groups.set(f.check, [...(groups.get(f.check) ?? []), f]);
  return `## Findings\n\n${[...groups.values()].map(checkSection).join('\n')}`;
}

function checkSection(group: Finding[]): string {
  const first = group[0]!;
  const check = CHECKS.find((c) => c.id === first.check);
  const counts = SEVERITIES.map((s) => [s, group.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const about = check ? `${md(check.title)}. ${md(check.description)}\n\n` : '';
  // near-identical findings once; low and info ones as rows of one table, not a section each. A report with raw
  // tokens (--include-raw) was asked for each token: every finding keeps its own section there.
  if (group.some((f) => f.evidence.raw_token !== undefined)) {
    return `### ${md(first.check)} (${counts})\n\n${about}**Remediation:** ${md(first.remediation)}\n\n${group.map(findingSection).join('\n')}`;
  }
  const groups = groupFindings(group, checkTitle);
  const full = groups.filter((g) => severityRank(g.severity) < severityRank('low'));
  const minor = groups.filter((g) => severityRank(g.severity) >= severityRank('low'));
  return (
    `### ${md(first.check)} (${counts})\n\n${about}` +
    `**Remediation:** ${md(first.remediation)}\n\n` +
    [...full.map(groupSection), ...(minor.length ? [minorTable(minor)] : [])].join('\n')
  );
}

/** A group of near-identical findings: the first in full, the others named (tokens, subjects, ids) under it. */
function groupSection(g: FindingGroup): string {
  const one = findingSection(g.findings[0]!);
  if (g.findings.length === 1) return one;
  const rest = g.findings.slice(1);
  const heading = `#### ${md(g.severity)}: ${md(g.title)} (${g.findings.length} findings)\n\n`;
  const also = [
    `- ${rest.length} more like the first: ${md(firstFew(rest.map((f) => f.id), SHOWN_IDS).join(', '))}`,
    `- tokens: ${md(firstFew(g.tokens).join(', ') || '-')}; subjects: ${md(firstFew(g.subs).join(', ') || '-')}`,
    `- seen: ${md(g.first_seen ?? '-')} to ${md(g.last_seen ?? '-')}`,
  ];
  return `${heading}${also.join('\n')}\n\nThe first of them:\n\n${one.replace(/^#### /, '##### ')}`;
}

/** Low and info findings of a check: one row per group, the evidence left to the JSON report. */
function minorTable(groups: readonly FindingGroup[]): string {
  const rows = groups.map((g) => [
    g.severity, g.title, g.findings.length, g.first_seen ?? '-', firstFew(g.tokens).join(', ') || '-', firstFew(g.subs).join(', ') || '-',
  ]);
  return `${toMarkdownTable(['severity', 'finding', 'count', 'first seen', 'tokens', 'subjects'], rows)}\n` +
    `Their evidence is in the JSON report (\`report --format json\`).\n`;
}

function findingSection(f: Finding): string {
  const facts = [
    `- id: ${md(f.id)}`,
    `- token: ${md(f.token ?? '-')}; jti: ${md(f.jti ?? '-')}; sub: ${md(f.sub ?? '-')}; kid: ${md(f.kid ?? '-')}`,
    `- seen: ${md(f.first_seen ?? '-')} to ${md(f.last_seen ?? '-')}`,
  ];
  if (f.events.length) facts.push(`- events: ${eventRefs(f)}`);
  const evidence = Object.entries(f.evidence)
    .filter(([, v]) => v !== undefined) // checks leave optional evidence undefined; JSON drops it, so do we
    .map(([k, v]) => `  - ${md(k)}: ${evidenceValue(k, v)}`);
  if (evidence.length) facts.push('- evidence:', ...evidence);
  return `#### ${md(f.severity)}: ${md(f.title)}\n\n${facts.join('\n')}\n`;
}

/**
 * A raw token (--include-raw) must stay copyable: a code span, whole, unless it holds what a code span cannot (a
 * backtick, a control or bidi character, surrounding blanks) — a tampered token may hold `*`, `=` or spaces.
 */
const CODE_SPAN_SAFE = /^[^\s`\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069](?:[^`\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*[^\s`\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069])?$/;
function evidenceValue(key: string, value: unknown): string {
  if (key === 'raw_token' && typeof value === 'string' && CODE_SPAN_SAFE.test(value)) return `\`${value}\``;
  return md(value, EVIDENCE_CHARS);
}

function eventRefs(f: Finding): string {
  const shown = f.events.slice(0, SHOWN_EVENTS).map((e) => `${md(e.source)}:${md(e.line)} (${md(e.ts)})`);
  const more = f.events.length > SHOWN_EVENTS ? `; and ${f.events.length - SHOWN_EVENTS} more` : '';
  return `${shown.join('; ')}${more}`;
}

function inputs(r: Report): string {
  const rows = r.inputs.map((i) => [i.path, i.kind, i.rows, i.rejected, i.sha256]);
  const table = rows.length ? toMarkdownTable(['path', 'kind', 'rows', 'rejected', 'sha256'], rows) : 'No inputs.\n';
  return `## Inputs (chain of custody)\n\n${table}${runs(r)}`;
}

/** The check runs behind the findings: what each saw, so a reader can tell the findings stand for these inputs. */
function runs(r: Report): string {
  if (r.runs.length === 0) return '\nNo check has run.\n';
  const rows = r.runs.map((x) => [x.id, x.started_at, x.tool_version, x.policy_sha256.slice(0, 12), x.sources.length, x.checks.length]);
  return `\n### Check runs\n\n${toMarkdownTable(['run', 'started', 'tool version', 'policy sha256', 'sources seen', 'checks'], rows)}`;
}
