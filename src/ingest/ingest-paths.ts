// `ingest <path...>`: files, folders (walked in name order) and `-` for stdin, keys first so tokens verify once.
import { createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InputError } from '../errors.js';
import type { VerifyOptions } from '../jwt/verify.js';
import type { Store } from '../store/db.js';
import { makePidDir, removeNow } from '../util/pid-dir.js';
import { stripControlInline } from '../util/sanitize.js';
import type { DetectedKind, Kind } from './detect-kind.js';
import { classifyHead } from './classify-input.js';
import { peekHead } from './events/file-scan.js';
import { fieldHints, sampleFields } from './field-hints.js';
import { ingestFile, unrecognisedMessage, type SourceSummary } from './ingest-source.js';
import type { MappingChoice } from './mapping/preset-choice.js';
import { recordUnrecognised } from './unrecognised.js';

export interface InputFile {
  path: string;
  label: string;
  /** found by walking a folder: a file no reader recognises is recorded as `unrecognised`, not an error */
  fromFolder: boolean;
}

export interface IngestRun {
  sources: SourceSummary[];
  skipped: { path: string; why: string }[];
}

const ORDER: Record<DetectedKind, number> = {
  // JWKS before PEM: a key in both is then known by its JWKS kid, not by a derived thumbprint
  jwks: 0, pem: 1, 'key-events': 2, revocations: 3, captures: 4, 'captures-text': 4, har: 4, events: 5,
};
// Documentation and scripts in an evidence folder describe it; they are passed over by name (and listed), never
// hashed into `sources`. Everything else a folder holds is read, or recorded as `unrecognised`.
const NOT_DATA = /(^|\/)(README|SOURCE|LICENSE|NOTICE|CHANGELOG)[^/]*$|\.(md|txt\.md|html?|pdf|docx?|rtf|sh|ps1|py|ts|js)$/i;
/** Why a lone pretty-printed JSON object in a folder is passed over. */
const ONE_DOCUMENT = 'one JSON object over several lines, not records (a configuration or manifest, such as a policy?); name the file to load it';

export async function ingestPaths(
  store: Store,
  paths: readonly string[],
  opts: { kind?: Kind; mapping?: MappingChoice; verify?: VerifyOptions; onSource?: (s: SourceSummary) => void } = {},
): Promise<IngestRun> {
  const spool: Spool = { dir: null };
  // a run that ends without unwinding (process.exit) still removes it: async work never runs in an exit handler
  const onExit = (): void => {
    if (spool.dir) removeNow(spool.dir);
  };
  process.once('exit', onExit);
  try {
    return await ingestExpanded(store, paths, spool, opts);
  } finally {
    // the copy of standard input holds raw tokens: gone before the command returns, whatever happened
    onExit();
    process.removeListener('exit', onExit);
  }
}

async function ingestExpanded(
  store: Store,
  paths: readonly string[],
  spool: Spool,
  opts: { kind?: Kind; mapping?: MappingChoice; verify?: VerifyOptions; onSource?: (s: SourceSummary) => void },
): Promise<IngestRun> {
  const skipped: IngestRun['skipped'] = [];
  const files = await expand(paths, spool, skipped);
  const ordered: { file: InputFile; rank: number }[] = [];
  const unrecognised: { file: InputFile; why: string; sample: Buffer }[] = [];
  for (const file of files) {
    // a provider log is unrecognised as canonical input, but is events once a mapping reads it
    const { kind, sample, oneDocument } = classifyHead(await peekHead(file.path), { kind: opts.kind, mapping: opts.mapping, folder: file.fromFolder, name: file.label });
    if (kind !== null) ordered.push({ file, rank: ORDER[kind] });
    else if (file.fromFolder && oneDocument) skipped.push({ path: file.label, why: ONE_DOCUMENT });
    else unrecognised.push({ file, why: unrecognisedWhy(sample), sample });
  }
  // a folder of nothing readable is not an input list to record: the command fails, naming what it passed over
  if (ordered.length === 0 && unrecognised.every((u) => u.file.fromFolder)) {
    throw new NothingToRead(paths, [...skipped, ...unrecognised.map((u) => ({ path: u.file.label, why: u.why }))]);
  }
  ordered.sort((a, b) => a.rank - b.rank);
  const sources: SourceSummary[] = [];
  for (const { file } of ordered) {
    const summary = await ingestFile(store, file.path, { kind: opts.kind, label: file.label, mapping: opts.mapping, verify: opts.verify });
    opts.onSource?.(summary);
    sources.push(summary);
  }
  // Recorded, not read (chain of custody): a file named on its own fails the command at the end, as one no line of
  // which loaded does; one found in a folder is listed among the inputs with its reason, and the run goes on.
  for (const { file, why, sample } of unrecognised) {
    const unusable = file.fromFolder ? null : unrecognisedMessage(file.label, sample);
    const summary = await recordUnrecognised(store, file.path, file.label, why, unusable);
    opts.onSource?.(summary);
    sources.push(summary);
  }
  return { sources, skipped };
}

