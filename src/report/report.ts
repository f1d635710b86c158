// The report shape of DESIGN.md: what every command that prints findings prints with --format json.
import type { CoverageEntry } from '../findings/coverage.js';
import { SEVERITIES, atOrAbove, compareFindings, type Finding, type Severity } from '../findings/finding.js';
import type { Store } from '../store/db.js';
import { ledgerHead } from '../store/ledger.js';
import type { Run } from '../store/runs.js';
import { buildContainment, DEFAULT_CONTAINMENT_SEVERITY, type Containment } from './containment.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface ReportInput {
  path: string;
  sha256: string;
  kind: string;
  rows: number;
  rejected: number;
}

export interface Report {
  schema_version: number;
  generated_at: string;
  tool: { name: string; version: string };
  inputs: ReportInput[];
  /** the newest check run whose findings this report shows: tool version, policy sha256, the sources it saw */
  run: Run | null;
  /** every run whose findings this report shows, oldest first (check and check-keys run apart) */
  runs: Run[];
  /** per check: evaluated or not, how much it examined of what, and why not (a check with nothing to look at is never silently clean) */
  coverage: CoverageEntry[];
  /** counts of every finding, listed or not */
  summary: Record<Severity, number>;
  /** the findings listed: all, or those at or above filter.min_severity */
  findings: Finding[];
  /** `--min-severity`: findings below it are counted in summary but not listed; null when every finding is listed */
  filter: { min_severity: Severity; findings_below: number } | null;
  /** the store's ledger head when the report was made (docs/evidence.md): the history this report stands on */
  ledger_head: string;
  /** what to act on: keys, token ids, sessions, subjects, addresses, client builds, from the findings at or above its min_severity */
  containment: Containment;
}

export interface BuildReportOptions {
  /** `--min-severity`: the findings listed, and the containment list's threshold (default high) */
  minSeverity?: Severity | null;
}

export async function buildReport(
  store: Store,
  findings: readonly Finding[],
  runs: readonly Run[],
  coverage: readonly CoverageEntry[] = [],
  now = new Date(),
  opts: BuildReportOptions = {},
): Promise<Report> {
  const listed = atOrAbove(findings, opts.minSeverity ?? null);
  const inputs = await store.json<{ path: string; sha256: string; kind: string; rows: string; rejected: string }>(
    `SELECT path, sha256, kind, rows, rejected FROM sources ORDER BY id`,
  );
  return {
    schema_version: REPORT_SCHEMA_VERSION,
    generated_at: now.toISOString(),
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    inputs: inputs.map((i) => ({ ...i, rows: Number(i.rows), rejected: Number(i.rejected) })),
    run: runs.at(-1) ?? null,
    runs: [...runs],
    coverage: [...coverage],
    summary: summarize(findings),
    findings: listed.shown.sort(compareFindings),
    filter: opts.minSeverity ? { min_severity: opts.minSeverity, findings_below: listed.below } : null,
    ledger_head: await ledgerHead(store),
    containment: await buildContainment(store, findings, opts.minSeverity ?? DEFAULT_CONTAINMENT_SEVERITY),
  };
}

export function summarize(findings: readonly Finding[]): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) out[f.severity]++;
  return out;
}
