// A mapping file (docs/presets.md) checked key by key before anything reaches SQL, so a mistake is reported as
// "mapping okta: fields.ts: …" and never as a DuckDB parse error half-way through a load.
import { InputError } from '../../errors.js';
import { parsePath } from './mapping-path.js';
import { stripControlInline } from '../../util/sanitize.js';

export const CANONICAL_FIELDS = [
  'ts', 'event', 'token', 'jti', 'sub', 'sid', 'client_id', 'ip', 'country', 'city', 'lat', 'lon', 'ua',
  'app_version', 'aud', 'outcome', 'parent_jti', 'reason', 'claims',
] as const;
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];
export const CANONICAL_EVENTS = ['issue', 'refresh', 'use', 'revoke', 'logout', 'fail'] as const;
export type CanonicalEvent = (typeof CANONICAL_EVENTS)[number];

/** How a field's value is read and cleaned (docs/presets.md): a path (or paths) or SQL, then the transforms. */
export interface FieldOptions {
  path?: string | string[];
  sql?: string;
  /** `ts` only: `iso` (the default: ISO-8601 or epoch seconds/milliseconds told apart by size), `epoch_s`, `epoch_ms`,
   *  `epoch_us`, `epoch_ns`, or a strptime format (`%d/%b/%Y:%H:%M:%S %z`) */
  format?: string;
  /** RE2 pattern with a capture group: the value becomes the first group's text (no match: absent) */
  regex?: string;
  /** `1.2.3.4:8085` → `1.2.3.4`, `[2001:db8::1]:443` → `2001:db8::1`; a bare IPv6 address stays whole */
  strip_port?: boolean;
}

/** One canonical field: a JSON path, a list of paths (the first present wins), SQL over `r_<raw>` fields and `x`, or
 *  either of those with options. */
export type FieldSource = string | string[] | { sql: string } | FieldOptions;

export const EPOCH_FORMATS = ['iso', 'epoch_s', 'epoch_ms', 'epoch_us', 'epoch_ns'] as const;
const OPTION_KEYS = ['path', 'sql', 'format', 'regex', 'strip_port'];

export interface DetectRule {
  /** dotted key paths that must all be present (null values count: the key is there) */
  has?: string[];
  /** dotted key path → accepted values (compared as text) */
  values?: Record<string, string[]>;
}

export interface MappingFile {
  name: string;
  description?: string;
  /** one event per element of the array at this path (keys only): paths under it read the element, the others the
   *  record (read-each.ts) */
  each?: string;
  /** a record matching any rule is this provider's */
  detect?: { any: DetectRule[] };
  raw?: Record<string, string>;
  fields: Partial<Record<CanonicalField, FieldSource>> & { ts: FieldSource };
  event_types?: Record<string, CanonicalEvent>;
  outcome?: Record<string, 'success' | 'failure'>;
  /** when the outcome is failure, the event becomes this (a failed sign-in is a `fail`, not an `issue`) */
  failure_event?: CanonicalEvent;
}

