// The HTML incident report: one self-contained file (inline CSS, inline SVG, no script, no URL of any kind but
// in-page anchors), readable on screen and in print. Every value from the report goes through the escaping `html`
// tag: log fields and token claims are attacker-controlled. A strict CSP is the second line of defence.
import { coverageAmount } from '../findings/coverage.js';
import { SEVERITIES, type Finding, type Severity } from '../findings/finding.js';
import type { Timeline, TimelineEvent } from '../timeline/types.js';
import { renderChart } from './html-chart.js';
import { html, jsonText, joinHtml, pre, trusted, type HtmlValue, type SafeHtml } from './html-escape.js';
import { formatGap, formatPlace, safeSeverity, timelineLabel } from './html-format.js';
import { redactDeep } from '../util/redact.js';
import { REPORT_CSS } from './html-style.js';
import { renderContainmentHtml } from './render-containment.js';
import type { Report } from './report.js';
import type { KeyLifecycle } from './key-lifecycle.js';

export interface HtmlOptions {
  /** timelines to embed (the report command passes those of the critical findings); may be empty */
  timelines: Timeline[];
  /** keep raw tokens and secrets (`--include-raw`); otherwise they are replaced by fingerprints / `[redacted]` */
  includeRaw?: boolean;
  /** the keys' rotation records, for the chart's key strip (key-lifecycle.ts); left out: the chart has no key strip */
  keys?: readonly KeyLifecycle[];
}

/** Event references listed per finding; the rest are counted (the JSON report keeps every one). */
const MAX_EVENTS = 200;

export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Section ids, in page order: stable for links, tests and readers. */
export const HTML_SECTIONS = ['summary', 'coverage', 'containment', 'chart', 'findings', 'inputs', 'timelines'] as const;

interface Ref {
  anchor: string;
  severity: Severity;
  check: string;
}

