// The containment list in every form: a terminal table, Markdown, CSV and NDJSON for revocation scripts, and an HTML
// fragment for the report. Pure: (containment) => string. Values are fingerprints and ids, never raw tokens.
import { renderTable, type Column } from '../format/table.js';
import { toMarkdownTable } from '../format/markdown.js';
import { toCsv, toNdjson } from '../format/serialize.js';
import { ACTION_KINDS, ACTION_MEANING } from './containment-rules.js';
import type { Containment, ContainmentAction } from './containment.js';
import { html, joinHtml, type SafeHtml } from './html-escape.js';
import { safeSeverity } from './html-format.js';

/** The flat columns of CSV (and the keys of each NDJSON line): one row per action, lists joined by spaces. */
export const CONTAINMENT_CSV_COLUMNS = [
  'action', 'target', 'severity', 'sub', 'sid', 'jti', 'tokens', 'kid', 'thumbprint', 'ip', 'client_id', 'app_version',
  'first_seen', 'last_seen', 'until', 'checks', 'findings', 'note',
] as const;

const window = (a: ContainmentAction): string =>
  [a.first_seen ?? '?', a.last_seen ?? '?'].join(' .. ') + (a.until ? ` (deny until ${a.until})` : '');

/** What stands after the target: the thumbprint of a key, the fingerprints of a token, the subject of a session. */
function detail(a: ContainmentAction): string {
  switch (a.action) {
    case 'revoke-key':
    case 'rotate-key':
      return a.thumbprint ? `jkt ${a.thumbprint}` : '';
    case 'deny-token':
      return a.tokens.length ? `token ${a.tokens.join(', ')}` : '';
    case 'revoke-session':
      return a.sub ? `sub ${a.sub}` : '';
    default:
      return '';
  }
}

/** Said when the list is empty: plainly, with how many findings were below the threshold. */
export function nothingToDo(c: Containment): string {
  const below = c.findings_below;
  return `Nothing to act on: no finding at ${c.min_severity} or above justifies an action` +
    (below > 0 ? ` (${below} finding${below === 1 ? '' : 's'} below ${c.min_severity}; lower it with --min-severity)` : '') + '.';
}

function containmentSummary(c: Containment): string {
  const parts = ACTION_KINDS.filter((k) => c.counts[k] > 0).map((k) => `${c.counts[k]} ${k}`);
  return `${c.actions.length} action${c.actions.length === 1 ? '' : 's'} from ${c.findings_considered} finding${c.findings_considered === 1 ? '' : 's'} at ${c.min_severity} or above: ${parts.join(', ')}`;
}

const TABLE_HEAD: Column[] = [
  { name: 'action', kind: 'id' },
  { name: 'severity', kind: 'id' },
  { name: 'target', kind: 'id' },
  { name: 'detail', kind: 'text', drop: 2 },
  { name: 'window (UTC)', kind: 'text', drop: 3 },
  { name: 'checks', kind: 'text' },
  { name: 'note', kind: 'text', drop: 1 },
];

export function renderContainmentTable(c: Containment, opts: { width?: number } = {}): string {
  if (c.actions.length === 0) return `${nothingToDo(c)}\n`;
  const rows = c.actions.map((a) => [a.action, a.severity, a.target, detail(a), window(a), a.checks.join(', '), a.note ?? '']);
  const below = c.findings_below > 0 ? ` (${c.findings_below} below ${c.min_severity} not counted)` : '';
  return `${renderTable(TABLE_HEAD, rows, { width: opts.width, maxCell: 400 })}${containmentSummary(c)}${below}\n`;
}

/** For the Markdown report (the lead places it) and `actions --format markdown`. */
export function renderContainmentMarkdown(c: Containment): string {
  if (c.actions.length === 0) return `${nothingToDo(c)}\n`;
  const rows = c.actions.map((a) => [a.action, a.severity, a.target, detail(a), window(a), a.checks.join(', '), a.findings.length, a.note ?? '']);
  return `${containmentSummary(c)}.\n\n${toMarkdownTable(['action', 'severity', 'target', 'detail', 'window (UTC)', 'checks', 'findings', 'note'], rows)}`;
}

function flat(a: ContainmentAction): unknown[] {
  return CONTAINMENT_CSV_COLUMNS.map((k) => {
    const v = a[k];
    return Array.isArray(v) ? v.join(' ') : v;
  });
}

export function renderContainmentCsv(c: Containment): string {
  return toCsv([...CONTAINMENT_CSV_COLUMNS], c.actions.map(flat));
}

/** One action a line, with its lists as arrays: `jq -r 'select(.action == "revoke-subject") | .sub'`. Every value
 *  from a log is stripped of control characters where containment.ts makes the action. */
export async function renderContainmentNdjson(c: Containment): Promise<string> {
  return toNdjson(c.actions);
}

/** The HTML report's section body: a table, every value escaped by the `html` template. */
export function renderContainmentHtml(c: Containment): SafeHtml {
  if (c.actions.length === 0) return html`<p>${nothingToDo(c)}</p>`;
  const legend = ACTION_KINDS.filter((k) => c.counts[k] > 0).map((k) => html`<li><code>${k}</code> (${c.counts[k]}): ${ACTION_MEANING[k]}</li>`);
  const rows = c.actions.map((a) => html`<tr>
<td><code>${a.action}</code></td><td><span class="chip sev-${safeSeverity(a.severity)}">${a.severity}</span></td><td><code>${a.target}</code></td><td>${detail(a)}</td>
<td>${window(a)}</td><td>${a.checks.join(', ')}</td><td>${a.findings.length}</td><td>${a.note ?? ''}</td></tr>`);
  return html`<p>${containmentSummary(c)}.</p>
<ul>${joinHtml(legend, '\n')}</ul>
<table class="containment">
<thead><tr><th>action</th><th>severity</th><th>target</th><th>detail</th><th>window (UTC)</th><th>checks</th><th>findings</th><th>note</th></tr></thead>
<tbody>${joinHtml(rows, '\n')}</tbody>
</table>`;
}
