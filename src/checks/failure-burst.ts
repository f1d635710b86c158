// Failed verifications bunched on one IP, subject or token: probing, forged-token fuzzing, credential stuffing.
// A sliding window count finds every moment with enough failures; overlapping windows merge into one burst, so a
// five-minute attack is one finding, not one per failure.
import type { EventRef, Severity } from '../findings/finding.js';
import type { Policy } from '../policy/policy.js';
import type { Check, FindingDraft, Row } from './check.js';
import { PRESENTATIONS_SQL } from './presentations.js';

// Failures per IP and subject count each event once; per token they count every token presented (a failed
// refresh presents its parent refresh token). Token identity: jti, else fingerprint.
const KEYED = (kind: string, col: string, filter = 'NOT via_parent'): string =>
  `SELECT '${kind}' AS kind, ${col} AS key, * FROM ev WHERE ${col} IS NOT NULL AND ${filter}`;

const W = 'to_seconds(CAST($window AS DOUBLE))';
// An equality join per key kind (a CASE in the join condition would force a slow range join over all events).
const FOLLOW = (kind: string, col: string): string =>
  `SELECT b.kind, b.key, b.first_ts, b.last_ts, s.* FROM bursts b JOIN ev s ON b.kind = '${kind}' AND s.${col} = b.key`;

const SQL = `
WITH ev AS (
  SELECT *, coalesce(outcome = 'failure' OR event = 'fail', false) AS failed FROM (${PRESENTATIONS_SQL})
),
fails AS (
  SELECT * FROM (${KEYED('ip', 'ip')} UNION ALL BY NAME ${KEYED('subject', 'sub')} UNION ALL BY NAME ${KEYED('token', 'token_key', 'true')})
  WHERE failed
),
counted AS ( -- q: this failure closes a window holding at least min_failures failures
  SELECT *, count(*) OVER (PARTITION BY kind, key ORDER BY ts RANGE BETWEEN ${W} PRECEDING AND CURRENT ROW)
    >= $min_failures AS q
  FROM fails
),
reach AS ( -- a failure is in a burst when a qualifying window end follows it within W
  SELECT *, min(ts) FILTER (WHERE q) OVER (PARTITION BY kind, key ORDER BY ts
    RANGE BETWEEN CURRENT ROW AND ${W} FOLLOWING) AS end_ts
  FROM counted
),
members AS ( -- consecutive window ends more than W apart do not overlap: there a new burst starts
  SELECT *, sum(fresh) OVER (PARTITION BY kind, key ORDER BY ts, source, line ROWS UNBOUNDED PRECEDING) AS burst FROM (
    SELECT *, CASE WHEN lag(end_ts) OVER (PARTITION BY kind, key ORDER BY ts, source, line) >= end_ts - ${W}
      THEN 0 ELSE 1 END AS fresh
    FROM reach WHERE end_ts IS NOT NULL)
),
bursts AS (
  SELECT f.kind, f.key, count(*) AS failures, min(f.ts) AS first_ts, max(f.ts) AS last_ts,
    count(DISTINCT f.ip) AS ip_count, coalesce(list_sort(list(DISTINCT f.ip) FILTER (WHERE f.ip IS NOT NULL))[1:20], []) AS ips,
    count(DISTINCT f.sub) AS subject_count, coalesce(list_sort(list(DISTINCT f.sub) FILTER (WHERE f.sub IS NOT NULL))[1:20], []) AS subjects,
    count(DISTINCT f.token_key) AS token_count,
    coalesce(list_sort(list(DISTINCT f.fingerprint) FILTER (WHERE f.fingerprint IS NOT NULL))[1:20], []) AS tokens,
    min(f.jti) AS jti, count(DISTINCT f.jti) AS jti_count, min(f.sub) AS sub,
    histogram(coalesce(f.reason, '(none)')) AS reasons,
    list({'source': f.source, 'line': f.line, 'ts': iso(f.ts)} ORDER BY f.ts, f.source, f.line)[1:20] AS events
  FROM members f GROUP BY f.kind, f.key, f.burst
),
followed AS ( -- the first success for the same IP / subject / token within the window after the burst
  SELECT kind, key, first_ts, arg_min({'source': source, 'line': line, 'ts': iso(ts), 'event': event, 'ip': ip,
    'sub': sub, 'token': fingerprint}, (ts, line)) AS success
  FROM (${FOLLOW('ip', 'ip')} UNION ALL BY NAME ${FOLLOW('subject', 'sub')} UNION ALL BY NAME ${FOLLOW('token', 'token_key')})
  WHERE outcome = 'success' AND NOT failed AND ts > last_ts AND ts <= last_ts + ${W}
  GROUP BY ALL
)
SELECT b.*, iso(b.first_ts) AS first_seen, iso(b.last_ts) AS last_seen,
  round(epoch(b.last_ts) - epoch(b.first_ts), 3) AS duration_seconds, f.success
FROM bursts b LEFT JOIN followed f USING (kind, key, first_ts)
ORDER BY b.kind, b.key, b.first_ts`;

