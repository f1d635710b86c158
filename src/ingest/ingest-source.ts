// One source, one transaction: it loads whole or not at all, and the same bytes never load twice.
import { InputError } from '../errors.js';
import type { VerifyOptions } from '../jwt/verify.js';
import { appendRows } from '../store/append.js';
import type { Store } from '../store/db.js';
import { StoreWriteError } from '../store/write-error.js';
import { lap } from '../util/profile.js';
import { recordIngest } from './ledger-entry.js';
import { detectKind, type DetectedKind, type Kind } from './detect-kind.js';
import { classifyHead, type Classified } from './classify-input.js';
import { unwrapToNdjson, type Unwrapped } from './envelopes/whole-json.js';
import { peekHead, scanFile, sha256OfFile, type FileScan } from './events/file-scan.js';
import { fieldHints, sampleFields } from './field-hints.js';
import { GunzipLimitError } from './gunzip-limit.js';
import { plainPath } from './plain-path.js';
import type { LoadResult } from './load-result.js';
import { readCaptureLines, readCaptureRecords } from './captures/read-captures.js';
import { readHar } from './har/read-har.js';
import { readEvents } from './events/read-events.js';
import { readMappedEvents } from './mapping/read-mapped.js';
import { detectPreset, isAuto, type MappingChoice } from './mapping/preset-choice.js';
import type { Mapping } from './mapping/mapping.js';
import { keyFileProblem, readKeys } from './keys/read-keys.js';
import { readKeyEvents, readRevocations } from './records/read-records.js';
import { reverifyForKeys } from './register-tokens.js';
import { copiesFromOthers, copiesWarning } from '../store/event-copies.js';
import { makePidDir } from '../util/pid-dir.js';
import { recordSource } from '../store/sources.js';
import { clearPending, discardPending } from '../store/pending-ingest.js';
import { rm } from 'node:fs/promises';

/** What `sources.kind` says: a reader's kind, or `unrecognised` for a file no reader took (src/ingest/unrecognised.ts). */
export type SourceKind = DetectedKind | 'unrecognised';

export interface SourceSummary {
  path: string;
  sha256: string;
  kind: SourceKind;
  /** the preset or mapping that read the file (`sources.preset`); null for canonical input */
  preset: string | null;
  skipped: boolean;
  rows: number;
  rejected: number;
  rejects: { line: number | null; reason: string; detail: string }[];
  newTokens: number;
  reverified: number;
  warnings: string[];
  elapsedMs: number;
  /** why the file as a whole is unusable (its rejects are still kept): `ingest` exits 2 after the other files */
  unusable?: string;
}

export interface IngestOptions {
  kind?: Kind;
  /** the name recorded in `sources.path` (stdin is spooled to a temp file but recorded as `-`) */
  label?: string;
  /** `--preset` / `--mapping`: applies to files that are events or unrecognised */
  mapping?: MappingChoice;
  /** how new tokens are verified (the policy's max_verify_candidates) */
  verify?: VerifyOptions;
}

const READERS: Record<DetectedKind, (s: Store, scan: FileScan, id: number) => Promise<LoadResult>> = {
  events: readEvents,
  captures: readCaptureRecords,
  'captures-text': readCaptureLines,
  jwks: (s, scan, id) => readKeys(s, scan, id, 'jwks'),
  pem: (s, scan, id) => readKeys(s, scan, id, 'pem'),
  'key-events': readKeyEvents,
  revocations: readRevocations,
  har: readHar,
};

export async function ingestFile(store: Store, path: string, opts: IngestOptions = {}): Promise<SourceSummary> {
  const plain = await plainPath(path);
  const started = Date.now();
  try {
    return await ingestScanned(store, path, plain.path, opts);
  } catch (err) {
    // A .gz that expands past the limits is refused whole (its transaction rolled back); the other files load and
    // the command exits 2 at the end, naming it.
    if (!(err instanceof GunzipLimitError)) throw err;
    const label = opts.label ?? path;
    const kind: DetectedKind = opts.kind ?? detectKind(await peekHead(path)) ?? 'events';
    return { ...empty(label, await sha256OfFile(path), kind, null), elapsedMs: Date.now() - started, unusable: err.message };
  } finally {
    await plain.release();
  }
}