export function renderHtml(report: Report, opts: HtmlOptions): string {
  const r = opts.includeRaw ? report : redactDeep(report);
  const timelines = opts.includeRaw ? opts.timelines : redactDeep(opts.timelines);
  const groups = groupFindings(r.findings);
  const anchors = new Map<Finding, string>();
  const refs = new Map<string, Ref>();
  let n = 0;
  for (const [, byCheck] of groups) {
    for (const [, fs] of byCheck) {
      for (const f of fs) {
        const anchor = `f-${++n}`;
        anchors.set(f, anchor);
        if (!refs.has(f.id)) refs.set(f.id, { anchor, severity: safeSeverity(f.severity), check: f.check });
      }
    }
  }
  const tool = `${r.tool.name} ${r.tool.version}`;
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${r.tool.name} incident report — ${r.generated_at}</title>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
<header class="top"><div class="inner">
<h1>Incident report</h1>
<p>${tool} · generated <code>${r.generated_at}</code> · report schema ${r.schema_version} · ledger head <code>${r.ledger_head}</code></p>
${opts.includeRaw ? html`<p class="raw-warning">Generated with --include-raw: this report may contain raw tokens and secrets. Handle it as evidence.</p>` : null}
</div></header>
<main>
${summarySection(r)}
${coverageSection(r)}
${containmentSection(r)}
<section class="part" id="chart"><h2>Timeline of the incident</h2>
${renderChart(r, timelines, anchors, opts.keys && (opts.includeRaw ? opts.keys : redactDeep(opts.keys)))}
</section>
${findingsSection(groups, anchors)}
${inputsSection(r)}
${timelinesSection(timelines, refs)}
</main>
<footer>${tool} · self-contained report: no scripts, no network resources · tokens are named by fingerprint (first 12 hex of sha256)</footer>
</body>
</html>
`;
  return page.value;
}

type Groups = Map<Severity, Map<string, Finding[]>>;

/** Severity (most severe first), then check id, keeping the report's order within a check. */
function groupFindings(findings: readonly Finding[]): Groups {
  const groups: Groups = new Map();
  for (const s of SEVERITIES) groups.set(s, new Map());
  for (const f of findings) {
    const byCheck = groups.get(safeSeverity(f.severity))!;
    const list = byCheck.get(f.check);
    if (list) list.push(f);
    else byCheck.set(f.check, [f]);
  }
  for (const [s, byCheck] of groups) {
    if (byCheck.size === 0) groups.delete(s);
    else groups.set(s, new Map([...byCheck].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  }
  return groups;
}

function summarySection(r: Report): SafeHtml {
  const total = SEVERITIES.reduce((n, s) => n + Number(r.summary?.[s] ?? 0), 0);
  const checks = new Set(r.findings.map((f) => f.check)).size;
  const items = SEVERITIES.map((s) => {
    const count = Number(r.summary?.[s] ?? 0);
    return html`<li class="${count === 0 ? 'zero' : ''}"><span class="count">${count}</span><span class="chip sev-${s}">${s}</span></li>`;
  });
  return html`<section class="part" id="summary"><h2>Summary</h2>
<ul class="summary">${items}</ul>
<p class="total">${total} finding${total === 1 ? '' : 's'} from ${checks} check${checks === 1 ? '' : 's'}, over ${r.inputs.length} input file${r.inputs.length === 1 ? '' : 's'}.</p>
${r.filter ? html`<p class="total">Listed: the findings at ${r.filter.min_severity} or above (--min-severity); ${r.filter.findings_below} below it are counted only.</p>` : ''}
</section>`;
}

/** Each check, evaluated or not: how much it examined of what, and why not (a check not evaluated is not "clean"). */
function coverageSection(r: Report): SafeHtml {
  const entries = Array.isArray(r.coverage) ? r.coverage : [];
  const idle = entries.filter((e) => !e.evaluated).length;
  const rows = entries.map((e) => html`<tr class="${e.evaluated ? '' : 'not-evaluated'}"><td><code>${e.check}</code></td><td>${e.evaluated ? 'yes' : html`<strong>no</strong>`}</td><td>${coverageAmount(e)}</td><td>${e.why ?? ''}</td></tr>`);
  return html`<section class="part" id="coverage"><h2>Coverage</h2>
${entries.length === 0 ? html`<p class="muted">No coverage recorded.</p>` : html`<p>${idle === 0 ? 'Every check had something to look at.' : `${idle} check${idle === 1 ? ' was' : 's were'} not evaluated: nothing to look at, so no finding from ${idle === 1 ? 'it' : 'them'} means nothing.`}</p>
<table><thead><tr><th>check</th><th>evaluated</th><th>examined</th><th>why not</th></tr></thead><tbody>${rows}</tbody></table>`}
</section>`;
}

/** What to act on (issue 17 §3): keys, tokens, sessions, subjects, addresses, client builds, each with its findings. */
function containmentSection(r: Report): SafeHtml {
  return html`<section class="part" id="containment"><h2>What to act on</h2>
${r.containment ? renderContainmentHtml(r.containment) : html`<p class="muted">No containment list in this report.</p>`}
</section>`;
}

function findingsSection(groups: Groups, anchors: ReadonlyMap<Finding, string>): SafeHtml {
  const body = [...groups].map(([sev, byCheck]) => {
    const count = [...byCheck.values()].reduce((a, fs) => a + fs.length, 0);
    const checks = [...byCheck].map(([check, fs]) => html`<div class="check-group"><h4><code>${check}</code> <span class="muted">(${fs.length})</span></h4>
${fs.map((f) => findingHtml(f, anchors.get(f)!))}</div>`);
    return html`<section class="sev-group" id="sev-${sev}"><h3><span class="chip sev-${sev}">${sev}</span> ${count} finding${count === 1 ? '' : 's'}</h3>
${checks}</section>`;
  });
  return html`<section class="part" id="findings"><h2>Findings</h2>
${groups.size === 0 ? html`<p>No findings.</p>` : body}
</section>`;
}

const orDash = (v: HtmlValue): HtmlValue => (v === null || v === undefined || v === '' ? html`<span class="muted">—</span>` : html`<code>${v}</code>`);

function findingHtml(f: Finding, anchor: string): SafeHtml {
  const sev = safeSeverity(f.severity);
  const evidence = Object.entries(f.evidence ?? {}).filter(([, v]) => v !== undefined);
  const events = Array.isArray(f.events) ? f.events : [];
  return html`<section class="finding sev-border-${sev}" id="${anchor}" data-severity="${sev}">
<h5 class="title"><span class="chip sev-${sev}">${sev}</span> ${f.title}</h5>
<p class="meta">check <code>${f.check}</code> · id <code>${f.id}</code></p>
<dl class="kv">
<dt>token</dt><dd>${orDash(f.token)}</dd>
<dt>sub</dt><dd>${orDash(f.sub)}</dd>
<dt>kid</dt><dd>${orDash(f.kid)}</dd>
<dt>jti</dt><dd>${orDash(f.jti)}</dd>
<dt>first seen</dt><dd>${orDash(f.first_seen)}</dd>
<dt>last seen</dt><dd>${orDash(f.last_seen)}</dd>
</dl>
<h6>Evidence</h6>
${evidence.length === 0 ? html`<p class="muted">(none)</p>` : html`<dl class="kv evidence">${evidence.map(([k, v]) => html`<dt>${k}</dt><dd>${evidenceValue(v)}</dd>`)}</dl>`}
<h6>Events (${events.length})</h6>
${events.length === 0 ? html`<p class="muted">No event references.</p>` : html`<ol class="events">${events.slice(0, MAX_EVENTS).map((e) => html`<li><code>${e.source}:${e.line}</code> @ <code>${e.ts}</code></li>`)}</ol>`}
${events.length > MAX_EVENTS ? html`<p class="muted">… and ${events.length - MAX_EVENTS} more event references: the JSON report lists them all.</p>` : null}
<p class="remediation"><strong>Remediation:</strong> ${f.remediation}</p>
</section>
`;
}

function evidenceValue(v: unknown): SafeHtml {
  if (v === null) return html`<span class="muted">null</span>`;
  if (typeof v === 'string') return html`<code>${v}</code>`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return html`<code>${String(v)}</code>`;
  return pre(jsonText(v, 2));
}

function inputsSection(r: Report): SafeHtml {
  const rows = r.inputs.map((i, n) => html`<tr><td class="num">${n + 1}</td><td class="mono">${i.path}</td><td>${i.kind}</td><td class="num">${i.rows}</td><td class="num">${i.rejected}</td><td class="mono">${i.sha256}</td></tr>`);
  return html`<section class="part" id="inputs"><h2>Inputs (chain of custody)</h2>
${r.inputs.length === 0 ? html`<p class="muted">No inputs recorded.</p>` : html`<table><thead><tr><th>#</th><th>path</th><th>kind</th><th>rows</th><th>rejected</th><th>sha256</th></tr></thead><tbody>${rows}</tbody></table>`}
${runsTable(r)}
</section>`;
}

/** The check runs behind the findings: what each saw (tool version, policy, sources). */
function runsTable(r: Report): SafeHtml {
  if (r.runs.length === 0) return html`<p class="muted">No check has run.</p>`;
  const rows = r.runs.map((x) => html`<tr><td class="num">${x.id}</td><td>${x.started_at}</td><td>${x.tool_version}</td><td class="mono">${x.policy_sha256}</td><td class="num">${x.sources.length}</td><td class="num">${x.checks.length}</td></tr>`);
  return html`<h3>Check runs</h3><table><thead><tr><th>run</th><th>started</th><th>tool version</th><th>policy sha256</th><th>sources seen</th><th>checks</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function timelinesSection(timelines: readonly Timeline[], refs: ReadonlyMap<string, Ref>): SafeHtml {
  const body = timelines.map((tl, i) => {
    const local = new Map<string, Ref>(refs);
    for (const f of tl.findings) if (!local.has(f.id)) local.set(f.id, { anchor: '', severity: safeSeverity(f.severity), check: f.check });
    return html`<div class="timeline" id="t-${i + 1}"><h3>Timeline ${i + 1}: <code>${timelineLabel(tl.query)}</code></h3>
<p class="muted">${tl.events.length} line${tl.events.length === 1 ? '' : 's'}, ${tl.findings.length} finding${tl.findings.length === 1 ? '' : 's'}</p>
${tl.events.length === 0 ? html`<p>No events match this query.</p>` : html`<table class="story"><thead><tr><th class="when">when (UTC)</th><th class="what">what</th><th class="fp">token / jti</th><th>sub / sid</th><th>ip / place</th><th>user agent</th><th>aud</th><th>note</th><th>source</th><th>findings</th></tr></thead>
<tbody>${tl.events.map((e) => timelineRow(e, local))}</tbody></table>`}
</div>`;
  });
  return html`<section class="part" id="timelines"><h2>Timelines</h2>
${timelines.length === 0 ? html`<p class="muted">No timelines were included in this report.</p>` : joinHtml(body)}
</section>`;
}

function timelineRow(e: TimelineEvent, refs: ReadonlyMap<string, Ref>): SafeHtml {
  const chips = (Array.isArray(e.finding_ids) ? e.finding_ids : []).map((id) => {
    const ref = refs.get(id);
    if (!ref) return html`<code>${id}</code> `;
    const chip = html`<span class="chip sev-${ref.severity}">${ref.check}</span>`;
    return ref.anchor ? html`<a href="#${ref.anchor}">${chip}</a> ` : html`${chip} `;
  });
  const what = [e.event ?? e.kind, e.outcome].filter(Boolean).join(' · ');
  const cls = [e.place_change ? 'place-change' : '', chips.length > 0 ? 'flagged' : ''].filter(Boolean).join(' ');
  return html`<tr class="${cls}">
<td class="mono when">${e.ts}${e.gap_seconds !== null ? html`<br><span class="muted">${formatGap(e.gap_seconds)}</span>` : null}</td>
<td class="what">${what}${e.kind !== 'event' ? html` <span class="muted">(${e.kind})</span>` : null}</td>
<td class="mono fp">${e.token}${e.jti ? html`<br>jti ${e.jti}` : null}${e.parent_jti ? html`<br>from ${e.parent_jti}` : null}</td>
<td class="mono">${e.sub}${e.sid ? html`<br>sid ${e.sid}` : null}</td>
<td class="place">${e.ip ? html`<code>${e.ip}</code>` : null}${e.geo ? html`<br>${formatPlace(e.geo)}` : null}${e.place_change ? html` <strong>(place change)</strong>` : null}</td>
<td>${e.ua}</td>
<td>${e.aud}</td>
<td>${e.note}</td>
<td class="mono">${e.source}${e.line !== null ? `:${e.line}` : ''}</td>
<td>${chips}</td>
</tr>`;
}
