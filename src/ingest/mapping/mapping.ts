// A mapping file compiled into a StageSpec: the provider's records are mapped inside DuckDB's read (one SQL
// projection), exactly like canonical events, so a preset costs no per-line JavaScript.
import { InputError } from '../../errors.js';
import type { StageSpec } from '../events/ndjson-stage.js';
import { checkMapping, type CanonicalField, type FieldOptions, type FieldSource, type MappingFile } from './mapping-check.js';
import { isPlain, jsonPath, parsePath, plainPath, type Segment } from './mapping-path.js';
import { textSql } from '../sql-time.js';
import { sqlString, stripPortSql, timeSql, tokenSql } from './field-sql.js';

export interface Mapping {
  /** what `sources.preset` records: the preset's name, or `mapping:<name>` for a user's file */
  label: string;
  file: MappingFile;
  spec: StageSpec;
  /** where the time comes from, for reject messages ("no time: $.published is missing") */
  timeSource: string;
  /** the time's declared format (`epoch_ns`, a strptime format), for reject messages; absent: ISO-8601 or epoch s/ms */
  timeFormat?: string;
}

const TEXT: readonly CanonicalField[] = ['jti', 'sub', 'sid', 'client_id', 'ip', 'country', 'city', 'ua', 'app_version', 'aud', 'parent_jti', 'reason'];

export { sqlString } from './field-sql.js';

/** A raw field no path reads (a mapping whose fields are all SQL): the reader's json_transform needs one key. */
const PLACEHOLDER = { name: '_none', path: '$._jwt_forensics_none' };

export function compileMapping(input: unknown, label: string, isPreset = false): Mapping {
  const file = checkMapping(input, label);
  const fields: Record<string, string> = { ...(file.raw ?? {}) };
  checkRawRefs(file, label);
  const options = Object.entries(file.fields).map(([f, s]) => [f as CanonicalField, optionsOf(s)] as const);
  // Plain paths first, outermost first, as raw fields (the reader's one parse of the line): a path inside one already
  // read (`$.jwt.sub` when `$.jwt` is read, for `claims`) is extracted from it instead. Then the paths with indexes,
  // quoted keys and picks, each over the raw field of its plain prefix when no plain path reads inside it, else over
  // the record.
  const plain = options.flatMap(([f, o]) => pathsOf(o).map((p, i) => ({ name: `_${f}_${i}`, p, segs: parsePath(p) as Segment[] })))
    .filter((x) => isPlain(x.segs))
    .sort((a, b) => a.segs.length - b.segs.length);
  for (const { name, p } of plain) if (!Object.values(fields).some((q) => p.startsWith(`${q}.`))) fields[name] = p;
  const sources = new Map(options.map(([f, o]) => [f, sourceSql(f, o, fields)]));
  if (Object.keys(fields).length === 0) fields[PLACEHOLDER.name] = PLACEHOLDER.path;
  const src = (f: CanonicalField): string | null => sources.get(f) ?? null;
  checkPrefixes(fields, label);
  const text = (f: CanonicalField): string => {
    const e = src(f);
    return e === null ? 'NULL::VARCHAR' : textSql(e);
  };
  const ts = src('ts')!;
  const timeFormat = optionsOf(file.fields.ts).format;
  const outcome = outcomeSql(file, src('outcome'));
  const providerEvent = src('event') === null ? null : textSql(src('event')!);
  const token = src('token');
  const projection: Record<string, string> = {
    ts: timeSql(ts, timeFormat),
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
    ...(timeFormat !== undefined && timeFormat !== 'iso' ? { timeFormat } : {}),
  };
}

export const optionsOf = (s: FieldSource): FieldOptions => (typeof s === 'string' || Array.isArray(s) ? { path: s } : s);
const pathsOf = (o: FieldOptions): string[] => (o.path === undefined ? [] : typeof o.path === 'string' ? [o.path] : o.path);

/** The VARCHAR expression for one canonical field: its paths (or SQL), then its transforms. Plain paths are raw
 *  fields named `_<field>_<n>` (user raw names start with a letter, so they cannot collide). */
