// Coverage: what each check needs from the store, and how much of it the store holds. One query counts every need
// once (a scan of events, a few counts over the small tables), whatever the number of checks; each check's line is
// then read off those counts. A check whose needs are absent is "not evaluated" (with why) and does not run: it
// could only have been silently clean, or wrong (every key "without rotation records" in a store that has none).
import type { CoverageEntry } from '../findings/coverage.js';
import { EVENT_OR_IP } from '../geo/locations.js';
import { appVersionFloor, type Policy } from '../policy/policy.js';
import type { Store } from '../store/db.js';
import { columns, typedRows, type RowOf } from '../store/rows.js';
import type { Check } from './check.js';

/** What a check can need from the store (or, for the last two, from the policy). */
export const NEEDS = [
  'tokens', 'any-tokens', 'token-events', 'keys', 'rotation-records', 'located-events', 'outcomes', 'user-agents', 'revocations',
  'refresh-links', 'refresh-events', 'captures', 'app-versions', 'event-audiences', 'audience-policy', 'app-version-policy',
  'provider-events', 'hmac-tokens', 'har-captures',
] as const;
export type Need = (typeof NEEDS)[number];

/**
 * Which checks `--strict` holds to account: a run in which a signature or use check could not be evaluated exits 2.
 * Behaviour checks (travel, devices, bursts, client versions) and the key audit are reported the same way but do not fail it.
 */
export const FAMILIES = ['signature', 'use', 'behaviour', 'keys'] as const;
export type Family = (typeof FAMILIES)[number];
export const STRICT_FAMILIES: readonly Family[] = ['signature', 'use'];

export interface CoverageNeeds {
  family: Family;
  /** everything the check needs; an inner list is satisfied by any one of its needs. The first need is what is counted. */
  needs: readonly (Need | readonly Need[])[];
  /** what the check could not examine among what it counted, said after the amount when there is something to say */
  note?: (counts: CoverageCounts) => string | null;
}

const COUNT_COLUMNS = columns({
  tokens: 'int', decoded: 'int', events: 'int', token_events: 'int', outcome_events: 'int', device_events: 'int',
  refresh_events: 'int', refresh_links: 'int', refresh_named: 'int', revoke_events: 'int', app_version_events: 'int',
  aud_events: 'int', keys: 'int', kids: 'int', rotation_records: 'int', kids_with_records: 'int', revocations: 'int',
  captures: 'int', located: 'int', recorded_kid_tokens: 'int', provider_events: 'int', hmac_tokens: 'int',
  claims_only: 'int', claims_only_events: 'int', har_captures: 'int', har_dated: 'int',
});
export type CoverageCounts = RowOf<typeof COUNT_COLUMNS>;

// One pass over events with FILTERed counts; the other tables are small. Located events: the log's own geo, else the
// --geoip place of the event's IP (what impossible-travel reads).
const COUNTS_SQL = `
SELECT t.*, e.*, k.*,
  (SELECT count(*) FROM key_events) AS rotation_records,
  (SELECT count(DISTINCT kid) FROM keys WHERE kid IN (SELECT kid FROM key_events)) AS kids_with_records,
  (SELECT count(*) FROM revocations) AS revocations,
  (SELECT count(*) FROM captures) AS captures,
  h.*,
  (SELECT count(*) FROM (${EVENT_OR_IP.sql})) AS located,
  -- unknown-key's note: tokens unverified for want of a key the rotation records name
  (SELECT count(*) FROM tokens WHERE sig_status = 'unknown-key' AND sig_detail = 'no-key-for-kid'
     AND kid IN (SELECT kid FROM key_events)) AS recorded_kid_tokens
-- captures a HAR file holds (har-token-replay follows those only: other captures say nothing of a HAR), and of them
-- those with a time (a readable startedDateTime), the only ones it can compare uses with
FROM (SELECT count(*) AS har_captures, count(*) FILTER (WHERE c.captured_at IS NOT NULL) AS har_dated
    FROM captures c JOIN sources s ON s.id = c.source_id WHERE s.kind = 'har') h,
  (SELECT count(*) AS tokens, count(*) FILTER (WHERE decode_ok) AS decoded,
    count(*) FILTER (WHERE decode_ok AND upper(alg) IN ('HS256', 'HS384', 'HS512') AND sig_status <> 'not-captured') AS hmac_tokens,
    -- tokens known only by the claims a log recorded: no signature for the signature checks to judge
    count(*) FILTER (WHERE sig_status = 'not-captured') AS claims_only FROM tokens) t,
  (SELECT count(*) AS events,
    count(*) FILTER (WHERE token_sha IS NOT NULL) AS token_events,
    count(*) FILTER (WHERE token_sha IN (SELECT sha256 FROM tokens WHERE sig_status = 'not-captured')) AS claims_only_events,
    count(*) FILTER (WHERE outcome IS NOT NULL OR event = 'fail') AS outcome_events,
    count(*) FILTER (WHERE coalesce(ua, '') <> '' OR coalesce(client_id, '') <> '') AS device_events,
    count(*) FILTER (WHERE event = 'refresh') AS refresh_events,
    count(*) FILTER (WHERE event = 'refresh' AND parent_jti IS NOT NULL) AS refresh_links,
    count(*) FILTER (WHERE event = 'refresh' AND (parent_jti IS NOT NULL OR token_sha IS NOT NULL)) AS refresh_named,
    count(*) FILTER (WHERE event IN ('revoke', 'logout') AND coalesce(outcome, 'success') = 'success') AS revoke_events,
    count(*) FILTER (WHERE app_version IS NOT NULL AND coalesce(event, 'use') IN ('use', 'refresh')) AS app_version_events,
    count(*) FILTER (WHERE aud IS NOT NULL AND token_sha IS NOT NULL) AS aud_events,
    -- provider-signal: events from a provider's own log: read by a preset or mapping (which keeps the provider's type
    -- in extra.provider_event), or canonical lines that carry one (only their extra, small, is parsed)
    count(*) FILTER (WHERE CASE WHEN list_contains((SELECT list(id) FROM sources WHERE preset IS NOT NULL), source_id) THEN true
      WHEN extra IS NULL THEN false ELSE json_exists(extra, '$.provider_event') END) AS provider_events
  FROM events) e,
  (SELECT count(*) AS keys, count(DISTINCT kid) AS kids FROM keys) k`;

