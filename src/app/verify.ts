// `verify`: is the store what its ledger says (docs/evidence.md)? Re-walks the hash chain, re-hashes the rows each
// ingest entry covers and the findings each check run kept, and — given the original inputs — re-hashes the files.
// Returns what it found; prints nothing.
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { sha256OfFile } from '../ingest/events/file-scan.js';
import { listInputFiles } from '../ingest/ingest-paths.js';
import type { Store } from '../store/db.js';
import { sha256Hex } from '../util/sha256.js';
import { GENESIS, entryHash, ledgerBlocks, ledgerEntries, type StoredEntry } from '../store/ledger.js';
import { SOURCE_TABLES, findingDigestsOf, rootOf, rowTextOf, tableBlocks, type TableDigest } from '../store/ledger-digest.js';

export interface VerifyProblem {
  /** the ledger entry it concerns (null: rows no entry covers) */
  entry: number | null;
  /** the table it concerns */
  table: string;
  what: string;
}

export interface InputCheck {
  /** the path as the ingest entry recorded it */
  path: string;
  sha256: string;
  status: 'match' | 'changed' | 'missing';
  /** the file that matched, or was found changed at the recorded path */
  found: string | null;
}

export interface Verification {
  entries: number;
  head: string;
  intact: boolean;
  problems: VerifyProblem[];
  /** said, not a mismatch: what the ledger does not cover (sources and findings from before it existed) */
  notes: string[];
  /** with --inputs: each ingested file, matched against the files given */
  inputs: InputCheck[] | null;
  /** files given that no ingest entry names */
  unknown_inputs: string[];
  /** what a folder walk passes over, as ingest does (documentation, hidden files, links), with why */
  passed_over: { path: string; why: string }[];
}

export async function verifyStore(store: Store, opts: { inputs?: readonly string[] } = {}): Promise<Verification> {
  const entries = await ledgerEntries(store);
  const problems: VerifyProblem[] = [];
  const notes: string[] = [];
  problems.push(...chainProblems(entries));

  const ingests = entries.filter((e) => e.act === 'ingest');
  // a source read again (an unrecognised file, or one of which nothing loaded) replaces the earlier record
  const replaced = new Set(ingests.map((e) => num(e.body.replaces)).filter((n): n is number => n !== null));
  const covered = new Set<number>();
  for (const e of ingests) {
    const id = num(e.body.source_id);
    if (id === null) continue;
    covered.add(id);
    if (replaced.has(id)) continue;
    problems.push(...(await ingestProblems(store, e, id)));
  }
  problems.push(...(await uncoveredRows(store, covered, entries[0]?.at ?? null, notes)));
  problems.push(...(await findingProblems(store, entries.filter((e) => e.act === 'check'), notes)));

  const current = ingests.filter((e) => !replaced.has(num(e.body.source_id) ?? -1));
  const files = opts.inputs ? await inputChecks(current, opts.inputs) : null;
  const piped = current.filter((e) => e.body.path === '-').length;
  if (files && piped) notes.push(`${piped} source(s) were read from standard input: no file to re-hash, not checked against --inputs`);
  const head = entries.at(-1)?.hash ?? GENESIS;
  const inputsBad = files?.checks.some((c) => c.status !== 'match') ?? false;
  return {
    entries: entries.length, head, intact: problems.length === 0 && !inputsBad, problems, notes,
    inputs: files?.checks ?? null, unknown_inputs: files?.unknown ?? [], passed_over: files?.passed ?? [],
  };
}

/** Each entry's hash recomputed from its stored text and the previous hash; seq and act held against the text. */
function chainProblems(entries: readonly StoredEntry[]): VerifyProblem[] {
  const out: VerifyProblem[] = [];
  let prev = GENESIS;
  let renumbered = false; // said once: every entry after a removed one is off by the same count
  entries.forEach((e, i) => {
    const where = { entry: e.seq, table: 'ledger' };
    if (e.seq !== i + 1 && !renumbered && (renumbered = true)) out.push({ ...where, what: `entry ${e.seq} is number ${i + 1} in the chain: an entry before it was removed or re-numbered` });
    if (e.prev !== prev) out.push({ ...where, what: `entry ${e.seq} names ${short(e.prev)} as the previous entry, but that is ${short(prev)}: the chain was cut or re-ordered here` });
    const recomputed = entryHash(e.prev, { seq: e.said.seq as number, at: e.said.at as string, act: e.said.act as StoredEntry['act'], body: e.body });
    if (recomputed !== e.hash || sha256Hex(`${e.prev}\n${e.text}`) !== e.hash) {
      out.push({ ...where, what: `entry ${e.seq} (${e.act}) does not hash to its recorded hash: the entry was edited` });
    }
    if (e.said.seq !== e.seq || e.said.act !== e.act || e.said.at !== e.at) {
      out.push({ ...where, what: `entry ${e.seq}'s row says ${e.act} at ${e.at}, its hashed text says ${String(e.said.act)} at ${String(e.said.at)}: the row was edited` });
    }
    prev = e.hash;
  });
  return out;
}

