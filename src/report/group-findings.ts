// Near-identical findings — the same check, severity and reason — as one group: tables and Markdown show a group as
// one row with a count and its first few tokens and subjects; JSON, NDJSON, SARIF and JUnit list every finding.
// The reason is the title with what varies from finding to finding masked (numbers, quoted values): "list entry 4,
// 0 bytes" and "list entry 6, 8 bytes" are one reason; a group whose titles differ is shown by its check's title.
import type { Finding, Severity } from '../findings/finding.js';

export interface FindingGroup {
  check: string;
  severity: Severity;
  /** the members' title when they share one, else the check's own title */
  title: string;
  /** in report order; the first stands for the group */
  findings: Finding[];
  first_seen: string | null;
  last_seen: string | null;
  /** distinct, in order of first appearance */
  tokens: string[];
  subs: string[];
  kids: string[];
}

/**
 * Groups in the order of their first finding (so a report's order, most severe first, is kept). Linear.
 * `checkTitle`: the check's own title, for a group whose members' titles differ.
 */
export function groupFindings(findings: readonly Finding[], checkTitle: (check: string) => string | undefined = () => undefined): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const key = JSON.stringify([f.check, f.severity, reasonOf(f.title)]);
    let g = groups.get(key);
    if (!g) {
      g = { check: f.check, severity: f.severity, title: f.title, findings: [], first_seen: null, last_seen: null, tokens: [], subs: [], kids: [] };
      groups.set(key, g);
    }
    g.findings.push(f);
    if (f.first_seen !== null && (g.first_seen === null || f.first_seen < g.first_seen)) g.first_seen = f.first_seen;
    if (f.last_seen !== null && (g.last_seen === null || f.last_seen > g.last_seen)) g.last_seen = f.last_seen;
  }
  for (const g of groups.values()) {
    if (g.findings.some((f) => f.title !== g.title)) g.title = checkTitle(g.check) ?? g.title;
    g.tokens = distinct(g.findings.map((f) => f.token));
    g.subs = distinct(g.findings.map((f) => f.sub));
    g.kids = distinct(g.findings.map((f) => f.kid));
  }
  return [...groups.values()];
}

/** The first `shown` values, then "… and N more" when there are more. */
export function firstFew(values: readonly string[], shown = 3): string[] {
  if (values.length <= shown + 1) return [...values];
  return [...values.slice(0, shown), `… and ${values.length - shown} more`];
}

/**
 * A title with its varying parts masked: quoted values, and numbers standing as words (counts, sizes, minutes) — not
 * the digits inside a name (key acme-2026-rsa, IP 175.16.199.23), which make a different reason. Linear patterns.
 */
export function reasonOf(title: string): string {
  return title.replace(/"[^"]*"/g, '"…"').replace(/(^|[\s(,])\d+(?:\.\d+)?(?=$|[\s),%])/g, '$1#');
}

function distinct(values: readonly (string | null)[]): string[] {
  const seen = new Set<string>();
  for (const v of values) if (v !== null && v !== '') seen.add(v);
  return [...seen];
}