/** Why no reader took a file: for JSON records that look like events under other field names, which. */
function unrecognisedWhy(head: Buffer): string {
  const sample = sampleFields(head);
  if (sample.records === 0) return 'not a recognised input';
  const hint = fieldHints(sample, { missingTs: true })[0];
  return `JSON lines, but not a recognised input${hint ? `: ${hint}` : ' (no `ts`, `token` or `kid` where canonical input has them)'}`;
}

/** The paths held no file to read (an empty folder, or nothing recognised in it): never an empty, clean result. */
export class NothingToRead extends InputError {
  constructor(paths: readonly string[], skipped: IngestRun['skipped']) {
    const where = paths.map(stripControlInline).join(', ');
    // file names in a folder are the evidence's, not ours: a newline or escape in one must not forge output
    const passed = skipped.slice(0, 5).map((s) => `${stripControlInline(s.path)} (${s.why})`).join(', ');
    super(skipped.length === 0
      ? `nothing to read in ${where}: no files`
      : `nothing to read in ${where}: no file was recognised (passed over: ${passed}${skipped.length > 5 ? `, … ${skipped.length - 5} more` : ''})`);
  }
}

/** Unusable files did not stop the others from loading; the command still fails at the end (DESIGN.md: exit 2). */
export function failOnUnusable(run: IngestRun): void {
  const err = unusableError(run);
  if (err) throw err;
}

/** The error naming every unusable input of the run, or null when all were usable. */
export function unusableError(run: IngestRun): InputError | null {
  const bad = run.sources.flatMap((s) => (s.unusable ? [s.unusable] : []));
  if (bad.length === 1) return new InputError(bad[0]!);
  if (bad.length > 1) return new InputError(`${bad.length} input files are unusable (the other inputs were loaded):\n  ${bad.join('\n  ')}`);
  return null;
}

/**
 * The files `ingest PATH…` would read, and what it would pass over (with why), without reading them: for `verify
 * --inputs`, which re-hashes what an ingest of these paths took in. Standard input is not an input here.
 */
export async function listInputFiles(paths: readonly string[]): Promise<{ files: string[]; skipped: IngestRun['skipped'] }> {
  if (paths.includes('-')) throw new InputError('`-` (standard input) cannot be re-hashed: name the files');
  const skipped: IngestRun['skipped'] = [];
  const files = await expand(paths, { dir: null }, skipped);
  return { files: files.map((f) => f.path), skipped };
}

/** Where standard input was copied, if it was: removed when the ingest ends. */
interface Spool {
  dir: string | null;
}

async function expand(paths: readonly string[], spool: Spool, skipped: IngestRun['skipped']): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push({ path: await spoolStdin(spool), label: '-', fromFolder: false });
      continue;
    }
    const info = await stat(p).catch(() => null);
    if (!info) throw new InputError(`${p}: no such file or folder`);
    if (info.isDirectory()) out.push(...(await walk(p, skipped)));
    else out.push({ path: p, label: p, fromFolder: false });
  }
  return out;
}

/** The files of a folder, in name order; what is passed over is listed in `skipped` with the reason, never silently. */
async function walk(dir: string, skipped: IngestRun['skipped']): Promise<InputFile[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const out: InputFile[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    const why = skipReason(e, path);
    if (why) skipped.push({ path, why });
    else if (e.isDirectory()) out.push(...(await walk(path, skipped)));
    else out.push({ path, label: path, fromFolder: true });
  }
  return out;
}

function skipReason(e: { name: string; isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }, path: string): string | null {
  // a link in an evidence folder may point anywhere (outside the bundle, at a device): name it, never follow it
  if (e.isSymbolicLink()) return 'symbolic link (not followed; name its target to load it)';
  if (e.name.startsWith('.')) return e.isDirectory() ? 'hidden folder (not walked)' : 'hidden file';
  if (e.isDirectory()) return null;
  if (!e.isFile()) return 'not a regular file';
  if (NOT_DATA.test(path)) return 'documentation or script, not evidence (name the file to load it)';
  return null;
}

/** Standard input is written to a private temp file, so it is read, hashed and line-numbered like any file. */
async function spoolStdin(spool: Spool): Promise<string> {
  if (spool.dir) throw new InputError('`-` (standard input) can be given only once');
  // named with our PID: a folder left by a killed run is removed by the next run that reads standard input
  spool.dir = await makePidDir('jwt-forensics-stdin-');
  const file = join(spool.dir, 'stdin.ndjson');
  await pipeline(process.stdin, createWriteStream(file, { mode: 0o600 }));
  return file;
}
