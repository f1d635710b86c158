// Findings as the store keeps them (the `findings` table), read back as the one Finding type. Shared by `report`
// and `timeline`, which show what the checks concluded without re-running them.
import type { EventRef, Finding, Severity } from './finding.js';

// Milliseconds kept, then dropped when zero: the ISO form the checks write.
const ISO = `'%Y-%m-%dT%H:%M:%S.%gZ'`;

/** The select list for rows of `findings` (alias-free: use it over `findings` or an alias of it). */
export const FINDING_COLUMNS = `id, check_id, severity, title, jti, sub, kid, token,
  strftime(first_seen, ${ISO}) AS first_seen, strftime(last_seen, ${ISO}) AS last_seen,
  events::VARCHAR AS events, evidence::VARCHAR AS evidence, remediation`;

export interface FindingRow {
  id: string;
  check_id: string;
  severity: Severity;
  title: string;
  jti: string | null;
  sub: string | null;
  kid: string | null;
  token: string | null;
  first_seen: string | null;
  last_seen: string | null;
  events: string | null;
  evidence: string | null;
  remediation: string | null;
}

export function rowToFinding(r: FindingRow): Finding {
  const events = (r.events ? JSON.parse(r.events) : []) as EventRef[];
  return {
    id: r.id,
    check: r.check_id,
    severity: r.severity,
    title: r.title,
    jti: r.jti,
    sub: r.sub,
    kid: r.kid,
    token: r.token,
    first_seen: iso(r.first_seen),
    last_seen: iso(r.last_seen),
    events: events.map((e) => ({ ...e, line: Number(e.line) })),
    evidence: (r.evidence ? JSON.parse(r.evidence) : {}) as Record<string, unknown>,
    remediation: r.remediation ?? '',
  };
}

function iso(text: string | null): string | null {
  return text ? text.replace(/\.000Z$/, 'Z') : null;
}
