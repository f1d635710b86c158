// A mapping file compiled into a StageSpec: the provider's records are mapped inside DuckDB's read (one SQL
// projection), exactly like canonical events, so a preset costs no per-line JavaScript.
import { InputError } from '../../errors.js';
import type { StageSpec } from '../events/ndjson-stage.js';
import { checkMapping, SELECTOR_PATH, type CanonicalField, type FieldSource, type MappingFile } from './mapping-check.js';
import { textSql, timestampSql } from '../sql-time.js';
import { claimsTokenSql } from '../events/claims-fields.js';

export interface Mapping {
  /** what `sources.preset` records: the preset's name, or `mapping:<name>` for a user's file */
  label: string;
  file: MappingFile;
  spec: StageSpec;
  /** where the time comes from, for reject messages ("no time: $.published is missing") */
  timeSource: string;
}

const TEXT: readonly CanonicalField[] = ['jti', 'sub', 'sid', 'client_id', 'ip', 'country', 'city', 'ua', 'app_version', 'aud', 'parent_jti', 'reason'];

/** Quote a validated table key or value as an SQL string literal (data values never get here: only the mapping). */
export const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

// `Bearer` (RFC 6750) or `DPoP` (RFC 9449) before the token, scheme names in any case
const bearer = (e: string): string => `NULLIF(regexp_extract(${e}, '^\\s*(?:[Bb][Ee][Aa][Rr][Ee][Rr]|[Dd][Pp][Oo][Pp])\\s+(\\S+)\\s*$', 1), '')`;

export function compileMapping(input: unknown, label: string, isPreset = false): Mapping {
  const file = checkMapping(input, label);
  const fields: Record<string, string> = { ...(file.raw ?? {}) };
  // every source compiled first, so the raw fields are all known before the paths are checked against each other
  const sources = new Map(Object.entries(file.fields).map(([f, s]) => [f, sourceSql(f as CanonicalField, s, fields)]));
  const src = (f: CanonicalField): string | null => sources.get(f) ?? null;
  checkPrefixes(fields, label);
  const text = (f: CanonicalField): string => {
    const e = src(f);
    return e === null ? 'NULL::VARCHAR' : textSql(e);
  };
  const ts = src('ts')!;
  const outcome = outcomeSql(file, src('outcome'));
  const providerEvent = src('event') === null ? null : textSql(src('event')!);
  const token = src('token');
  const projection: Record<string, string> = {
    ts: timestampSql(ts),
    ts_raw: ts,
    event: eventSql(file, providerEvent, outcome),
    // without a token, the claims a gateway validated (a path to an object) stand for it (events/claims-fields.ts)
    token: tokenSql(token, src('claims')),
    ...Object.fromEntries(TEXT.map((f) => [f, text(f)])),
    outcome,
    lat: `TRY_CAST(${text('lat')} AS DOUBLE)`,
    lon: `TRY_CAST(${text('lon')} AS DOUBLE)`,
    // The provider's whole record stays in `extra` (nothing omitted: it is the evidence as the provider wrote
    // it), plus `provider_event`, the provider's own type, which the canonical `event` column replaces.
    extra: providerEvent === null ? 'x' : `json_merge_patch(COALESCE(x, '{}'::JSON), json_object('provider_event', ${providerEvent}))`,
  };
  return {
    label: isPreset ? file.name : `mapping:${file.name}`,
    file,
    spec: { table: 'stage_mapped_events', fields, projection, omit: {} },
    timeSource: describe(file.fields.ts),
  };
}

function tokenSql(token: string | null, claims: string | null): string {
  const text = token === null ? 'NULL::VARCHAR' : `COALESCE(${bearer(token)}, ${textSql(token)})`;
  return claims === null ? text : `COALESCE(${text}, ${claimsTokenSql(claims, 'NULL::VARCHAR')})`;
}

/** The VARCHAR expression for one canonical field; paths become raw fields named `_<field>_<n>` (user raw names
 *  start with a letter, so they cannot collide). */
