// Rows read from DuckDB as typed objects: a query declares its columns once (name → kind), and one conversion at
// this boundary turns DuckDB's JSON-form values (BIGINT as text, TIMESTAMP as text, lists and structs as JSON) into
// the TS types the declaration names. Code then reads `row.uses` as a number, never `Number(row.uses)`; a column the
// query does not return fails here, naming it, instead of becoming `undefined` deep inside a check.
import type { EventRef } from '../findings/finding.js';
import type { Params, Store } from './db.js';

/** What a column holds; `?` allows NULL (as `null`). */
export type ColumnKind =
  | 'text' | 'text?'
  /** INTEGER / BIGINT / HUGEINT (counts, epoch seconds): a JS number */
  | 'int' | 'int?'
  /** DOUBLE / DECIMAL: a JS number */
  | 'num' | 'num?'
  | 'bool' | 'bool?'
  /** a LIST of VARCHAR */
  | 'text[]'
  /** a list of {source, line, ts} (eventRefsSql): lines become numbers; NULL becomes [] */
  | 'refs'
  /** a LIST or STRUCT kept as DuckDB gives it (plain JSON values), for evidence */
  | 'json' | 'json?';

/** A STRUCT, or a LIST of STRUCTs, whose fields are declared (and converted) like columns: see `struct`, `listOf`. */
export interface StructColumn {
  readonly struct: Columns;
  /** NULL allowed (as `null`) */
  readonly nullable: boolean;
}
export interface ListColumn {
  /** the fields of every element; a NULL list becomes [] */
  readonly listOf: Columns;
}

export type Column = ColumnKind | StructColumn | ListColumn;
export type Columns = Readonly<Record<string, Column>>;

interface KindType {
  text: string;
  int: number;
  num: number;
  bool: boolean;
  'text[]': string[];
  refs: EventRef[];
  json: unknown;
}

type TypeOf<K extends Column> = K extends { readonly listOf: infer F extends Columns } ? RowOf<F>[]
  : K extends { readonly struct: infer F extends Columns; readonly nullable: true } ? RowOf<F> | null
  : K extends { readonly struct: infer F extends Columns } ? RowOf<F>
  : K extends `${infer B}?` ? (B extends keyof KindType ? KindType[B] | null : never)
  : K extends keyof KindType ? KindType[K] : never;

/** The row type a column declaration describes. */
export type RowOf<C extends Columns> = { -readonly [K in keyof C]: TypeOf<C[K]> };

/** Declare columns with their literal kinds kept (so RowOf can read them). */
export const columns = <const C extends Columns>(c: C): C => c;

/** A STRUCT column (never NULL) with these fields; the converted object has them in declaration order, and only them. */
export const struct = <const F extends Columns>(fields: F): { readonly struct: F; readonly nullable: false } =>
  ({ struct: fields, nullable: false });

/** A STRUCT column that may be NULL. */
export const structOrNull = <const F extends Columns>(fields: F): { readonly struct: F; readonly nullable: true } =>
  ({ struct: fields, nullable: true });

/** A LIST of STRUCTs with these fields (NULL becomes []). */
export const listOf = <const F extends Columns>(fields: F): { readonly listOf: F } => ({ listOf: fields });

/** Run `sql` and convert every row to the declared columns. `what` names the query in errors (a check id). */
export async function typedRows<C extends Columns>(store: Store, what: string, cols: C, sql: string, params?: Params): Promise<RowOf<C>[]> {
  const rows = await store.json<Record<string, unknown>>(sql, params);
  return rows.map((r) => convertRow(what, cols, r));
}

export function convertRow<C extends Columns>(what: string, cols: C, raw: Record<string, unknown>): RowOf<C> {
  return convertFields(what, '', cols, raw) as RowOf<C>;
}

/** `prefix` names the enclosing column of a struct's fields in errors (`devices[].uses`). */
function convertFields(what: string, prefix: string, cols: Columns, raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(cols)) {
    if (!(name in raw)) throw new Error(`${what}: the query returns no column \`${prefix}${name}\``);
    out[name] = convertValue(what, `${prefix}${name}`, kind, raw[name]);
  }
  return out;
}

function convertNested(what: string, name: string, kind: StructColumn | ListColumn, v: unknown): unknown {
  if ('listOf' in kind) {
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v)) throw new Error(`${what}: column \`${name}\` is not a list`);
    return v.map((e: unknown) => convertStruct(what, `${name}[]`, kind.listOf, e));
  }
  if (v === null || v === undefined) {
    if (kind.nullable) return null;
    throw new Error(`${what}: column \`${name}\` is NULL where a struct was declared`);
  }
  return convertStruct(what, name, kind.struct, v);
}

function convertStruct(what: string, name: string, fields: Columns, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what}: column \`${name}\` is not a struct`);
  return convertFields(what, `${name}.`, fields, v as Record<string, unknown>);
}

function convertValue(what: string, name: string, kind: Column, v: unknown): unknown {
  if (typeof kind === 'object') return convertNested(what, name, kind, v);
  const nullable = kind.endsWith('?');
  if (v === null || v === undefined) {
    if (nullable) return null;
    if (kind === 'refs') return [];
    if (kind === 'text[]') return [];
    throw new Error(`${what}: column \`${name}\` is NULL where ${kind} was declared`);
  }
  switch (nullable ? kind.slice(0, -1) : kind) {
    case 'text':
      return String(v);
    case 'int':
    case 'num':
      return Number(v);
    case 'bool':
      return v === true || v === 'true';
    case 'text[]':
      return (v as unknown[]).map(String);
    case 'refs':
      return (v as { source: string; line: unknown; ts: string }[]).map((e) => ({ source: e.source, line: Number(e.line), ts: e.ts }));
    default:
      return v;
  }
}
