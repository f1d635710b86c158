// A mapping file (docs/presets.md) checked key by key before anything reaches SQL, so a mistake is reported as
// "mapping okta: fields.ts: …" and never as a DuckDB parse error half-way through a load.
import { InputError } from '../../errors.js';

export const CANONICAL_FIELDS = [
  'ts', 'event', 'token', 'jti', 'sub', 'sid', 'client_id', 'ip', 'country', 'city', 'lat', 'lon', 'ua',
  'app_version', 'aud', 'outcome', 'parent_jti', 'reason', 'claims',
] as const;
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];
export const CANONICAL_EVENTS = ['issue', 'refresh', 'use', 'revoke', 'logout', 'fail'] as const;
export type CanonicalEvent = (typeof CANONICAL_EVENTS)[number];

/** One canonical field: a JSON path, a list of paths (the first present wins), or SQL over `r_<raw>` fields and `x`. */
export type FieldSource = string | string[] | { sql: string };

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
// `$.a.b`: keys only (no indexes, no quoting): the staging reader turns paths into a json_transform shape.
const PATH = /^\$(\.[^.[\]"'\s]+)+$/;
// A field's path may pick one element of a list of name–value objects by a key's value, then read inside it:
// `$.ExtendedProperties[Name=UserAgent].Value` (mapping.ts compiles it to a list_filter over the list).
export const SELECTOR_PATH = /^(\$(?:\.[^.[\]"'\s]+)+)\[([A-Za-z0-9_-]{1,60})=([^\]\0]{1,100})\]((?:\.[^.[\]"'\s]+)*)$/;
const KEY_PATH = /^[^.[\]"'\s]+(\.[^.[\]"'\s]+)*$/;
const RAW_NAME = /^[a-z][a-z0-9_]{0,40}$/;

export function checkMapping(input: unknown, label: string): MappingFile {
  const fail = (key: string, why: string): never => {
    throw new InputError(`mapping ${label}: ${key}: ${why}`);
  };
  const m = objectAt(input, '(top level)', fail);
  for (const k of Object.keys(m)) if (!TOP_KEYS.includes(k)) fail(k, `unknown key (expected one of ${TOP_KEYS.join(', ')})`);
  if (typeof m.name !== 'string' || !/^[A-Za-z0-9_.-]{1,60}$/.test(m.name)) fail('name', 'must be a short name (letters, digits, _ . -)');
  if (m.description !== undefined && typeof m.description !== 'string') fail('description', 'must be a string');
  if (m.each !== undefined && (typeof m.each !== 'string' || !PATH.test(m.each))) fail('each', 'must be a JSON path of keys, like "$.events"');
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
    if (!PATH.test(v) && !SELECTOR_PATH.test(v)) {
      fail(key, `"${v}" is not a JSON path of keys, like "$.actor.alternateId" (or "$.list[Name=UserAgent].Value")`);
    }
  } else if (Array.isArray(v)) {
    if (v.length === 0) fail(key, 'an empty list of paths');
    v.forEach((p, i) => checkSource(p, `${key}[${i}]`, fail));
    if (v.some((p) => typeof p !== 'string')) fail(key, 'a list holds paths only');
  } else if (v !== null && typeof v === 'object' && typeof (v as { sql?: unknown }).sql === 'string') {
    const sql = (v as { sql: string }).sql;
    if (Object.keys(v).length !== 1) fail(key, 'an SQL source is exactly {"sql": "…"}');
    // one expression, not a second statement: the expression is placed inside a larger SELECT
    if (sql.trim() === '' || /;|--|\/\*/.test(sql)) fail(key, 'the SQL must be one expression, without ; or comments');
  } else {
    fail(key, 'must be a JSON path, a list of paths, or {"sql": "expression over r_<raw> fields"}');
  }
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
