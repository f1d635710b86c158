import { appVersionFloor, type Policy } from '../policy/policy.js';
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck, type FindingDraft } from './check.js';
import { byOutcome } from './token-uses.js';
import { eventRefsSql } from './views.js';
import { describe, outcomeLevels, severityOf, type Ladder, type LadderCase } from './ladder.js';

// policy.min_app_version is one version ("4.9.2": every app) or a comma-separated list of named minimums
// ("ios-5.4.0, android-5.4.0"): an app version "<name>-<x.y.z>" is held to the rule of its name, else to the
// unnamed rule, else not judged. Versions compare numerically part by part (4.10.0 > 4.9.2, 5.4 = 5.4.0), never as
// strings; a pre-release ("5.4.0-beta") is older than its release. Both sides are parsed by the same expression,
// once per distinct version string rather than once per event.
const RE = `'^(.*?)[-_/@ ]*[vV]?([0-9]+(?:\\.[0-9]+)*)(.*)$'`;
const parsed = (col: string): string => `regexp_extract(${col}, ${RE}, ['name', 'num', 'rest'])`;
const versionKey = (p: string): string =>
  `list_concat(list_concat(list_transform(string_split(${p}.num, '.'), x -> TRY_CAST(x AS BIGINT)), [0, 0, 0, 0, 0, 0])[1:6],
    [CASE WHEN regexp_matches(${p}.rest, '^-[0-9A-Za-z]') THEN 0 ELSE 1 END])`;

const SQL = `
WITH rule_list AS (
  SELECT trim(x) AS rule, lower(p.name) AS name, ${versionKey('p')} AS v
  FROM (SELECT x, ${parsed('trim(x)')} AS p FROM unnest(string_split($min::VARCHAR, ',')) AS r(x))
  WHERE p.num <> ''),
rules AS (SELECT name, arg_max(rule, v) AS rule, max(v) AS v FROM rule_list GROUP BY name),
versions AS (
  SELECT app_version, lower(p.name) AS name, ${versionKey('p')} AS v
  FROM (SELECT app_version, ${parsed('app_version')} AS p
        FROM (SELECT DISTINCT app_version FROM events WHERE app_version IS NOT NULL AND $min::VARCHAR IS NOT NULL))
  WHERE p.num <> ''),
stale AS (
  SELECT a.app_version, coalesce(named.rule, plain.rule) AS rule
  FROM versions a LEFT JOIN rules named ON named.name <> '' AND named.name = a.name
  LEFT JOIN rules plain ON plain.name = ''
  WHERE a.v < coalesce(named.v, plain.v) AND list_bool_and(list_transform(a.v, x -> x IS NOT NULL))),
judged AS (
  SELECT e.*, s.rule, coalesce(e.ts < epoch_ts($from::DOUBLE), false) AS in_grace
  FROM events_src e JOIN stale s ON s.app_version = e.app_version
  WHERE coalesce(e.event, 'use') IN ('use', 'refresh'))
SELECT client_id, app_version, any_value(rule) AS rule, count(*) AS uses,
  count(*) FILTER (WHERE in_grace) AS grace_uses,
  count(*) FILTER (WHERE event = 'refresh') AS refreshes,
  count(*) FILTER (WHERE NOT in_grace AND outcome = 'success') AS accepted,
  count(*) FILTER (WHERE NOT in_grace AND (outcome IS NULL OR outcome NOT IN ('success', 'failure'))) AS unknown_outcome,
  count(DISTINCT sub) AS subjects, min(sub) AS any_sub, list(DISTINCT sub ORDER BY sub)[1:20] AS sample_subjects,
  count(DISTINCT ip) AS ips, iso(min(ts)) AS first_seen, iso(max(ts)) AS last_seen,
  iso(min(ts) FILTER (WHERE NOT in_grace)) AS first_after_grace,
  ${eventRefsSql('j')} AS events
FROM judged j GROUP BY client_id, app_version ORDER BY client_id NULLS FIRST, app_version`;

