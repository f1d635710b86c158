import type { Severity } from '../findings/finding.js';
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck, type FindingDraft } from './check.js';
import { KEY_TOKENS_SQL, REFERENCE_TIME_SQL, nowParam } from './key-audit.js';
import { describe, ladder, severityOf } from './ladder.js';

// Lifecycle stage of a record: a record whose stage is lower than one before it (by ts) is out of order.
// `compromised` has no stage: a key can be found compromised at any point of its life.
const SQL = `
WITH ref AS (SELECT ${REFERENCE_TIME_SQL} AS t),
reg AS (SELECT kid, min(kty) AS kty, min(coalesce(use, 'sig')) AS use FROM keys GROUP BY kid),
used AS (${KEY_TOKENS_SQL}),
recs AS (
  SELECT k.kid, k.ts, k.line, k.action, k.actor, k.reason, s.path AS source,
    CASE k.action WHEN 'created' THEN 0 WHEN 'activated' THEN 1 WHEN 'retired' THEN 2 WHEN 'revoked' THEN 2 END AS stage
  FROM key_events k JOIN sources s ON s.id = k.source_id),
hist AS (
  SELECT kid,
    list({'ts': iso(ts), 'action': action, 'actor': actor, 'reason': reason} ORDER BY ts, stage, line)[1:20] AS records,
    list({'source': source, 'line': line, 'ts': iso(ts)} ORDER BY ts, stage, line)[1:20] AS events,
    min(ts) AS first_ts, max(ts) AS last_ts,
    min(ts) FILTER (WHERE action = 'created') AS created,
    least(min(ts) FILTER (WHERE action = 'created'), min(ts) FILTER (WHERE action = 'activated')) AS born,
    min(ts) FILTER (WHERE action = 'activated') AS activated,
    min(ts) FILTER (WHERE action IN ('retired', 'revoked')) AS ended,
    max(ts) FILTER (WHERE action = 'compromised') AS compromised,
    max(ts) FILTER (WHERE action IN ('retired', 'revoked')) AS last_end
  FROM recs GROUP BY kid),
disorder AS (
  SELECT kid, list({'ts': iso(ts), 'action': action, 'after': after} ORDER BY ts, line) AS bad, min(ts) AS f, max(ts) AS l
  FROM (SELECT *, max(stage) OVER w AS prev_stage, arg_max(action, stage) OVER w AS after FROM recs WHERE stage IS NOT NULL
        WINDOW w AS (PARTITION BY kid ORDER BY ts, stage, line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))
  WHERE stage < prev_stage GROUP BY kid),
act AS (
  SELECT h.kid, r.kty, r.use, coalesce(u.issuers, []) AS issuers, h.activated AS a_from, least(coalesce(h.ended, ref.t), ref.t) AS a_to
  FROM hist h JOIN reg r USING (kid) LEFT JOIN used u USING (kid), ref WHERE h.activated IS NOT NULL),
pairs AS (
  SELECT a.kid, b.kid AS other, greatest(a.a_from, b.a_from) AS o_from, least(a.a_to, b.a_to) AS o_to
  FROM act a JOIN act b ON a.kty = b.kty AND a.use = b.use
    AND (a.a_from < b.a_from OR (a.a_from = b.a_from AND a.kid < b.kid))
    -- keys of different issuers are separate lineages; a key that verified nothing could belong to either
    AND (len(a.issuers) = 0 OR len(b.issuers) = 0 OR list_has_any(a.issuers, b.issuers))),
problems AS (
  SELECT r.kid, 'no-records' AS problem, NULL AS other, NULL::TIMESTAMP AS f, NULL::TIMESTAMP AS l,
    to_json({'kty': r.kty, 'tokens_signed': coalesce(u.signed, 0)}) AS detail
  FROM reg r LEFT JOIN used u USING (kid) WHERE r.kid NOT IN (SELECT kid FROM hist)
  UNION ALL
  SELECT h.kid, 'incomplete-records', NULL, h.first_ts, h.last_ts, to_json({'missing': 'created and activated'})
  FROM hist h JOIN reg USING (kid) WHERE h.born IS NULL
  UNION ALL
  SELECT h.kid, 'overdue', NULL, h.born, ref.t, to_json({'created': iso(h.created), 'activated': iso(h.activated),
    'age_days': round(date_diff('second', h.born, ref.t) / 86400.0, 1), 'max_age_days': $max_age_days, 'reference_time': iso(ref.t)})
  FROM hist h JOIN reg USING (kid), ref
  WHERE h.born IS NOT NULL AND (h.ended IS NULL OR h.ended > ref.t) AND date_diff('second', h.born, ref.t) > $max_age_days * 86400
  UNION ALL
  SELECT kid, 'out-of-order', NULL, f, l, to_json({'out_of_order': bad}) FROM disorder
  UNION ALL
  SELECT kid, 'long-overlap', other, o_from, o_to, to_json({'other_kid': other, 'overlap_from': iso(o_from), 'overlap_to': iso(o_to),
    'overlap_days': round(date_diff('second', o_from, o_to) / 86400.0, 1), 'max_overlap_days': $overlap_max_days})
  FROM pairs WHERE date_diff('second', o_from, o_to) > $overlap_max_days * 86400
  UNION ALL
  SELECT h.kid, 'compromised-active', NULL, h.compromised, ref.t, to_json({'compromised': iso(h.compromised),
    'last_retired_or_revoked': iso(h.last_end), 'days_since_compromise': round(date_diff('second', h.compromised, ref.t) / 86400.0, 1)})
  FROM hist h, ref WHERE h.compromised IS NOT NULL AND (h.last_end IS NULL OR h.last_end < h.compromised)
  UNION ALL
  SELECT h.kid, 'unregistered-kid', NULL, h.first_ts, h.last_ts, to_json({'active': h.ended IS NULL})
  FROM hist h WHERE h.kid NOT IN (SELECT kid FROM reg))
SELECT p.kid, p.problem, p.other, iso(p.f) AS first_seen, iso(p.l) AS last_seen, p.detail::VARCHAR AS detail,
  coalesce(h.records, []) AS records, coalesce(h.events, []) AS events
FROM problems p LEFT JOIN hist h USING (kid) ORDER BY p.kid, p.problem, p.other`;

