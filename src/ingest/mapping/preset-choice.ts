// Which mapping reads a file: none (canonical events), the one the user named (`--preset okta`, `--mapping
// FILE`), or, with `--preset auto`, the preset whose shape the first lines have.
import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from '../../errors.js';
import { tryObject, type DetectedKind } from '../detect-kind.js';
import type { DetectRule } from './mapping-check.js';
import { compileMapping, type Mapping } from './mapping.js';
import { requireSafeMapping } from './mapping-sql.js';
import { PRESET_NAMES, presets } from './presets/index.js';

export type MappingChoice = Mapping | 'auto';

const HEAD_RECORDS = 20;

/** `--preset NAME|auto` or `--mapping FILE` (not both) as a choice for every file of the run. */
export async function mappingChoice(opts: { preset?: string; mapping?: string }): Promise<MappingChoice | undefined> {
  if (opts.preset !== undefined && opts.mapping !== undefined) throw new UsageError('give --preset or --mapping, not both');
  if (opts.mapping !== undefined) return loadMappingFile(opts.mapping);
  if (opts.preset === undefined) return undefined;
  const name = opts.preset.toLowerCase();
  if (name === 'auto') return 'auto';
  const preset = presets().get(name);
  if (!preset) throw new UsageError(`--preset must be one of ${[...PRESET_NAMES, 'auto'].join(', ')}; got '${opts.preset}'`);
  return preset;
}

export async function loadMappingFile(path: string): Promise<Mapping> {
  const text = await readFile(path, 'utf8').catch((e: Error) => {
    throw new InputError(`--mapping ${path}: cannot read it (${e.message})`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new InputError(`mapping ${path}: not valid JSON (${(e as Error).message})`);
  }
  const mapping = compileMapping(parsed, path);
  await requireSafeMapping(mapping); // refused before any file is read
  return mapping;
}

/** The mapping for one file, or null to read it as detected. Only a file that is events or unrecognised is
 *  mapped: keys, captures and revocations in the same folder keep their own readers. */
export function mappingFor(head: Buffer, detected: DetectedKind | null, choice: MappingChoice | undefined): Mapping | null {
  if (choice === undefined || (detected !== null && detected !== 'events')) return null;
  return choice === 'auto' ? detectPreset(head) : choice;
}

/** The preset matching the most of the first records (at least one); null when none does. */
export function detectPreset(head: Buffer): Mapping | null {
  const records = headRecords(head);
  let best: { mapping: Mapping; hits: number } | null = null;
  for (const mapping of presets().values()) {
    const hits = hitsOf(mapping, records);
    if (hits > 0 && (best === null || hits > best.hits)) best = { mapping, hits };
  }
  return best?.mapping ?? null;
}

/** Does the mapping's `detect` recognise any of the first records? (A mapping file without `detect` never does.) */
export function recognises(mapping: Mapping, head: Buffer): boolean {
  return hitsOf(mapping, headRecords(head)) > 0;
}

function headRecords(head: Buffer): Record<string, unknown>[] {
  return head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split('\n')
    .slice(0, HEAD_RECORDS)
    .map(tryObject)
    .filter((r): r is Record<string, unknown> => r !== null);
}

function hitsOf(mapping: Mapping, records: Record<string, unknown>[]): number {
  const rules = mapping.file.detect?.any ?? [];
  return records.filter((r) => rules.some((rule) => matches(r, rule))).length;
}

function matches(record: Record<string, unknown>, rule: DetectRule): boolean {
  const has = (rule.has ?? []).every((p) => lookup(record, p) !== undefined);
  const values = Object.entries(rule.values ?? {}).every(([p, vals]) => {
    const v = lookup(record, p);
    return v !== undefined && v !== null && vals.includes(String(v));
  });
  return has && values;
}

/** The value at a dotted key path; undefined when a key is absent (a JSON null is present). */
function lookup(record: Record<string, unknown>, path: string): unknown {
  let node: unknown = record;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
