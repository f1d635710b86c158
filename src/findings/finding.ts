// The one Finding type every check yields and every renderer takes (DESIGN.md "Findings").
import { sha256Hex } from '../util/sha256.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A place in the evidence: the source file and line of an event. */
export interface EventRef {
  source: string;
  line: number;
  ts: string;
}

export interface Finding {
  /** stable across re-runs: the check id plus a hash of what the finding is about */
  id: string;
  check: string;
  severity: Severity;
  title: string;
  jti: string | null;
  sub: string | null;
  kid: string | null;
  /** token fingerprint (first 12 hex of sha256), never the raw token */
  token: string | null;
  first_seen: string | null;
  last_seen: string | null;
  events: EventRef[];
  evidence: Record<string, unknown>;
  remediation: string;
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function parseSeverity(value: string): Severity {
  const s = value.toLowerCase() as Severity;
  if (!SEVERITIES.includes(s)) throw new Error(`severity must be one of ${SEVERITIES.join(', ')}; got '${value}'`);
  return s;
}

/** The findings at or above `min` (all when null), and how many were left out. */
export function atOrAbove(findings: readonly Finding[], min: Severity | null): { shown: Finding[]; below: number } {
  if (min === null) return { shown: [...findings], below: 0 };
  const shown = findings.filter((f) => severityRank(f.severity) <= severityRank(min));
  return { shown, below: findings.length - shown.length };
}

/** Stable id: the same check about the same thing gets the same id on every run. */
export function findingId(check: string, ...key: (string | number | null | undefined)[]): string {
  const digest = sha256Hex(JSON.stringify([check, ...key]));
  return `${check}:${digest.slice(0, 16)}`;
}

/** The complete, deterministic order: severity, first seen, check, token, id. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    cmp(a.first_seen, b.first_seen) ||
    cmp(a.check, b.check) ||
    cmp(a.token, b.token) ||
    cmp(a.id, b.id)
  );
}

function cmp(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