async function ingestProblems(store: Store, e: StoredEntry, id: number): Promise<VerifyProblem[]> {
  const out: VerifyProblem[] = [];
  const label = `entry ${e.seq} (ingest of ${String(e.body.path)})`;
  const src = await store.one<{ path: string; sha256: string; kind: string; rows: unknown; rejected: unknown }>(
    `SELECT path, sha256, kind, rows, rejected FROM sources WHERE id = $id`, { id },
  );
  if (!src) out.push({ entry: e.seq, table: 'sources', what: `${label}: source ${id} is no longer in sources` });
  else {
    const diffs = (['path', 'sha256', 'kind', 'rows', 'rejected'] as const)
      .filter((k) => String(src[k]) !== String(e.body[k]))
      .map((k) => `${k} ${JSON.stringify(String(src[k]))} (recorded ${JSON.stringify(String(e.body[k]))})`);
    if (diffs.length) out.push({ entry: e.seq, table: 'sources', what: `${label}: its sources row changed: ${diffs.join(', ')}` });
  }
  const recorded = (e.body.tables ?? {}) as Record<string, TableDigest>;
  for (const t of SOURCE_TABLES) {
    const want = recorded[t.tbl];
    if (!want) continue; // a table the entry's version did not cover
    const blocks = await tableBlocks(store, t, id, rowTextOf(e.body));
    const now = rootOf(blocks);
    if (now.digest === want.digest && now.rows === want.rows) continue;
    const before = await ledgerBlocks(store, e.seq, t.tbl);
    const changed = blocks.filter((b) => before.get(b.block)?.digest !== b.digest).map((b) => b.block);
    const gone = [...before.keys()].filter((b) => !blocks.some((x) => x.block === b));
    const where = [...new Set([...changed, ...gone])].sort((a, b) => a - b).slice(0, 5).map((b) => blockLines(t.tbl, b)).join(', ');
    const count = now.rows === want.rows ? `${now.rows.toLocaleString('en')} rows, as recorded, but their content differs` : `${now.rows.toLocaleString('en')} rows now, ${want.rows.toLocaleString('en')} recorded`;
    out.push({ entry: e.seq, table: t.tbl, what: `${label}: ${t.tbl} changed: ${count}${where ? `; in ${where}` : ''}` });
  }
  return out;
}

function blockLines(tbl: string, block: number): string {
  if (tbl === 'tokens') return 'its tokens';
  const from = block * 16_384;
  return `${tbl === 'keys' ? 'keys' : 'lines'} ${from.toLocaleString('en')}–${(from + 16_383).toLocaleString('en')}`;
}

/** Rows whose source no ingest entry records: added behind the ledger's back — or loaded before the ledger existed. */
async function uncoveredRows(store: Store, covered: ReadonlySet<number>, firstEntryAt: string | null, notes: string[]): Promise<VerifyProblem[]> {
  const ids = JSON.stringify([...covered]);
  const sources = await store.json<{ id: unknown; path: string; before: boolean }>(
    `SELECT id, path, $first IS NULL OR ingested_at < $first::TIMESTAMP AS before FROM sources
     WHERE NOT list_contains($ids::INTEGER[], id) ORDER BY id`,
    { ids, first: firstEntryAt },
  );
  const out: VerifyProblem[] = [];
  const early = sources.filter((s) => s.before);
  if (early.length) notes.push(`${early.length} source(s) were loaded before this store had a ledger, and are not covered: ${early.slice(0, 3).map((s) => s.path).join(', ')}${early.length > 3 ? ', …' : ''}`);
  for (const s of sources.filter((x) => !x.before)) out.push({ entry: null, table: 'sources', what: `source ${Number(s.id)} (${s.path}) is in sources, but no ledger entry records its ingest` });
  const known = JSON.stringify([...covered, ...early.map((s) => Number(s.id))]);
  for (const t of SOURCE_TABLES) {
    const row = await store.one<{ n: unknown }>(`SELECT count(*) AS n FROM ${t.tbl} WHERE NOT list_contains($ids::INTEGER[], ${t.where})`, { ids: known });
    const n = Number(row?.n ?? 0);
    if (n > 0) out.push({ entry: null, table: t.tbl, what: `${t.tbl}: ${n.toLocaleString('en')} row(s) belong to no recorded ingest` });
  }
  return out;
}