function sourceSql(f: CanonicalField, s: FieldSource, fields: Record<string, string>): string {
  // the newline ends a trailing `--` comment in the mapping's SQL: it cannot swallow the `) AS VARCHAR)` after it
  if (typeof s === 'object' && !Array.isArray(s)) return `CAST((${s.sql}\n) AS VARCHAR)`;
  const paths = typeof s === 'string' ? [s] : s;
  const exprs = paths.map((p, i) => {
    const sel = SELECTOR_PATH.exec(p);
    fields[`_${f}_${i}`] = sel ? sel[1]! : p;
    return sel ? selectorSql(`r__${f}_${i}`, sel[2]!, sel[3]!, sel[4]!) : `r__${f}_${i}`;
  });
  return exprs.length === 1 ? exprs[0]! : `COALESCE(${exprs.map((n) => `NULLIF(${n}, '')`).join(', ')})`;
}

/** `list[key=value].rest`: the first element of the list (JSON text) whose `key` is `value`, then `rest` inside it.
 *  Key, value and rest were checked by the mapping's checker and are quoted here as SQL literals. A value that is
 *  not a JSON array (absent, a string) gives NULL; it is replaced before json_extract sees it, because DuckDB may
 *  evaluate a CASE branch on rows the condition excludes. */
function selectorSql(list: string, key: string, value: string, rest: string): string {
  const quoted = (keys: string): string => sqlString(`$${keys.split('.').slice(1).map((k) => `."${k}"`).join('')}`);
  const safe = `(CASE WHEN json_valid(${list}) THEN ${list} ELSE '[]' END)`;
  const found = `list_filter(json_extract(${safe}, '$[*]'), _el -> json_extract_string(_el, ${quoted(`.${key}`)}) = ${sqlString(value)})[1]`;
  return rest === '' ? `CAST(${found} AS VARCHAR)` : `json_extract_string(${found}, ${quoted(rest)})`;
}

function caseOf(expr: string, table: Record<string, string>): string {
  return Object.entries(table)
    .map(([k, v]) => `WHEN ${expr} = ${sqlString(k)} THEN ${sqlString(v)}`)
    .join(' ');
}

/** The provider's value through the outcome table; a value the table does not list is unknown (NULL) unless it
 *  already says success or failure. */
function outcomeSql(file: MappingFile, raw: string | null): string {
  if (raw === null) return 'NULL::VARCHAR';
  const v = textSql(raw);
  const plain = `CASE WHEN lower(${v}) IN ('success', 'failure') THEN lower(${v}) END`;
  const table = file.outcome ?? {};
  return Object.keys(table).length ? `(CASE ${caseOf(v, table)} ELSE ${plain} END)` : plain;
}

/** The provider's type through the event table; a type it does not list is kept, lower-cased (DESIGN.md: other
 *  values kept), so the timeline still says what happened. */
function eventSql(file: MappingFile, providerEvent: string | null, outcome: string): string {
  const table = file.event_types ?? {};
  const mapped = providerEvent === null
    ? 'NULL::VARCHAR'
    : Object.keys(table).length ? `(CASE ${caseOf(providerEvent, table)} ELSE lower(${providerEvent}) END)` : `lower(${providerEvent})`;
  return file.failure_event ? `(CASE WHEN ${outcome} = 'failure' THEN ${sqlString(file.failure_event)} ELSE ${mapped} END)` : mapped;
}

/** `$.data` and `$.data.type` cannot both be read: one wants a text leaf where the other wants an object. */
function checkPrefixes(fields: Record<string, string>, label: string): void {
  const paths = Object.values(fields);
  for (const p of paths) {
    const inner = paths.find((q) => q.startsWith(`${p}.`));
    if (inner) throw new InputError(`mapping ${label}: path ${p} is read as a value but ${inner} reads inside it; map the inner paths only`);
  }
}

function describe(s: FieldSource): string {
  if (typeof s === 'string') return s;
  if (Array.isArray(s)) return s.join(' or ');
  const raws = [...new Set([...s.sql.matchAll(/\br_([a-z][a-z0-9_]*)/g)].map((m) => m[1]))];
  return raws.length ? `an SQL expression over ${raws.join(', ')}` : 'an SQL expression';
}
