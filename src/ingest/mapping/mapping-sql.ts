// A mapping file's `{"sql": …}` sources are attacker-reachable (mapping files travel with evidence bundles) and run
// inside the ingest's read, which must itself read files: external access cannot be switched off there. So each
// expression is parsed by DuckDB's own parser (json_serialize_sql, on a private in-memory instance with external
// access off) and walked: only constants, column references, CASE/CAST/comparisons/boolean logic, lambdas and an
// allow-list of pure scalar functions pass. No subquery, no table function, no file, glob, network, environment or
// extension call can reach the store.
import { DuckDBInstance } from '@duckdb/node-api';
import { InputError } from '../../errors.js';
import { excerpt } from '../../util/sanitize.js';
import { sqlString } from './field-sql.js';
import type { Mapping } from './mapping.js';
import type { FieldOptions, FieldSource } from './mapping-check.js';

/** Pure scalar functions and operators a mapping may use: text, regex, JSON, lists, numbers, times. */
const ALLOWED_FUNCTIONS = new Set([
  // operators as DuckDB's parser names them
  '||', '+', '-', '*', '/', '//', '%', '~~', '!~~', '~~*', '!~~*', '~~~', '->', '->>', '@>', '<@', '&&',
  // conditionals and nulls
  'coalesce', 'nullif', 'ifnull', 'greatest', 'least', 'if',
  // text
  'lower', 'upper', 'lcase', 'ucase', 'trim', 'ltrim', 'rtrim', 'concat', 'concat_ws', 'substr', 'substring', 'replace',
  'left', 'right', 'length', 'strlen', 'strpos', 'instr', 'position', 'starts_with', 'ends_with', 'prefix', 'suffix',
  'contains', 'split_part', 'string_split', 'str_split', 'lpad', 'rpad', 'reverse', 'repeat', 'format', 'printf',
  'like_escape', 'ilike_escape', 'translate', 'ascii', 'chr', 'md5', 'sha256', 'hash',
  'regexp_matches', 'regexp_replace', 'regexp_extract', 'regexp_extract_all', 'regexp_full_match', 'regexp_split_to_array',
  // JSON
  'json_extract', 'json_extract_string', 'json_extract_path', 'json_extract_path_text', 'json_value', 'json_exists',
  'json_type', 'json_array_length', 'json_keys', 'json_valid', 'json_object', 'json_array', 'json_quote', 'json',
  'to_json', 'from_json', 'json_contains',
  // lists
  'list_filter', 'filter', 'list_transform', 'list_apply', 'apply', 'array_transform', 'array_filter', 'list_extract',
  'array_extract', 'list_element', 'list_contains', 'array_contains', 'list_has', 'list_position', 'list_concat',
  'array_length', 'len', 'list_value', 'list_first', 'list_last', 'list_distinct', 'list_sort', 'list_reverse',
  'list_aggregate', 'list_string_agg', 'array_to_string', 'list_slice', 'array_slice', 'flatten', 'unnest_list',
  // numbers
  'abs', 'round', 'floor', 'ceil', 'ceiling', 'trunc', 'sign', 'mod', 'power', 'pow', 'sqrt',
  // times
  'to_timestamp', 'epoch', 'epoch_ms', 'epoch_us', 'make_timestamp', 'strptime', 'try_strptime', 'strftime',
  'date_trunc', 'timezone', 'date_part', 'datepart',
]);

/** Expression node classes (json_serialize_sql `class`) a mapping expression may contain. */
const ALLOWED_CLASSES = new Set([
  'CONSTANT', 'COLUMN_REF', 'FUNCTION', 'CASE', 'CAST', 'COMPARISON', 'CONJUNCTION', 'OPERATOR', 'LAMBDA', 'LAMBDA_REF',
  'BETWEEN', 'COLLATE',
]);

let parser: Promise<DuckDBInstance> | null = null;

/** Throws InputError naming the field when an SQL source uses anything beyond the allow-list, or when a field's regex
 *  or strptime format is one DuckDB cannot compile (said here, before any file is read, not half-way through a load). */