/**
 * The findings now against the last run of each check: a run replaces the findings of the checks it ran, so the
 * latest run naming a check says which of that check's findings must be there, each with its digest.
 */
async function findingProblems(store: Store, runs: readonly StoredEntry[], notes: string[]): Promise<VerifyProblem[]> {
  const latest = new Map<string, StoredEntry>();
  for (const e of runs) for (const c of (Array.isArray(e.body.checks) ? e.body.checks : []) as string[]) latest.set(c, e);
  const now = await findingDigestsOf(store, [...latest.keys()]);
  const byCheck = new Map<string, [string, { check: string; hash: string }][]>();
  for (const entry of now) {
    const list = byCheck.get(entry[1].check);
    if (list) list.push(entry);
    else byCheck.set(entry[1].check, [entry]);
  }
  const out: VerifyProblem[] = [];
  for (const [check, e] of latest) {
    const want = new Map(((Array.isArray(e.body.findings) ? e.body.findings : []) as [string, string][]).filter(([id]) => id.startsWith(`${check}:`)));
    const have = byCheck.get(check) ?? [];
    const missing = [...want.keys()].filter((id) => !now.has(id));
    const changed = have.filter(([id, v]) => want.has(id) && want.get(id) !== v.hash).map(([id]) => id);
    const extra = have.filter(([id]) => !want.has(id)).map(([id]) => id);
    const parts = [
      missing.length ? `${missing.length} deleted (${missing.slice(0, 2).join(', ')})` : '',
      changed.length ? `${changed.length} changed (${changed.slice(0, 2).join(', ')})` : '',
      extra.length ? `${extra.length} added (${extra.slice(0, 2).join(', ')})` : '',
    ].filter(Boolean);
    if (parts.length) out.push({ entry: e.seq, table: 'findings', what: `entry ${e.seq} (check run ${String(e.body.run_id)}): ${check} findings ${parts.join(', ')}` });
  }
  const loose = await store.one<{ n: unknown }>(`SELECT count(*) AS n FROM findings WHERE NOT list_contains($c::VARCHAR[], check_id)`, { c: JSON.stringify([...latest.keys()]) });
  const n = Number(loose?.n ?? 0);
  if (n > 0) {
    if (runs.length === 0) notes.push(`${n} finding(s) were made before this store had a ledger, and are not covered: run \`jwt-forensics check\` to record them`);
    else out.push({ entry: null, table: 'findings', what: `findings: ${n} finding(s) of checks no recorded run made` });
  }
  return out;
}

/** The files given (folders walked as ingest walks them), each ingest entry matched by sha256, else by path. */
async function inputChecks(ingests: readonly StoredEntry[], paths: readonly string[]): Promise<{ checks: InputCheck[]; unknown: string[]; passed: { path: string; why: string }[] }> {
  let listed: Awaited<ReturnType<typeof listInputFiles>>;
  try {
    listed = await listInputFiles(paths);
  } catch (err) {
    throw err instanceof InputError ? new InputError(`--inputs ${err.message}`) : err;
  }
  const files = new Map<string, string>(); // resolved path → sha256
  for (const f of listed.files) files.set(resolve(f), await sha256OfFile(f));
  const bySha = new Map<string, string>();
  for (const [f, h] of files) if (!bySha.has(h)) bySha.set(h, f);
  const named = new Set<string>();
  const checks = ingests.flatMap((e): InputCheck[] => {
    const path = String(e.body.path);
    const sha = String(e.body.sha256);
    if (path === '-') return [];
    const at = resolve(path);
    const match = files.get(at) === sha ? at : bySha.get(sha);
    if (match) {
      named.add(match);
      return [{ path, sha256: sha, status: 'match', found: match }];
    }
    if (files.has(at)) {
      named.add(at);
      return [{ path, sha256: sha, status: 'changed', found: at }];
    }
    return [{ path, sha256: sha, status: 'missing', found: null }];
  });
  return { checks, unknown: [...files.keys()].filter((f) => !named.has(f)).sort(), passed: listed.skipped };
}

const short = (h: string): string => h.slice(0, 12);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