const TOP_KEYS = ['name', 'description', 'each', 'detect', 'raw', 'fields', 'event_types', 'outcome', 'failure_event'];
// `$.a.b`: keys only (no indexes, no quoting): the staging reader turns `raw` paths into a json_transform shape.
const PATH = /^\$(\.[^.[\]"'\s\\\u0000-\u001f\u007f-\u009f]+)+$/;
// `each`: keys, with `[*]` after a list whose elements hold the next list (`$.resourceLogs[*].scopeLogs[*].logRecords`)
const EACH_PATH = /^\$(\.[^.[\]"'\s\\\u0000-\u001f\u007f-\u009f]+)+(\[\*\](\.[^.[\]"'\s\\\u0000-\u001f\u007f-\u009f]+)+){0,4}$/;
const KEY_PATH = /^[^.[\]"'\s\u0000-\u001f\u007f-\u009f]+(\.[^.[\]"'\s\u0000-\u001f\u007f-\u009f]+)*$/;
const RAW_NAME = /^[a-z][a-z0-9_]{0,40}$/;

export function checkMapping(input: unknown, label: string): MappingFile {
  const fail = (key: string, why: string): never => {
    // keys, paths and the file's name are the mapping file's text: no control character reaches the terminal
    throw new InputError(stripControlInline(`mapping ${label}: ${key}: ${why}`));
  };
  const m = objectAt(input, '(top level)', fail);
  for (const k of Object.keys(m)) if (!TOP_KEYS.includes(k)) fail(k, `unknown key (expected one of ${TOP_KEYS.join(', ')})`);
  if (typeof m.name !== 'string' || !/^[A-Za-z0-9_.-]{1,60}$/.test(m.name)) fail('name', 'must be a short name (letters, digits, _ . -)');
  if (m.description !== undefined && typeof m.description !== 'string') fail('description', 'must be a string');
  if (m.each !== undefined && (typeof m.each !== 'string' || !EACH_PATH.test(m.each))) {
    fail('each', 'must be a JSON path of keys, like "$.events" (or lists within lists: "$.resourceLogs[*].scopeLogs[*].logRecords")');
  }
  const raw = objectAt(m.raw ?? {}, 'raw', fail);
  for (const [k, v] of Object.entries(raw)) {
    if (!RAW_NAME.test(k)) fail(`raw.${k}`, 'a raw name is lower-case letters, digits and _, starting with a letter');
    if (typeof v !== 'string' || !PATH.test(v)) fail(`raw.${k}`, 'must be a JSON path of keys, like "$.client.ipAddress"');
  }
  const fields = objectAt(m.fields, 'fields', fail);
  if (fields.ts === undefined) fail('fields.ts', 'is required: an event without a time cannot be placed on a timeline');
  for (const [k, v] of Object.entries(fields)) {
    if (!(CANONICAL_FIELDS as readonly string[]).includes(k)) fail(`fields.${k}`, `not a canonical field (${CANONICAL_FIELDS.join(', ')})`);
    checkSource(v, `fields.${k}`, fail);
    if (k !== 'ts' && v !== null && typeof v === 'object' && !Array.isArray(v) && 'format' in v) fail(`fields.${k}.format`, 'a time format is for `ts` only');
  }
  // a token is registered from the line that carries it (events/token-lines.ts): one line, many events, is not that
  if (m.each !== undefined && fields.token !== undefined) fail('fields.token', 'cannot be read with `each` (one record, many events)');
  if (m.each !== undefined && fields.claims !== undefined) fail('fields.claims', 'cannot be read with `each` (one record, many events)');
  checkTable(m.event_types, 'event_types', CANONICAL_EVENTS, fail);
  checkTable(m.outcome, 'outcome', ['success', 'failure'], fail);
  if (m.failure_event !== undefined && !(CANONICAL_EVENTS as readonly string[]).includes(m.failure_event as string)) {
    fail('failure_event', `must be one of ${CANONICAL_EVENTS.join(', ')}`);
  }
  if (m.detect !== undefined) checkDetect(m.detect, fail);
  return m as unknown as MappingFile;
}

type Fail = (key: string, why: string) => never;

function objectAt(v: unknown, key: string, fail: Fail): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(key, 'must be a JSON object');
  return v as Record<string, unknown>;
}

function checkSource(v: unknown, key: string, fail: Fail): void {
  if (typeof v === 'string') {
    const segs = parsePath(v);
    if (typeof segs === 'string') {
      fail(key, `"${v.slice(0, 80)}" is not a JSON path (${segs}), like "$.actor.alternateId", "$.sourceIPs[0]", '$.extra["a.b/c"]' or "$.list[Name=UserAgent].Value"`);
    }
  } else if (Array.isArray(v)) {
    if (v.length === 0) fail(key, 'an empty list of paths');
    if (v.some((p) => typeof p !== 'string')) fail(key, 'a list holds paths only');
    v.forEach((p, i) => checkSource(p, `${key}[${i}]`, fail));
  } else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!OPTION_KEYS.includes(k)) fail(`${key}.${k}`, `unknown key (expected ${OPTION_KEYS.join(', ')})`);
    if ((o.path === undefined) === (o.sql === undefined)) fail(key, 'give either "path" (a path or a list of paths) or "sql" (one expression)');
    if (o.path !== undefined) {
      if (typeof o.path !== 'string' && !Array.isArray(o.path)) fail(`${key}.path`, 'must be a JSON path or a list of paths');
      checkSource(o.path, `${key}.path`, fail);
    }
    if (o.sql !== undefined) {
      if (typeof o.sql !== 'string') fail(`${key}.sql`, 'must be one SQL expression (text)');
      // one expression, not a second statement: the expression is placed inside a larger SELECT
      const sql = o.sql as string;
      if (sql.trim() === '' || /;|--|\/\*/.test(sql)) fail(key, 'the SQL must be one expression, without ; or comments');
    }
    if (o.format !== undefined) {
      const f = o.format;
      const ok = typeof f === 'string' && ((EPOCH_FORMATS as readonly string[]).includes(f) || (f.includes('%') && f.length <= 100 && !/[\u0000-\u001f]/.test(f)));
      if (!ok) fail(`${key}.format`, `must be one of ${EPOCH_FORMATS.join(', ')} or a strptime format with % fields, like "%d/%b/%Y:%H:%M:%S %z"`);
    }
    if (o.regex !== undefined) {
      if (typeof o.regex !== 'string' || o.regex.length === 0 || o.regex.length > 500 || o.regex.includes('\0')) fail(`${key}.regex`, 'must be a pattern of 1 to 500 characters');
      if (!hasCaptureGroup(o.regex as string)) fail(`${key}.regex`, 'needs a capture group, like "^JTI=(.+)$": the value becomes the first group\'s text');
    }
    if (o.strip_port !== undefined && typeof o.strip_port !== 'boolean') fail(`${key}.strip_port`, 'must be true or false');
  } else {
    fail(key, 'must be a JSON path, a list of paths, {"sql": "expression over r_<raw> fields"} or {"path": …, options}');
  }
}

/** Does an RE2 pattern have a capturing group? Escapes and character classes are skipped; `(?:`, `(?i)` and look
 *  alikes do not capture, `(?P<name>` and `(?<name>` do. (DuckDB compiles the pattern itself: mapping-sql.ts.) */
export function hasCaptureGroup(re: string): boolean {
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') {
      inClass = true;
      if (re[i + 1] === '^') i++;
      if (re[i + 1] === ']') i++;
    } else if (c === '(') {
      if (re[i + 1] !== '?') return true;
      if (re.startsWith('(?P<', i) || (re.startsWith('(?<', i) && re[i + 3] !== '=' && re[i + 3] !== '!')) return true;
    }
  }
  return false;
}

