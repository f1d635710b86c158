// --jti, --sub and --token take what the tables print: a jti cut to 8 characters (with or without its `…`), a
// 12-hex fingerprint or less of it, a subject's start. Exact beats prefix; one match is used; several are listed
// (a usage error, exit 2) so the person can give more; none is said. Every value is bound; `starts_with` takes the
// prefix literally (a `%` or `_` in it is a character, not a wildcard).
import { UsageError } from '../errors.js';
import type { Store } from '../store/db.js';
import { stripControlInline } from '../util/sanitize.js';
import type { TimelineQuery } from './types.js';

export const PREFIX_OPTIONS = ['jti', 'sub', 'token'] as const;
type PrefixOption = (typeof PREFIX_OPTIONS)[number];

/** Candidates listed for an ambiguous prefix; the rest are counted. */
export const MAX_LISTED = 20;

/** How one option's value was found in the store. */
export interface PrefixMatch {
  option: PrefixOption;
  given: string;
  /** the value the timeline is built for */
  value: string;
  how: 'exact' | 'prefix' | 'none';
}

// Every place a table prints the value from. A token is found by its sha256, whose first 12 hex are the fingerprint.
const VALUES_SQL: Record<PrefixOption, string> = {
  jti: `SELECT jti AS v FROM tokens WHERE starts_with(jti, $p)
    UNION SELECT jti FROM events WHERE starts_with(jti, $p)
    UNION SELECT parent_jti FROM events WHERE starts_with(parent_jti, $p)
    UNION SELECT jti FROM revocations WHERE starts_with(jti, $p)`,
  sub: `SELECT sub AS v FROM tokens WHERE starts_with(sub, $p)
    UNION SELECT sub FROM events WHERE starts_with(sub, $p)
    UNION SELECT sub FROM revocations WHERE starts_with(sub, $p)`,
  token: `SELECT DISTINCT fingerprint AS v FROM tokens WHERE starts_with(sha256, $p)`,
};

const candidatesSql = (option: PrefixOption): string => `
SELECT v, count(*) OVER () AS n, bool_or(v = $exact) OVER () AS exact
FROM (${VALUES_SQL[option]}) WHERE v IS NOT NULL ORDER BY v LIMIT ${MAX_LISTED}`;

interface Candidates {
  values: string[];
  total: number;
  exact: boolean;
}

async function candidates(store: Store, option: PrefixOption, prefix: string, exact: string): Promise<Candidates> {
  const rows = await store.json<{ v: string; n: number | bigint; exact: boolean }>(candidatesSql(option), { p: prefix, exact });
  return { values: rows.map((r) => r.v), total: rows.length ? Number(rows[0]!.n) : 0, exact: rows.some((r) => r.exact) };
}

/** A value pasted from a table may keep the table's ellipsis: `8cc10cd7…`. */
const withoutEllipsis = (v: string): string => v.replace(/(?:…|\.\.\.)$/u, '');

/** One option's value resolved against the store; throws UsageError listing the candidates when it is ambiguous. */
export async function resolvePrefix(store: Store, option: PrefixOption, given: string): Promise<PrefixMatch> {
  const stem = withoutEllipsis(given);
  const prefix = option === 'token' ? stem.toLowerCase() : stem;
  if (prefix === '') return { option, given, value: given, how: 'none' };
  const c = await candidates(store, option, prefix, option === 'token' ? prefix : given);
  if (c.exact) return { option, given, value: option === 'token' ? c.values[0]! : given, how: 'exact' };
  if (c.total === 0) return { option, given, value: given, how: 'none' };
  // a token prefix of 12 hex or more is a whole fingerprint: every sha256 it starts has that one fingerprint
  if (c.total === 1 || (option === 'token' && prefix.length >= 12)) return { option, given, value: c.values[0]!, how: 'prefix' };
  throw ambiguous(option, given, c);
}

function ambiguous(option: PrefixOption, given: string, c: Candidates): UsageError {
  const what = option === 'token' ? 'token fingerprints' : `${option === 'sub' ? 'subjects' : 'jtis'}`;
  const listed = c.values.map((v) => `  ${stripControlInline(v)}`);
  const more = c.total > c.values.length ? [`  … and ${c.total - c.values.length} more`] : [];
  return new UsageError(
    [`--${option} ${stripControlInline(given)} is the start of ${c.total} ${what}; give more of it:`, ...listed, ...more].join('\n'),
  );
}

/** The query with --jti, --sub and --token resolved (others as given), and how each was found. */
export async function resolvePrefixes(store: Store, q: TimelineQuery): Promise<{ query: TimelineQuery; matches: PrefixMatch[] }> {
  const query: TimelineQuery = { ...q };
  const matches: PrefixMatch[] = [];
  for (const option of PREFIX_OPTIONS) {
    const given = q[option];
    if (given === undefined) continue;
    const m = await resolvePrefix(store, option, given);
    query[option] = m.value;
    matches.push(m);
  }
  return { query, matches };
}

/** What stderr says about a value not used as given: "--jti 8cc10cd7 is the start of 8cc10cd7-…"; null otherwise. */
export function prefixNote(m: PrefixMatch): string | null {
  const given = stripControlInline(m.given);
  if (m.how === 'prefix' && m.option === 'token' && withoutEllipsis(m.given).length > 12) return `--token ${given}: token ${m.value}`;
  if (m.how === 'prefix') return `--${m.option} ${given} is the start of ${stripControlInline(m.value)}: showing that`;
  if (m.how === 'none') return `--${m.option} ${given}: no ${m.option} in the store is or starts with it`;
  return null;
}
