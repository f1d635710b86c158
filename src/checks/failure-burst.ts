// Failed verifications bunched on one IP, subject or token: probing, forged-token fuzzing, credential stuffing.
// A sliding window count finds every moment with enough failures; overlapping windows merge into one burst, so a
// five-minute attack is one finding, not one per failure.
import type { Severity } from '../findings/finding.js';
import type { Policy } from '../policy/policy.js';
import { columns, listOf, structOrNull, type RowOf } from '../store/rows.js';
import { defineCheck, type FindingDraft } from './check.js';
import { PRESENTATIONS_SQL } from './presentations.js';
import { describe, ladder, severityOf } from './ladder.js';

// Failures per IP and subject count each event once; per token they count every token presented (a failed
// refresh presents its parent refresh token). Token identity: jti, else fingerprint.
const KEYED = (kind: string, col: string, filter = 'NOT via_parent'): string =>
  `SELECT '${kind}' AS kind, ${col} AS key, * FROM kept WHERE ${col} IS NOT NULL AND ${filter}`;

const W = 'to_seconds(CAST($window AS DOUBLE))';
// An equality join per key kind (a CASE in the join condition would force a slow range join over all events).
const FOLLOW = (kind: string, col: string): string =>
  `SELECT b.kind, b.key, b.first_ts, b.last_ts, s.* FROM bursts b JOIN ev s ON b.kind = '${kind}' AND s.${col} = b.key`;

// The failures that count. A failure is a client renewing its token, not probing, when its reason says the token
// expired ("token expired", "Jwt expired at …", jose's '"exp" claim timestamp check failed'; a failed login's
// "password expired" is not a token), or when it is a refused use (not a login or a refresh) that a successful refresh for the same subject
// (and client_id, where both name one) follows within refresh_followup_seconds — unless its token is proven not
// genuine (a forged token is probing whatever it claims).
// The nearest following refresh is found with an ASOF join (one per failure, no range join over all events).
const COUNTED_FAILURES = `
ev AS (
  SELECT *, coalesce(outcome = 'failure' OR event = 'fail', false) AS failed FROM (${PRESENTATIONS_SQL})
),
failed AS (SELECT * FROM ev WHERE failed),
token_status AS ( -- per fingerprint of a failed token: did its signature verify, is it proven not genuine
  SELECT fingerprint, bool_and(sig_status = 'valid') AS verified,
    bool_or(sig_status IN ('invalid', 'unsigned', 'malformed', 'unsupported')) AS forged
  FROM tokens WHERE fingerprint IN (SELECT fingerprint FROM failed) GROUP BY fingerprint
),
renewals AS (
  SELECT sub, client_id, ts FROM ev WHERE event = 'refresh' AND outcome = 'success' AND NOT via_parent AND sub IS NOT NULL
),
judged AS (
  SELECT f.*, coalesce(s.verified, false) AS verified, coalesce(s.forged, false) AS forged,
    coalesce(f.event <> 'fail', true) AND coalesce(regexp_matches(f.reason, '(?i)expir|\\bexp\\b'), false) AS expired_reason,
    coalesce(f.event NOT IN ('fail', 'refresh'), true) AND r.ts <= f.ts + to_seconds(CAST($followup AS DOUBLE))
      AND (r.client_id IS NULL OR f.client_id IS NULL OR r.client_id = f.client_id) AS refreshed_after
  FROM failed f LEFT JOIN token_status s USING (fingerprint)
  ASOF LEFT JOIN renewals r ON f.sub = r.sub AND f.ts <= r.ts
),
kept AS ( -- caller: who the failure is from (a token that did not verify is its own caller, whatever subject it names)
  SELECT *, CASE WHEN fingerprint IS NOT NULL AND NOT verified THEN fingerprint ELSE coalesce(sub, token_key) END AS caller
  FROM judged WHERE forged OR NOT (expired_reason OR coalesce(refreshed_after, false))
)`;