function sourceSql(f: CanonicalField, o: FieldOptions, fields: Record<string, string>): string {
  let e: string;
  // the newline ends a trailing `--` comment in the mapping's SQL: it cannot swallow the `) AS VARCHAR)` after it
  if (o.sql !== undefined) e = `CAST((${o.sql}\n) AS VARCHAR)`;
  else {
    const exprs = pathsOf(o).map((p, i) => pathSql(f, i, parsePath(p) as Segment[], fields));
    e = exprs.length === 1 ? exprs[0]! : `COALESCE(${exprs.map((n) => `NULLIF(${n}, '')`).join(', ')})`;
  }
  if (o.regex !== undefined) e = `NULLIF(regexp_extract(${e}, ${sqlString(o.regex)}, 1), '')`;
  if (o.strip_port) e = stripPortSql(e);
  return e;
}

/** One path: a raw field, or JSON extraction over the raw field that holds it (an outer path already read, or the
 *  path's plain prefix, read for it), or over the record `x` when its prefix holds other raw fields. */
function pathSql(f: CanonicalField, i: number, segs: Segment[], fields: Record<string, string>): string {
  let n = 0;
  while (n < segs.length && segs[n]!.kind === 'key' && !(segs[n] as { quoted: boolean }).quoted) n++;
  // the deepest raw field at or above the path's plain prefix
  for (let k = n; k > 0; k--) {
    const at = plainPath(segs.slice(0, k));
    const name = Object.keys(fields).find((r) => fields[r] === at);
    if (name !== undefined) return k === segs.length ? `r_${name}` : extractSql(`r_${name}`, segs.slice(k));
  }
  const prefix = n > 0 ? plainPath(segs.slice(0, n)) : null;
  const clash = prefix !== null && Object.values(fields).some((q) => q.startsWith(`${prefix}.`));
  if (prefix !== null && !clash) {
    fields[`_${f}_${i}`] = prefix;
    return n === segs.length ? `r__${f}_${i}` : extractSql(`r__${f}_${i}`, segs.slice(n));
  }
  return extractSql('CAST(x AS VARCHAR)', segs);
}

/** Walk key, index and pick segments over JSON text (a raw field's value: JSON text for lists and objects). A value
 *  that is not JSON (absent, a plain string) gives NULL: it is replaced before json_extract sees it, because DuckDB
 *  may evaluate a CASE branch on rows the condition excludes. Keys, values and paths were checked (mapping-path.ts)
 *  and are quoted here as SQL literals. */
function extractSql(base: string, segs: Segment[]): string {
  const safe = (e: string): string => `(CASE WHEN json_valid(${e}) THEN ${e} ELSE 'null' END)`;
  let cur = base;
  let pending: Segment[] = [];
  for (const s of segs) {
    if (s.kind !== 'select') {
      pending.push(s);
      continue;
    }
    const list = pending.length ? `json_extract(${safe(cur)}, ${sqlString(jsonPath(pending))})` : safe(cur);
    const key = sqlString(jsonPath([{ kind: 'key', key: s.key, quoted: true }]));
    cur = `CAST(list_filter(json_extract(COALESCE(${list}, 'null'), '$[*]'), _el -> json_extract_string(_el, ${key}) = ${sqlString(s.value)})[1] AS VARCHAR)`;
    pending = [];
  }
  return pending.length ? `json_extract_string(${safe(cur)}, ${sqlString(jsonPath(pending))})` : cur;
}

/** An SQL source reads `r_<name>` fields: each must be declared in `raw` (else DuckDB's binder error, mid-load). */
function checkRawRefs(file: MappingFile, label: string): void {
  const raws = new Set(Object.keys(file.raw ?? {}));
  for (const [f, s] of Object.entries(file.fields)) {
    const sql = optionsOf(s).sql;
    if (sql === undefined) continue;
    for (const m of sql.matchAll(/\br_([A-Za-z0-9_]+)/g)) {
      if (!raws.has(m[1]!)) throw new InputError(`mapping ${label}: fields.${f}: r_${m[1]} is not declared in \`raw\` (${raws.size ? [...raws].map((r) => `r_${r}`).join(', ') : 'no raw fields'})`);
    }
  }
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
  const o = optionsOf(s);
  if (o.path !== undefined) return typeof o.path === 'string' ? o.path : o.path.join(' or ');
  const raws = [...new Set([...o.sql!.matchAll(/\br_([a-z][a-z0-9_]*)/g)].map((m) => m[1]))];
  return raws.length ? `an SQL expression over ${raws.join(', ')}` : 'an SQL expression';
}