const NOUN: Record<string, string> = { ip: 'IP', subject: 'subject', token: 'token' };

function toFinding(row: Row, policy: Policy): FindingDraft {
  const kind = row.kind as string;
  const success = (row.success as (EventRef & Record<string, unknown>) | null) ?? null;
  const severity: Severity = success ? 'high' : 'medium';
  const tokens = row.tokens as string[];
  const events = (row.events as EventRef[]).map((e) => ({ ...e, line: Number(e.line) }));
  if (success) events.push({ source: success.source, line: Number(success.line), ts: success.ts });
  return {
    key: [kind, row.key as string, row.first_seen as string],
    severity,
    title: `Burst of ${Number(row.failures)} failures on ${NOUN[kind]} ${String(row.key)}${success ? ', then a success' : ''}`,
    // name the subject / token only when the whole burst is about one
    sub: Number(row.subject_count) === 1 ? (row.sub as string) : null,
    jti: Number(row.jti_count) === 1 && Number(row.token_count) === 1 ? (row.jti as string) : null,
    token: Number(row.token_count) === 1 && tokens.length === 1 ? tokens[0]! : null,
    first_seen: row.first_seen as string,
    last_seen: row.last_seen as string,
    events,
    evidence: {
      key_kind: kind, key: row.key,
      failures: Number(row.failures), duration_seconds: Number(row.duration_seconds),
      window_seconds: policy.failure_burst.window_seconds, min_failures: policy.failure_burst.min_failures,
      ips: row.ips, ip_count: Number(row.ip_count), subjects: row.subjects, subject_count: Number(row.subject_count),
      tokens, token_count: Number(row.token_count), reasons: counts(row.reasons as { key: string; value: string }[]),
      success_after: success ? { ...success, line: Number(success.line) } : null,
    },
  };
}

/** DuckDB's histogram map arrives as [{key, value}] with BIGINT strings. */
const counts = (m: { key: string; value: string }[]): Record<string, number> =>
  Object.fromEntries(m.map(({ key, value }) => [key, Number(value)]));

export const failureBurst: Check = {
  id: 'failure-burst',
  title: 'Burst of failed verifications',
  description:
    'At least failure_burst.min_failures failed uses or verifications (outcome failure or event fail) on one IP, one ' +
    'subject or one token within failure_burst.window_seconds: probing, forged-token attempts, credential stuffing. ' +
    'Overlapping windows are one burst, one finding per IP / subject / token and burst. Medium; high when a success for ' +
    'the same IP, subject or token follows within the window after the last failure (a probe that worked). Failures ' +
    'spread out in time, or over many IPs each below the threshold, do not fire.',
  remediation:
    'Block or rate-limit the source, and review the success that followed (if any) as a likely compromise: revoke that ' +
    'token and session. For a subject, check its credentials and MFA; for a token, find who holds it.',
  scope: 'detection',
  sql: SQL,
  params: (p) => ({ window: p.failure_burst.window_seconds, min_failures: p.failure_burst.min_failures }),
  toFinding,
};