// sample_subjects is evidence as DuckDB lists it (a NULL sub stays null in it).
const COLUMNS = columns({
  client_id: 'text?', app_version: 'text', rule: 'text', uses: 'int', grace_uses: 'int', refreshes: 'int', accepted: 'int',
  unknown_outcome: 'int', subjects: 'int', any_sub: 'text?', sample_subjects: 'json', ips: 'int', first_seen: 'text', last_seen: 'text',
  first_after_grace: 'text?', events: 'refs',
});
type StaleRow = RowOf<typeof COLUMNS>;

// From the floor's effective date on (min_app_version.from; at once without one), by what the server did with the
// stale client's requests.
const ENFORCED: LadderCase = {
  name: 'from the effective date on (at once when the floor has none)',
  rungs: [
    { severity: 'medium', usage: ['accepted'], when: 'when the server accepted such a client (the minimum is not enforced)' },
    { severity: 'low', usage: ['unknown'], when: 'when the outcome was not recorded' },
    { severity: 'info', usage: ['rejected'], when: 'when every request was refused' },
  ],
};
// Before it: an upgrade deadline announced ahead is what app stores and forced-update flows work with; old builds
// are expected until then.
const GRACE: LadderCase<StaleRow> = {
  name: 'only before the effective date (the grace period)',
  rungs: [{ severity: 'info', when: 'always: the build was still allowed, the finding lists who has yet to upgrade', test: () => true }],
};
const LADDER: Ladder = [ENFORCED, GRACE];

function toFinding(row: StaleRow, policy: Policy): FindingDraft {
  const one = row.subjects === 1;
  const from = appVersionFloor(policy)?.from ?? null;
  const graceOnly = row.grace_uses === row.uses;
  return {
    key: [row.client_id, row.app_version],
    severity: graceOnly ? severityOf(GRACE, row)! : byOutcome(row, outcomeLevels(ENFORCED)),
    title: graceOnly
      ? `Client ${row.app_version} below the coming minimum ${row.rule} (grace period until ${from})`
      : `Stale client ${row.app_version} (older than ${row.rule})`,
    sub: one ? row.any_sub : null,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    events: row.events,
    evidence: {
      app_version: row.app_version,
      client_id: row.client_id,
      minimum: row.rule,
      uses: row.uses,
      minimum_from: from ?? undefined,
      uses_in_grace_period: from === null ? undefined : row.grace_uses,
      first_use_after_grace: row.first_after_grace ?? undefined,
      refreshes: row.refreshes,
      accepted: row.accepted,
      outcome_unknown: row.unknown_outcome,
      subjects: row.subjects,
      sample_subjects: row.sample_subjects,
      distinct_ips: row.ips,
    },
  };
}

export const staleClient = defineCheck({
  id: 'stale-client',
  title: 'Refresh or use from an app version older than policy allows',
  description: describe(
    'Use and refresh events whose `app_version` is older than policy min_app_version (a version, or a comma-separated ' +
      'list of per-app minimums such as "ios-5.4.0, android-5.4.0"; null, the default, turns the check off: not ' +
      'evaluated). Versions compare numerically (4.10.0 is newer than 4.9.2). One finding per client and app version. ' +
      'The floor may carry the date it takes effect, `{"version": "5.4.0", "from": "2026-03-12T00:00:00Z"}`: a minimum is ' +
      'announced ahead and enforced from a deadline, because users take days to get a release (the App Store\'s phased ' +
      'release spreads automatic updates over 7 days, Google Play\'s staged rollouts over as long as the publisher ' +
      'chooses), so requests before `from` ' +
      'are the grace period: counted, never judged as stale. The severity comes from the requests at or after `from` ' +
      'only; a build seen only in its grace period is an info finding (who has yet to upgrade).',
    LADDER,
  ),
  ladder: LADDER,
  coverage: { family: 'behaviour', needs: ['app-versions', 'app-version-policy'] },
  remediation:
    'Enforce the minimum version at the token endpoint (refuse refresh from old builds, force an upgrade) and check what ' +
    'the old build is missing (fixed token storage or pinning bugs); revoke the sessions of builds with known flaws.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (policy) => {
    const floor = appVersionFloor(policy);
    return { min: floor?.version ?? null, from: floor?.from ? Date.parse(floor.from) / 1000 : null };
  },
  toFinding: (row, policy) => toFinding(row, policy),
});