function checkTable(v: unknown, key: string, allowed: readonly string[], fail: Fail): void {
  if (v === undefined) return;
  for (const [k, val] of Object.entries(objectAt(v, key, fail))) {
    if (k.length === 0 || k.length > 200 || k.includes('\0')) fail(`${key}.${k}`, 'keys are 1 to 200 characters');
    if (typeof val !== 'string' || !allowed.includes(val)) fail(`${key}.${k}`, `must map to one of ${allowed.join(', ')}`);
  }
}

function checkDetect(v: unknown, fail: Fail): void {
  const d = objectAt(v, 'detect', fail);
  if (!Array.isArray(d.any) || d.any.length === 0) fail('detect.any', 'must be a non-empty list of rules');
  (d.any as unknown[]).forEach((r, i) => {
    const rule = objectAt(r, `detect.any[${i}]`, fail);
    const has = rule.has ?? [];
    if (!Array.isArray(has) || has.some((p) => typeof p !== 'string' || !KEY_PATH.test(p))) {
      fail(`detect.any[${i}].has`, 'must be a list of dotted key paths, like "client.ipAddress"');
    }
    for (const [p, vals] of Object.entries(objectAt(rule.values ?? {}, `detect.any[${i}].values`, fail))) {
      if (!KEY_PATH.test(p) || !Array.isArray(vals) || vals.some((x) => typeof x !== 'string')) {
        fail(`detect.any[${i}].values.${p}`, 'must map a dotted key path to a list of strings');
      }
    }
    if ((has as unknown[]).length === 0 && Object.keys(rule.values ?? {}).length === 0) fail(`detect.any[${i}]`, 'a rule needs `has` or `values`');
  });
}
