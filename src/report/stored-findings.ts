// The findings `check` and `investigate` kept in the store, read back as the one Finding type (so `report` renders
// what was found without re-running the checks); and, for --include-raw only, the raw tokens they name.
import { compareFindings, type EventRef, type Finding, type Severity } from '../findings/finding.js';
import type { Store } from '../store/db.js';

interface FindingRow {
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

// Milliseconds kept, then dropped when zero: the same ISO form the checks write (views.ts `iso`, token-uses.ts).
const ISO = `'%Y-%m-%dT%H:%M:%S.%gZ'`;

export async function storedFindings(store: Store): Promise<Finding[]> {
  const rows = await store.json<FindingRow>(
    `SELECT id, check_id, severity, title, jti, sub, kid, token,
            strftime(first_seen, ${ISO}) AS first_seen, strftime(last_seen, ${ISO}) AS last_seen,
            events::VARCHAR AS events, evidence::VARCHAR AS evidence, remediation
     FROM findings`,
  );
  return rows.map(toFinding).sort(compareFindings);
}

function toFinding(r: FindingRow): Finding {
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
    events: r.events ? (JSON.parse(r.events) as EventRef[]) : [],
    evidence: r.evidence ? (JSON.parse(r.evidence) as Record<string, unknown>) : {},
    remediation: r.remediation ?? '',
  };
}

function iso(text: string | null): string | null {
  return text ? text.replace(/\.000Z$/, 'Z') : null;
}

/**
 * --include-raw: each finding that names a token gets its compact form as `evidence.raw_token`. Only tokens:
 * key material (oct secrets included) is never copied into a report, whatever the option.
 */
export async function withRawTokens(store: Store, findings: readonly Finding[]): Promise<Finding[]> {
  const fingerprints = [...new Set(findings.map((f) => f.token).filter((t): t is string => t !== null))];
  if (fingerprints.length === 0) return [...findings];
  // A 48-bit fingerprint shared by two tokens is astronomically unlikely; if it happens, the lowest sha256 wins.
  const rows = await store.json<{ fingerprint: string; raw: string }>(
    `SELECT fingerprint, arg_min(raw, sha256) AS raw FROM tokens
     WHERE list_contains($fps::VARCHAR[], fingerprint) GROUP BY fingerprint`,
    { fps: JSON.stringify(fingerprints) },
  );
  const raw = new Map(rows.map((r) => [r.fingerprint, r.raw]));
  return findings.map((f) => {
    const token = f.token ? raw.get(f.token) : undefined;
    return token ? { ...f, evidence: { ...f.evidence, raw_token: token } } : f;
  });
}