// detail is to_json text (its members depend on the problem); other, first_seen and last_seen are NULL for some problems.
const COLUMNS = columns({
  kid: 'text', problem: 'text', other: 'text?', first_seen: 'text?', last_seen: 'text?', detail: 'text', records: 'json',
  events: 'refs',
});

const PROBLEMS: Record<string, { title: string }> = {
  'no-records': { title: 'Key has no rotation records' },
  'incomplete-records': { title: 'Key records never say when it was created or activated' },
  overdue: { title: 'Key rotation overdue' },
  'out-of-order': { title: 'Key rotation records out of order' },
  'long-overlap': { title: 'Two keys active together longer than policy allows' },
  'compromised-active': { title: 'Compromised key never retired or revoked' },
  'unregistered-kid': { title: 'Rotation records name a key missing from the registry' },
};

interface Problem {
  problem: string;
  /** for unregistered-kid: the missing key's records end in a retirement or revocation */
  ended: boolean;
}

// A retired key dropping out of the published JWKS is normal; an active one missing means the registry is incomplete.
const LADDER = ladder<Problem>(
  {
    severity: 'high', when: 'when a key has a `compromised` record and no retired/revoked record after it',
    test: (p) => p.problem === 'compromised-active',
  },
  {
    severity: 'medium',
    when: 'for a key with no records, records that never say when it was created or activated, rotation overdue (older than ' +
      'key_max_age_days since created/activated and not retired/revoked) or records out of order (retired before activated, ' +
      'activated before created, activated again after retirement)',
    test: (p) => ['no-records', 'incomplete-records', 'overdue', 'out-of-order'].includes(p.problem),
  },
  {
    severity: 'low',
    when: 'for two keys of one issuer, key type and use active together longer than key_overlap_max_days (a short overlap ' +
      'during a rotation is normal) and for records naming a kid missing from the registry while still active',
    test: (p) => p.problem === 'long-overlap' || (p.problem === 'unregistered-kid' && !p.ended),
  },
  { severity: 'info', when: 'when such a missing key was retired', test: (p) => p.problem === 'unregistered-kid' && p.ended },
);

function toFinding(row: RowOf<typeof COLUMNS>): FindingDraft | null {
  const problem = PROBLEMS[row.problem];
  if (!problem) return null;
  const detail = JSON.parse(row.detail) as Record<string, unknown>;
  const severity: Severity = severityOf(LADDER, { problem: row.problem, ended: detail.active === false })!;
  return {
    key: [row.kid, row.problem, row.other],
    severity,
    title: problem.title,
    kid: row.kid,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    events: row.events,
    evidence: { problem: row.problem, kid: row.kid, ...detail, records: row.records },
  };
}

export const keyRotationGap = defineCheck({
  id: 'key-rotation-gap',
  title: 'Key rotation gap',
  description: describe(
    'Audits the key lifecycle from the rotation records, judged at the reference time (the latest event, else the latest ' +
      'capture, else now). One finding per key and problem. Not evaluated when the store holds no rotation records at all ' +
      '(then every key would lack them: the investigation was given none, which coverage says once).',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'keys', needs: ['rotation-records'] },
  remediation:
    'Record every key event (created, activated, retired, revoked, compromised) with its actor; rotate keys older than ' +
    'policy; retire the previous key once its successor is live and its tokens have expired; revoke a compromised key at once ' +
    'and remove it from every JWKS the verifiers trust.',
  scope: 'keys',
  sql: SQL,
  columns: COLUMNS,
  params: (policy) => ({ ...nowParam(), max_age_days: policy.key_max_age_days, overlap_max_days: policy.key_overlap_max_days }),
  toFinding,
});