export async function checkMappingSql(fields: Record<string, FieldSource | undefined>, label: string): Promise<void> {
  for (const [field, source] of Object.entries(fields)) {
    if (source === undefined || typeof source !== 'object' || Array.isArray(source)) continue;
    const o = source as FieldOptions;
    if (o.sql !== undefined) {
      const why = await refusal(o.sql);
      if (why) throw new InputError(`mapping ${label}: fields.${field}: ${why}; a mapping's SQL may use only pure scalar functions (docs/presets.md)`);
    }
    if (o.regex !== undefined) {
      const why = await compiles(`regexp_extract('', ${sqlString(o.regex)}, 1)`);
      if (why) throw new InputError(`mapping ${label}: fields.${field}.regex: not an RE2 pattern (${why})`);
    }
    if (o.format !== undefined && o.format.includes('%')) {
      const why = await compiles(`try_strptime('', ${sqlString(o.format)})`);
      if (why) throw new InputError(`mapping ${label}: fields.${field}.format: not a strptime format (${why})`);
    }
  }
}

/** Run one constant expression on the private parser instance: null, or DuckDB's complaint. */
async function compiles(expr: string): Promise<string | null> {
  parser ??= newParser();
  const conn = await (await parser).connect();
  try {
    await conn.run(`SELECT ${expr}`);
    return null;
  } catch (e) {
    return excerpt(String((e as Error).message).split('\n')[0]!, 120);
  } finally {
    conn.closeSync();
  }
}

const newParser = (): Promise<DuckDBInstance> => DuckDBInstance.create(':memory:', {
  enable_external_access: 'false', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false',
});

const checked = new WeakSet<Mapping>();

/** The same check for a compiled mapping, once per mapping object (every ingest path goes through it). */
export async function requireSafeMapping(mapping: Mapping): Promise<void> {
  if (checked.has(mapping)) return;
  await checkMappingSql(mapping.file.fields, mapping.label);
  checked.add(mapping);
}

/** Why this expression is refused, or null when it passes. */
export async function refusal(sql: string): Promise<string | null> {
  parser ??= newParser();
  const conn = await (await parser).connect();
  try {
    const reader = await conn.runAndReadAll(`SELECT json_serialize_sql($q::VARCHAR) AS ast`, { q: `SELECT ${sql}` });
    const ast = JSON.parse(String(reader.getRowObjectsJson()[0]?.ast)) as Ast;
    if (ast.error) return `not one SQL expression (${excerpt(String(ast.error_message ?? 'parse error'), 80)})`;
    const statements = ast.statements as Ast[] | undefined;
    const node = statements?.length === 1 ? (statements[0]!.node as Ast) : null;
    if (!node || node.type !== 'SELECT_NODE' || (node.select_list as Ast[]).length !== 1 || !emptySelect(node)) {
      return 'not one SQL expression';
    }
    return walk((node.select_list as Ast[])[0]!);
  } finally {
    conn.closeSync();
  }
}

type Ast = Record<string, unknown>;

/** `SELECT <expr>` and nothing else: no FROM, WHERE, GROUP BY, CTE, ORDER/LIMIT. */
function emptySelect(node: Ast): boolean {
  const from = node.from_table as Ast | null;
  const cte = (node.cte_map as { map?: unknown[] } | undefined)?.map ?? [];
  return (from === null || from.type === 'EMPTY') && node.where_clause === null && node.having === null
    && node.qualify === null && (node.group_expressions as unknown[]).length === 0 && cte.length === 0
    && (node.modifiers as unknown[]).length === 0;
}

/** Every object in the expression tree, iteratively (a hostile expression may nest deep). */
function walk(root: Ast): string | null {
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      stack.push(...v);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const o = v as Ast;
    if ('subquery' in o || o.type === 'SUBQUERY' || o.type === 'TABLE_FUNCTION' || 'from_table' in o) return 'a subquery or table';
    if (typeof o.class === 'string' && !ALLOWED_CLASSES.has(o.class)) return `${o.class.toLowerCase()} expressions are not allowed`;
    if (o.class === 'FUNCTION') {
      const name = String(o.function_name).toLowerCase();
      // a schema or catalog prefix (the parser writes `main.trim` for TRIM(…)) reaches the same function: the name decides
      if (!ALLOWED_FUNCTIONS.has(name)) return `function ${excerpt(name, 60)}() is not allowed`;
    }
    for (const child of Object.values(o)) if (child !== null && typeof child === 'object') stack.push(child);
  }
  return null;
}