const SQL = `
WITH ${COUNTED_FAILURES},
fails AS (
  ${KEYED('ip', 'ip')} UNION ALL BY NAME ${KEYED('subject', 'sub')} UNION ALL BY NAME ${KEYED('token', 'token_key', 'true')}
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
    histogram(coalesce(f.reason, '(none)')) AS reasons, count(DISTINCT f.caller) AS caller_count,
    list({'source': f.source, 'line': f.line, 'ts': iso(f.ts)} ORDER BY f.ts, f.source, f.line)[1:20] AS events
  FROM members f GROUP BY f.kind, f.key, f.burst
  -- on one IP (an office or a carrier behind NAT shares it) a burst also needs variety: distinct callers or reasons
  HAVING f.kind <> 'ip' OR count(DISTINCT f.caller) >= $min_distinct_on_ip
    OR count(DISTINCT coalesce(f.reason, '(none)')) >= $min_distinct_on_ip
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

// jti / sub are NULL when no failure of the burst names one; success is NULL when none followed. The histogram of
// reasons (a MAP) arrives as [{key, value}].
const COLUMNS = columns({
  kind: 'text', key: 'text', failures: 'int', ip_count: 'int', ips: 'text[]', subject_count: 'int', subjects: 'text[]',
  token_count: 'int', tokens: 'text[]', jti: 'text?', jti_count: 'int', sub: 'text?', caller_count: 'int',
  reasons: listOf({ key: 'text', value: 'int' }), events: 'refs', first_seen: 'text', last_seen: 'text', duration_seconds: 'num',
  success: structOrNull({ source: 'text', line: 'int', ts: 'text', event: 'text?', ip: 'text?', sub: 'text?', token: 'text?' }),
});

const LADDER = ladder<RowOf<typeof COLUMNS>>(
  {
    severity: 'high', when: 'when a success for the same IP, subject or token follows within the window after the last failure (a probe that worked)',
    test: (r) => r.success !== null,
  },
  { severity: 'medium', when: 'otherwise', test: () => true },
);

function toFinding(row: RowOf<typeof COLUMNS>, policy: Policy): FindingDraft {
  const { kind, success, tokens, events } = row;
  const severity: Severity = severityOf(LADDER, row)!;
  if (success) events.push({ source: success.source, line: success.line, ts: success.ts });
  return {
    key: [kind, row.key, row.first_seen],
    severity,
    title: `Burst of ${row.failures} failures on ${NOUN[kind]} ${row.key}${success ? ', then a success' : ''}`,
    // name the subject / token only when the whole burst is about one
    sub: row.subject_count === 1 ? row.sub : null,
    jti: row.jti_count === 1 && row.token_count === 1 ? row.jti : null,
    token: row.token_count === 1 && tokens.length === 1 ? tokens[0]! : null,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    events,
    evidence: {
      key_kind: kind, key: row.key,
      failures: row.failures, duration_seconds: row.duration_seconds,
      window_seconds: policy.failure_burst.window_seconds, min_failures: policy.failure_burst.min_failures,
      ips: row.ips, ip_count: row.ip_count, subjects: row.subjects, subject_count: row.subject_count,
      tokens, token_count: row.token_count, reasons: Object.fromEntries(row.reasons.map(({ key, value }) => [key, value])),
      distinct_callers: row.caller_count,
      ...(kind === 'ip' ? { min_distinct_on_ip: policy.failure_burst.min_distinct_on_ip } : {}),
      refresh_followup_seconds: policy.failure_burst.refresh_followup_seconds,
      success_after: success,
    },
  };
}

export const failureBurst = defineCheck({
  id: 'failure-burst',
  title: 'Burst of failed verifications',
  description: describe(
    'At least failure_burst.min_failures failed uses or verifications (outcome failure or event fail) on one IP, one ' +
      'subject or one token within failure_burst.window_seconds: probing, forged-token attempts, credential stuffing. ' +
      'Overlapping windows are one burst, one finding per IP / subject / token and burst. Failures spread out in time, ' +
      'or over many IPs each below the threshold, do not fire. ' +
      'A client renewing its token is not probing, and its failures are not counted: RFC 6750 §3.1 answers an expired ' +
      'access token with 401 invalid_token and "the client MAY request a new access token and retry" (with its refresh ' +
      'token, RFC 6749 §6), so a laptop waking from sleep fires its parallel calls with the expired token, gets 401s and ' +
      'refreshes. A ' +
      'failure counts unless its reason names an expired token (a login failure\'s reason is not about a token), or it ' +
      'is a refused use followed within ' +
      'failure_burst.refresh_followup_seconds (default 60) by a successful refresh for the same subject (and client_id ' +
      'where both name one); a token whose signature is proven bad (invalid, unsigned, malformed, an unsupported alg) ' +
      'always counts, ' +
      'whatever the verifier said. Thresholds per dimension: a subject or a token needs min_failures; an IP needs ' +
      'min_failures and also failure_burst.min_distinct_on_ip (default 3) distinct callers or failure reasons, because ' +
      'one public address is shared by a whole office (NAT, RFC 3022) or many carrier customers (CGN, RFC 6888): a ' +
      'client retrying one bad token there is many failures from one caller and one reason (its subject and token ' +
      'bursts still fire), whereas credential stuffing tries many accounts and forged-token fuzzing many tokens (OWASP ' +
      'Credential Stuffing Prevention). A caller is the subject, except that a token whose signature did not verify ' +
      'counts as its own caller (its subject is whoever the forger named).',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'behaviour', needs: ['outcomes'] },
  remediation:
    'Block or rate-limit the source, and review the success that followed (if any) as a likely compromise: revoke that ' +
    'token and session. For a subject, check its credentials and MFA; for a token, find who holds it.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (p) => ({
    window: p.failure_burst.window_seconds, min_failures: p.failure_burst.min_failures,
    min_distinct_on_ip: p.failure_burst.min_distinct_on_ip, followup: p.failure_burst.refresh_followup_seconds,
  }),
  toFinding,
});
