// The SQL of a mapping field's value once it is read: the token an Authorization value carries, an address without
// its port, and the event time in the format the field declares (docs/presets.md, "Field options").
import { claimsTokenSql } from '../events/claims-fields.js';
import { textSql, timestampSql } from '../sql-time.js';

/** Quote a validated table key or value as an SQL string literal (data values never get here: only the mapping). */
export const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

// The first credential of an Authorization value: `Bearer` (RFC 6750) or `DPoP` (RFC 9449) in any case, any spacing,
// then the token up to a comma or the end. Several credentials (`Bearer a, Bearer b`: repeated headers joined as an
// RFC 9110 list) give the first, the one a server reads; the record in `extra` keeps them all.
const bearer = (e: string): string =>
  `NULLIF(regexp_extract(${e}, '^\\s*(?:[Bb][Ee][Aa][Rr][Ee][Rr]|[Dd][Pp][Oo][Pp])\\s+([^\\s,]+)\\s*(?:,[\\s\\S]*)?$', 1), '')`;
// a token without a scheme: the first of a comma-separated list, else the text as it is; a value with another scheme
// (`Basic dXNl…`, `Digest …`: a space inside) is no token, and its secret is not stored
const bare = (e: string): string => {
  const first = `(CASE WHEN contains(${e}, ',') THEN NULLIF(trim(split_part(${e}, ',', 1)), '') ELSE trim(${e}) END)`;
  return `(CASE WHEN NOT regexp_matches(${first}, '\\s') THEN ${first} END)`;
};

/** The token column: the field's token text, else (without one) the claims a gateway validated
 *  (a path to an object: events/claims-fields.ts). */
export function tokenSql(token: string | null, claims: string | null): string {
  const text = token === null ? 'NULL::VARCHAR' : `COALESCE(${bearer(token)}, ${bare(textSql(token))})`;
  return claims === null ? text : `COALESCE(${text}, ${claimsTokenSql(claims, 'NULL::VARCHAR')})`;
}

/** `1.2.3.4:8085` and `host:443` lose the port, `[2001:db8::1]:443` and `[2001:db8::1]` lose the brackets and port; a
 *  bare IPv6 address (two colons or more, no brackets) is kept whole: its last group is no port. */
export function stripPortSql(e: string): string {
  return `(CASE WHEN starts_with(trim(${e}), '[') THEN NULLIF(regexp_extract(trim(${e}), '^\\[([^\\]]*)\\]', 1), '')
    WHEN length(${e}) - length(replace(${e}, ':', '')) = 1 THEN NULLIF(trim(split_part(${e}, ':', 1)), '')
    ELSE trim(${e}) END)`;
}

// the µs of 9999-12-31T23:59:59Z: beyond it a timestamp is noise, not time (as sql-time.ts)
const MAX_SECONDS = 253402300799;
const PER_SECOND: Record<string, number> = { epoch_s: 1, epoch_ms: 1e3, epoch_us: 1e6, epoch_ns: 1e9 };

/** The time column: ISO-8601 or epoch s/ms told apart by size (the default), a declared epoch unit, or strptime. */
export function timeSql(v: string, format: string | undefined): string {
  if (format === undefined || format === 'iso') return timestampSql(v);
  if (format.includes('%')) {
    // a zone in the format (%z: +0100) gives an instant, turned to UTC; without one the text is read as UTC
    const parsed = `try_strptime(${v}, ${sqlString(format)})`;
    return /%[zZ]/.test(format) ? `timezone('UTC', ${parsed})` : `CAST(${parsed} AS TIMESTAMP)`;
  }
  const per = PER_SECOND[format]!;
  const bound = `${BigInt(MAX_SECONDS) * BigInt(per)}`;
  // integers exactly (nanoseconds overflow a double's precision), anything else numeric as a double
  // (DuckDB casts '1.25' to an integer by rounding: only digits take the exact path)
  const h = `(CASE WHEN regexp_full_match(${v}, '\\s*-?[0-9]{1,38}\\s*') THEN TRY_CAST(${v} AS HUGEINT) END)`;
  const d = `TRY_CAST(${v} AS DOUBLE)`;
  const us = per >= 1e6
    ? `(CASE WHEN abs(${h}) <= ${bound} THEN ${h} // ${per / 1e6} WHEN abs(${d}) <= ${bound} THEN CAST(round(${d} / ${per / 1e6}) AS HUGEINT) END)`
    : `(CASE WHEN abs(${h}) <= ${bound} THEN ${h} * ${1e6 / per} WHEN abs(${d}) <= ${bound} THEN CAST(round(${d} * ${1e6 / per}) AS HUGEINT) END)`;
  return `(CASE WHEN ${us} IS NOT NULL THEN make_timestamp(CAST(${us} AS BIGINT)) END)`;
}
