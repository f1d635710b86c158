// Which mapping reads a file: none (canonical events), the one the user named (`--preset okta`, `--mapping
// FILE`), or, with `--preset auto`, the preset whose shape the first lines have.
import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from '../../errors.js';
import { tryObject, type DetectedKind } from '../detect-kind.js';
import type { DetectRule } from './mapping-check.js';
import { compileMapping, type Mapping } from './mapping.js';
import { requireSafeMapping } from './mapping-sql.js';
import { PRESET_NAMES, presets } from './presets/index.js';

/** `auto` with the user's mapping files: each file read by whichever of the built-in presets (when `presets`) and
 *  these mappings its first records match best, through their `detect` rules. */
export interface AutoChoice {
  auto: Mapping[];
  presets: boolean;
}

export type MappingChoice = Mapping | 'auto' | AutoChoice;

/** Is the mapping chosen per file (`--preset auto`, several `--mapping`)? */
export const isAuto = (c: MappingChoice | undefined): c is 'auto' | AutoChoice => c === 'auto' || (c !== undefined && 'auto' in c);

const HEAD_RECORDS = 20;

/** `--preset NAME|auto` and `--mapping FILE` (repeatable) as a choice for every file of the run:
 *  - one `--mapping`: every file that is events or unrecognised is read with it (as `--preset NAME`);
 *  - several `--mapping`, or `--preset auto` with `--mapping`: each file's mapping is chosen by the `detect` rules, among
 *    the given mappings (and the built-in presets with `--preset auto`); a mapping without `detect` could never be
 *    chosen, so it is refused, naming it. */
export async function mappingChoice(opts: { preset?: string; mapping?: string | string[] }): Promise<MappingChoice | undefined> {
  const files = opts.mapping === undefined ? [] : Array.isArray(opts.mapping) ? opts.mapping : [opts.mapping];
  const auto = opts.preset !== undefined && opts.preset.toLowerCase() === 'auto';
  if (opts.preset !== undefined && !auto && files.length) throw new UsageError('give --preset NAME or --mapping, not both (--preset auto may be combined with --mapping)');
  if (files.length === 1 && !auto) return loadMappingFile(files[0]!);
  if (files.length) {
    const mappings = await Promise.all(files.map(loadMappingFile));
    for (const [i, m] of mappings.entries()) {
      if (!m.file.detect) {
        throw new UsageError(`--mapping ${files[i]}: no \`detect\` rules, so it can never be chosen for a file among ${auto ? 'the presets and ' : ''}the other mappings; add "detect" (docs/presets.md) or give it alone`);
      }
      const twin = mappings.findIndex((o) => o.label === m.label);
      if (twin !== i) throw new UsageError(`--mapping ${files[twin]} and ${files[i]} are both named '${m.file.name}': sources would not say which read a file`);
    }
    return { auto: mappings, presets: auto };
  }
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
  if (choice === 'auto') return detectPreset(head);
  return 'auto' in choice ? detectPreset(head, choice.presets ? [...choice.auto, ...presets().values()] : choice.auto) : choice;
}

/** The candidate (the built-in presets by default) matching the most of the first records (at least one); null when
 *  none does. At a tie the earlier candidate wins: the user's mappings come before the presets. */
export function detectPreset(head: Buffer, candidates: Iterable<Mapping> = presets().values()): Mapping | null {
  const records = headRecords(head);
  let best: { mapping: Mapping; hits: number } | null = null;
  for (const mapping of candidates) {
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