export async function countNeeds(store: Store): Promise<CoverageCounts> {
  const [row] = await typedRows(store, 'coverage', COUNT_COLUMNS, COUNTS_SQL);
  return row!;
}

interface Measure {
  examined: number;
  total: number | null;
  unit: string;
  present: boolean;
  why: string;
}

const noEvents = (c: CoverageCounts, otherwise: string): string => (c.events === 0 ? 'no auth events' : otherwise);

/** How much the store holds of each need, and what to say when it holds none. */
export function measureNeed(need: Need, c: CoverageCounts, policy: Policy): Measure {
  switch (need) {
    case 'tokens':
      return { examined: c.decoded, total: c.tokens, unit: 'tokens decoded', present: c.decoded > 0,
        why: c.tokens === 0 ? 'no tokens (no event or capture carries one)' : `none of the ${c.tokens} tokens could be decoded` };
    case 'any-tokens':
      return { examined: c.tokens, total: null, unit: 'distinct tokens (decodable or not)', present: c.tokens > 0,
        why: 'no tokens (no event or capture carries one)' };
    case 'token-events':
      return { examined: c.token_events, total: c.events, unit: 'events carry a token', present: c.token_events > 0,
        why: noEvents(c, '0 events carry a token') };
    case 'keys':
      return { examined: c.keys, total: null, unit: 'registry keys', present: c.keys > 0,
        why: 'no keys in the registry (no JWKS or PEM ingested)' };
    case 'rotation-records':
      return { examined: c.kids_with_records, total: c.kids, unit: 'registry keys have rotation records',
        present: c.rotation_records > 0, why: 'no key rotation records' };
    case 'located-events':
      return { examined: c.located, total: c.events, unit: 'events located', present: c.located > 0,
        why: noEvents(c, '0 events located (no geo lat/lon in the logs, no --geoip place for their IPs)') };
    case 'outcomes':
      return { examined: c.outcome_events, total: c.events, unit: 'events record an outcome', present: c.outcome_events > 0,
        why: noEvents(c, '0 events record an outcome') };
    case 'user-agents':
      return { examined: c.device_events, total: c.events, unit: 'events name a device (user agent or client_id)',
        present: c.device_events > 0, why: noEvents(c, '0 events name a user agent or client_id') };
    case 'revocations': {
      const n = c.revocations + c.revoke_events;
      return { examined: n, total: null, unit: 'revocations (records, revoke and logout events)', present: n > 0,
        why: 'no revocations (no revocation records, revoke or logout events)' };
    }
    case 'refresh-links':
      return { examined: c.refresh_links, total: c.refresh_events, unit: 'refresh events name the token exchanged (parent_jti)',
        present: c.refresh_links > 0, why: c.refresh_events === 0 ? 'no refresh events' : '0 refresh events name a parent_jti' };
    case 'refresh-events':
      return { examined: c.refresh_named, total: c.refresh_events, unit: 'refresh events name the token exchanged',
        present: c.refresh_named > 0,
        why: c.refresh_events === 0 ? 'no refresh events' : '0 refresh events name the token exchanged (parent_jti or token)' };
    case 'captures':
      return { examined: c.captures, total: null, unit: 'captured tokens', present: c.captures > 0, why: 'no token captures' };
    case 'har-captures':
      return { examined: c.har_dated, total: c.captures, unit: 'captured tokens are from HAR files', present: c.har_dated > 0,
        why: c.captures === 0 ? 'no token captures (no HAR file ingested)'
          : c.har_captures === 0 ? 'no HAR file ingested (the captures come from other files)'
          : `${c.har_captures} HAR capture${c.har_captures === 1 ? '' : 's'}, none with a readable startedDateTime: no time to tell a use after the recording` };
    case 'app-versions':
      return { examined: c.app_version_events, total: c.events, unit: 'events name an app version', present: c.app_version_events > 0,
        why: noEvents(c, '0 use or refresh events name an app_version') };
    case 'event-audiences':
      return { examined: c.aud_events, total: c.token_events, unit: 'token events name the API they targeted (aud)',
        present: c.aud_events > 0, why: '0 events name the API they targeted (aud)' };
    case 'provider-events':
      return { examined: c.provider_events, total: c.events, unit: 'events from a provider\'s own log (extra.provider_event)',
        present: c.provider_events > 0,
        why: noEvents(c, '0 events from a provider\'s own log (no file read with --preset or --mapping): nothing the provider reported') };
    case 'hmac-tokens':
      return { examined: c.hmac_tokens, total: c.decoded, unit: 'decoded tokens are HMAC-signed (HS256/384/512)',
        present: c.hmac_tokens > 0, why: c.decoded === 0 ? 'no decoded tokens' : '0 decoded tokens are HMAC-signed (HS256/384/512)' };
    case 'audience-policy': {
      const n = policy.trusted_audiences.length + policy.trusted_issuers.length;
      return { examined: n, total: null, unit: 'trusted audiences and issuers in the policy', present: n > 0,
        why: 'the policy sets neither trusted_audiences nor trusted_issuers' };
    }
    case 'app-version-policy': {
      const n = (appVersionFloor(policy)?.version ?? '').split(',').filter((s) => s.trim() !== '').length;
      return { examined: n, total: null, unit: 'minimum app versions in the policy', present: n > 0,
        why: 'policy min_app_version is not set (the check is off)' };
    }
  }
}

