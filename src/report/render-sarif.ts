// SARIF 2.1.0, so GitHub code scanning (and other SARIF viewers) show the findings natively: the registry's checks
// are the rules, each finding a result with a stable fingerprint (its id) and a location in the evidence.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import { CHECKS } from '../checks/registry.js';
import type { Finding, Severity } from '../findings/finding.js';
import { escapeJsonControls } from '../util/sanitize.js';
import type { Report, ReportInput } from './report.js';

const LEVEL: Record<Severity, Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
const KEY_KINDS = ['jwks', 'pem', 'key-events'];

export function renderSarif(report: Report): string {
  const rules = rulesOf(report);
  const actionsByFinding = actionsOf(report);
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: report.tool.name, version: report.tool.version, semanticVersion: report.tool.version, rules } },
        // the inputs with their sha256: the chain of custody, in SARIF's own terms
        artifacts: report.inputs.map((i) => ({ location: { uri: uriOf(i.path) }, hashes: { 'sha-256': i.sha256 } })),
        results: report.findings.map((f) => result(f, report, rules.findIndex((r) => r.id === f.check), actionsByFinding)),
        // the check runs behind the results, in SARIF's invocation terms (one per run; details as properties)
        invocations: report.runs.map((x) => ({
          executionSuccessful: true,
          startTimeUtc: x.started_at,
          endTimeUtc: x.ended_at,
          // a check that could not be evaluated is a note of the run that skipped it, never a silent pass
          ...notifications(report, x.id, rules),
          properties: { run_id: x.id, tool_version: x.tool_version, policy_sha256: x.policy_sha256, sources: x.sources, checks: x.checks },
        })),
        // what to act on is not a result (a code-scanning alert per session to revoke would bury the findings): the
        // whole list rides in the run's properties, and each result names the actions it justifies
        properties: { generated_at: report.generated_at, ledger_head: report.ledger_head, summary: report.summary, coverage: report.coverage, containment: report.containment },
      },
    ],
  };
  return `${escapeJsonControls(JSON.stringify(log, null, 2))}\n`;
}

/** The checks this run did not evaluate (a check's coverage is from the newest run that included it, else the newest run). */
function notifications(report: Report, runId: number, rules: readonly ReportingDescriptor[]): { toolExecutionNotifications?: Notification[] } {
  const newest = new Map<string, number>();
  for (const x of report.runs) for (const c of x.checks) newest.set(c, x.id);
  const last = report.runs.at(-1)?.id;
  const idle = report.coverage.filter((e) => !e.evaluated && (newest.get(e.check) ?? last) === runId);
  if (idle.length === 0) return {};
  return {
    toolExecutionNotifications: idle.map((e) => ({
      level: 'note',
      message: { text: `${e.check}: not evaluated: ${e.why ?? 'nothing to examine'}` },
      associatedRule: { id: e.check, index: rules.findIndex((r) => r.id === e.check) },
      properties: { coverage: e },
    })),
  };
}

/** Every check of the registry, plus any check id a stored finding names that this version no longer has. */
function rulesOf(report: Report): ReportingDescriptor[] {
  const rules: ReportingDescriptor[] = CHECKS.map((c) => ({
    id: c.id,
    name: c.id,
    shortDescription: { text: c.title },
    fullDescription: { text: c.description },
    help: { text: c.remediation },
    properties: { tags: ['security', 'jwt'], scope: c.scope },
  }));
  for (const f of report.findings) {
    if (!rules.some((r) => r.id === f.check)) rules.push({ id: f.check, name: f.check, help: { text: f.remediation } });
  }
  return rules;
}

/** Per finding id: the containment actions it justifies, as `action target` (e.g. `revoke-key acme-es-1`). */
function actionsOf(report: Report): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of report.containment?.actions ?? []) {
    for (const id of a.findings) out.set(id, [...(out.get(id) ?? []), `${a.action} ${a.target}`]);
  }
  return out;
}

function result(f: Finding, report: Report, ruleIndex: number, actions: ReadonlyMap<string, string[]>): Result {
  return {
    ruleId: f.check,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: message(f) },
    partialFingerprints: { 'jwtForensicsFindingId/v1': f.id },
    locations: location(f, report.inputs),
    properties: {
      severity: f.severity,
      jti: f.jti,
      sub: f.sub,
      kid: f.kid,
      token: f.token,
      first_seen: f.first_seen,
      last_seen: f.last_seen,
      events: f.events,
      evidence: f.evidence,
      ...(actions.has(f.id) ? { containment_actions: actions.get(f.id) } : {}),
    },
  };
}

function message(f: Finding): string {
  const about = [f.token && `token ${f.token}`, f.jti && `jti ${f.jti}`, f.sub && `sub ${f.sub}`, f.kid && `kid ${f.kid}`]
    .filter(Boolean)
    .join(', ');
  return `${f.severity}: ${f.title}${about ? ` (${about})` : ''}`;
}

/**
 * The file and line of the first event. A finding without events (the key audit) points at the key file, or the
 * first input: GitHub code scanning refuses a result without a location.
 */
function location(f: Finding, inputs: readonly ReportInput[]): Location[] {
  const first = f.events[0];
  if (first && first.source !== '-') {
    return [{ physicalLocation: { artifactLocation: { uri: uriOf(first.source) }, region: { startLine: first.line } } }];
  }
  const fallback = inputs.find((i) => KEY_KINDS.includes(i.kind) && f.kid !== null) ?? inputs.find((i) => i.path !== '-');
  return fallback ? [{ physicalLocation: { artifactLocation: { uri: uriOf(fallback.path) } } }] : [];
}

/** A relative path stays relative (GitHub resolves it against the repository); an absolute one becomes file://. */
export function uriOf(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}
