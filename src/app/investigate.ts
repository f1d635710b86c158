// `investigate`: ingest, look up IPs, run every check, build the report and the store summary (and the report
// folder with --out), in that order. Returns what the command prints; prints nothing itself.
import { CHECKS } from '../checks/registry.js';
import type { Severity } from '../findings/finding.js';
import { locateIps, type GeoIpFiles, type LookupStats } from '../geo/ip-locations.js';
import { ingestPaths, type IngestRun } from '../ingest/ingest-paths.js';
import type { SourceSummary } from '../ingest/ingest-source.js';
import type { MappingChoice } from '../ingest/mapping/preset-choice.js';
import { verifyOptions, type Policy } from '../policy/policy.js';
import { writeReportFolder } from '../report/report-folder.js';
import { buildReport, type Report } from '../report/report.js';
import type { SigningKey } from '../report/sign-report.js';
import type { Store } from '../store/db.js';
import { summarize, type StoreSummary } from '../store/summary.js';
import { checkAndKeep } from './check-store.js';

export interface InvestigateOptions {
  policy: Policy;
  mapping?: MappingChoice;
  geo: GeoIpFiles;
  /** write every report format into this folder, before the caller's gate decides the exit code */
  outDir?: string;
  failOn: Severity | null;
  /** `--sign-key`: each report file of `outDir` signed (a detached JWS beside it) */
  signer?: SigningKey | null;
  /** `--min-severity`: the findings the report lists, and the containment list's threshold */
  minSeverity?: Severity | null;
}

export interface InvestigateHooks {
  onSource?: (s: SourceSummary) => void;
  /** the step about to run, for a progress line */
  onStep?: (label: string) => void;
  onGeo?: (stats: LookupStats) => void;
}

export type Investigation =
  /** a key file could not be used: findings without it would be wrong, so nothing was checked */
  | { ingest: IngestRun; unusable: true }
  | { ingest: IngestRun; unusable: false; report: Report; summary: StoreSummary; reports: string[] | null };

export async function investigate(store: Store, paths: readonly string[], opts: InvestigateOptions, hooks: InvestigateHooks = {}): Promise<Investigation> {
  hooks.onStep?.('ingesting…');
  const ingest = await ingestPaths(store, paths, { mapping: opts.mapping, verify: verifyOptions(opts.policy), onSource: hooks.onSource });
  if (ingest.sources.some((s) => s.unusable)) return { ingest, unusable: true };
  hooks.onStep?.('looking up IPs…');
  const geo = await locateIps(store, opts.geo);
  if (geo) hooks.onGeo?.(geo);
  hooks.onStep?.('checking…');
  const { findings, run, coverage } = await checkAndKeep(store, opts.policy, CHECKS);
  const report = await buildReport(store, findings, [run], coverage, new Date(), { minSeverity: opts.minSeverity ?? null });
  const summary = await summarize(store, opts.policy.clock_skew_seconds);
  if (opts.outDir) hooks.onStep?.('writing reports…');
  const reports = opts.outDir ? await writeReportFolder(store, report, opts.outDir, opts.failOn ?? 'high', opts.signer ?? null) : null;
  return { ingest, unusable: false, report, summary, reports };
}