/** One check's coverage from the counts: every need (or one of a list) must be present; the first need is what is counted. */
export function coverageOf(check: Check, counts: CoverageCounts, policy: Policy): CoverageEntry {
  const needs = check.coverage?.needs ?? [];
  if (needs.length === 0) return { check: check.id, evaluated: true, examined: 0, total: null, unit: 'needs not declared', why: null };
  const groups = needs.map((n) => (typeof n === 'string' ? [n] : [...n]).map((x) => measureNeed(x, counts, policy)));
  const unmet = groups.filter((g) => !g.some((m) => m.present));
  // what was counted: the first need (of a list, the one the store has; when the check is not evaluated, the first)
  const first = (unmet.length === 0 ? groups[0]!.find((m) => m.present) : undefined) ?? groups[0]![0]!;
  const note = unmet.length === 0 ? check.coverage?.note?.(counts) : null;
  return {
    check: check.id,
    evaluated: unmet.length === 0,
    examined: first.examined,
    total: first.total,
    unit: note ? `${first.unit}; ${note}` : first.unit,
    why: unmet.length === 0 ? null : unmet.map((g) => g.map((m) => m.why).join(' and ')).join('; '),
  };
}

/**
 * A signature check cannot judge a token known only by its logged claims (sig_status not-captured): of the tokens it
 * counted those are set apart and named ('668 of 700 tokens decoded; 32 claims-only (no signature captured), in 40
 * events'); with nothing but such tokens it is not evaluated.
 */
function withClaimsOnly(entry: CoverageEntry, family: Family | undefined, c: CoverageCounts): CoverageEntry {
  if (family !== 'signature' || c.claims_only === 0 || !entry.evaluated) return entry;
  const n = (v: number): string => v.toLocaleString('en');
  const events = c.claims_only_events > 0 ? `, in ${n(c.claims_only_events)} event${c.claims_only_events === 1 ? '' : 's'}` : '';
  const what = `${n(c.claims_only)} claims-only (no signature captured${events})`;
  const counted = /^tokens decoded|^distinct tokens/.test(entry.unit);
  const examined = counted ? Math.max(0, entry.examined - c.claims_only) : entry.examined;
  if (counted && examined === 0) {
    return { ...entry, evaluated: false, examined: 0, why: `every token is claims-only: ${what}; no signature to judge` };
  }
  return { ...entry, examined, unit: `${entry.unit}; ${what}` };
}

/** Every check's coverage, from one count query. */
export async function measureCoverage(store: Store, policy: Policy, checks: readonly Check[]): Promise<CoverageEntry[]> {
  if (checks.length === 0) return [];
  const counts = await countNeeds(store);
  return checks.map((c) => withClaimsOnly(coverageOf(c, counts, policy), c.coverage?.family, counts));
}

/** The checks --strict fails a run for: signature and use checks that were not evaluated. */
export function strictFailures(coverage: readonly CoverageEntry[], checks: readonly Check[]): CoverageEntry[] {
  return coverage.filter((e) => {
    const family = checks.find((c) => c.id === e.check)?.coverage?.family;
    return !e.evaluated && family !== undefined && STRICT_FAMILIES.includes(family);
  });
}