/** `readPath` is what DuckDB reads (src/ingest/plain-path.ts); messages and the store name `path` (or the label). */
async function ingestScanned(store: Store, path: string, readPath: string, opts: IngestOptions): Promise<SourceSummary> {
  const started = Date.now();
  const label = opts.label ?? path;
  const scan: FileScan = { ...(await scanFile(path, label)), path: readPath, label, verify: opts.verify };
  const classified = classifyHead(scan.head, { kind: opts.kind, mapping: opts.mapping, name: label });
  return ingestClassified(store, scan, classified, opts, started);
}

async function ingestClassified(store: Store, scan: FileScan, classified: Classified, opts: IngestOptions, started: number): Promise<SourceSummary> {
  const label = scan.label!;
  const { mapping } = classified;
  const kind = mapping ? 'events' : resolveKind(classified, label, opts.kind);
  // Same bytes, same sha256: only a file of a size already ingested can be a repeat, so only then is the
  // hash awaited before loading; otherwise DuckDB reads while the hash is computed.
  const sameSize = await store.one(`SELECT 1 AS x FROM sources WHERE bytes = $bytes`, { bytes: scan.bytes });
  let replaces: number | null = null;
  if (sameSize) {
    const sha256 = await scan.sha256;
    const before = await store.one<{ id: number; kind: string; nothing: boolean }>(
      `SELECT id, kind, rows = 0 AND rejected > 0 AS nothing FROM sources WHERE sha256 = $sha`,
      { sha: sha256 },
    );
    // a file recorded as unrecognised, or of which nothing loaded (every line rejected: the wrong preset?), read
    // again (with a preset, a mapping, --kind): the record of it is replaced, its rejects with it
    if (before && (before.kind === 'unrecognised' || before.nothing)) replaces = Number(before.id);
    else if (before) {
      const problem = !mapping && (kind === 'jwks' || kind === 'pem') ? await keyFileProblem(scan, kind) : null;
      const unusable = problem ? { unusable: unusableMessage(label, problem) } : {};
      return { ...empty(label, sha256, kind, mapping), skipped: true, elapsedMs: Date.now() - started, ...unusable };
    }
  }
  // an API export (a JSON array, `{"value": […]}`, EventBridge events…): its records, one a line, in a private copy,
  // made only once the file is known not to be a repeat (a repeat is skipped above without reading it whole)
  const dir = classified.whole ? await makePidDir('jwt-forensics-records-') : null;
  try {
    const unwrapped = dir ? await unwrapToNdjson(scan, dir) : null;
    return await loadClassified(store, scan, classified, kind, unwrapped, replaces, opts, started);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

async function loadClassified(
  store: Store, scan: FileScan, classified: Classified, kind: DetectedKind, unwrapped: Unwrapped | null, replaces: number | null,
  opts: IngestOptions, started: number,
): Promise<SourceSummary> {
  const label = scan.label!;
  const { mapping } = classified;
  const readScan = unwrapped?.scan ?? scan;
  const { id, loaded, reverified, sha256, copies } = await store.transaction(async () => {
    const id = Number((await store.one<{ id: bigint }>(`SELECT nextval('source_ids') AS id`))!.id);
    const read = mapping ? await readMappedEvents(store, readScan, id, mapping) : await READERS[kind](store, readScan, id);
    const loaded = unwrapped ? { ...read, rejects: [...read.rejects, ...unwrapped.rejects], warnings: [unwrapped.note, ...(read.warnings ?? [])] } : read;
    // events another source already brought (a reordered copy, the .gz of a file loaded): kept, said, counted once
    const copies = kind === 'events' ? copiesWarning(await copiesFromOthers(store, id), loaded.rows) : null;
    const reverified = await reverifyForKeys(store, loaded.kids ?? [], opts.verify);
    await appendRows(
      store,
      'rejects',
      ['int', 'text', 'bigint', 'text', 'text'],
      loaded.rejects.map((r) => [id, label, r.line, r.reason, r.detail]),
    );
    const sha256 = await scan.sha256;
    lap('source: rejects written, sha256 ready');
    // last, with the new record: an events file commits its rows before this (pending-ingest.ts), and a failure
    // must leave the old record as it was
    if (replaces !== null) {
      await store.run(`DELETE FROM rejects WHERE source_id = $id`, { id: replaces });
      await store.run(`DELETE FROM sources WHERE id = $id`, { id: replaces });
    }
    await clearPending(store);
    await recordSource(store, {
      id, path: label, sha256, kind, preset: mapping?.label ?? null, bytes: scan.bytes, rows: loaded.rows,
      rejected: loaded.rejects.length, newTokens: loaded.newTokens, elapsedMs: Date.now() - started,
    });
    return { id, loaded, reverified, sha256, copies };
  }).catch(async (err: unknown) => {
    // the events an events file committed before it failed go with it; if even that fails, the next open removes them
    await discardPending(store).catch(() => undefined);
    throw err instanceof StoreWriteError ? err.during(label) : err;
  });
  lap('source: committed');
  // its ledger entry right after: the rows are hashed where DuckDB reads them fastest, committed (inside the
  // source's transaction the same scan took 4× as long); a crash in between leaves a source verify names as
  // unrecorded, never an entry without its rows
  await store.transaction(() => recordIngest(store, id, { mapping, replaces, ready: loaded.ready })).catch((err: unknown) => {
    throw err instanceof StoreWriteError ? err.during(label) : err;
  });
  lap('source: ledger entry');
  const hints = kind === 'events' && !mapping ? fieldHints(sampleFields(classified.sample), { missingTs: loaded.rejects.some((r) => r.reason === 'missing-ts') }) : [];
  const wrongPreset = mapping && !isAuto(opts.mapping) ? [wrongPresetHint(mapping, classified.sample)] : [];
  const unusable = loaded.unusable ? unusableMessage(label, loaded.unusable) : LINE_KINDS.includes(kind) ? nothingLoaded(label, loaded, [...wrongPreset, ...hints]) : null;
  return {
    ...empty(label, sha256, kind, mapping),
    rows: loaded.rows,
    rejected: loaded.rejects.length,
    rejects: loaded.rejects.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
    newTokens: loaded.newTokens,
    reverified,
    warnings: [...(loaded.warnings ?? []), ...(copies ? [copies] : []), ...hints],
    elapsedMs: Date.now() - started,
    ...(unusable ? { unusable } : {}),
  };
}

const LINE_KINDS: readonly DetectedKind[] = ['events', 'captures', 'captures-text', 'key-events', 'revocations'];

/**
 * A file of which every line was rejected is the wrong file or the wrong schema, never an empty result: it fails
 * the command (its rejects are kept), naming the top reasons and what the lines hold instead.
 */
function nothingLoaded(label: string, loaded: LoadResult, hints: readonly string[]): string | null {
  if (loaded.rows > 0 || loaded.rejects.length === 0) return null;
  const counts = new Map<string, number>();
  for (const r of loaded.rejects) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([reason, n]) => `${reason} ×${n}`).join(', ');
  return `${label}: every line was rejected (${top})${hints.length ? `: ${hints[0]}` : ''}`;
}

/** Every line rejected under a preset or mapping the user named: perhaps the wrong one. Says which preset the
 *  records look like, if any, and that `--preset auto` chooses by shape. */
function wrongPresetHint(mapping: Mapping, sample: Buffer): string {
  const named = mapping.label.startsWith('mapping:') ? `--mapping ${mapping.label.slice('mapping:'.length)}` : `--preset ${mapping.label}`;
  const like = detectPreset(sample);
  const looks = like && like.label !== mapping.label ? `they look like ${like.label}'s (--preset ${like.label}); ` : '';
  return `read with ${named}, which may be the wrong provider: ${looks}--preset auto picks each file's preset by its shape`;
}

function unusableMessage(label: string, u: NonNullable<LoadResult['unusable']>): string {
  if (u.message) return u.message;
  return `${label}${u.line !== null ? `:${u.line}` : ''}: unusable key file: ${u.what}; no key was loaded from it`;
}

function empty(path: string, sha256: string, kind: DetectedKind, mapping: Mapping | null): SourceSummary {
  return { path, sha256, kind, preset: mapping?.label ?? null, skipped: false, rows: 0, rejected: 0, rejects: [], newTokens: 0, reverified: 0, warnings: [], elapsedMs: 0 };
}

function resolveKind(classified: Classified, label: string, forced: Kind | undefined): DetectedKind {
  if (forced === 'captures') return classified.kind === 'captures-text' ? 'captures-text' : 'captures';
  if (forced) return forced;
  if (!classified.kind) throw new InputError(unrecognisedMessage(label, classified.sample));
  return classified.kind;
}

/** Why a file named on its own was not read: for JSON records that are events under other field names, which. */
export function unrecognisedMessage(label: string, sample: Buffer): string {
  const hint = fieldHints(sampleFields(sample), { missingTs: true })[0];
  return hint
    ? `${label}: JSON lines, but not canonical events: ${hint}`
    : `${label}: cannot tell what this file holds (expected NDJSON events, token captures, JWKS, PEM, rotation records or revocations, or a provider's log with --preset); pass --kind or --preset`;
}
