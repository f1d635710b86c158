// The ledger: an append-only, hash-chained record of every act on the store — each source ingested, each check run,
// each report written (docs/evidence.md). An entry's hash is sha256(prev + "\n" + its canonical JSON, RFC 8785), so
// editing, removing or re-ordering an entry breaks every hash after it; the head (the last hash) stands for the whole
// history and is printed by ingest, check and investigate and written into every report.
import canonicalize from 'canonicalize';
import type { Store } from './db.js';
import { sha256Hex } from '../util/sha256.js';

export const GENESIS = '0'.repeat(64);

export type LedgerAct = 'ingest' | 'check' | 'report';

export interface LedgerEntry {
  seq: number;
  /** ISO-8601 UTC */
  at: string;
  act: LedgerAct;
  body: Record<string, unknown>;
  prev: string;
  hash: string;
}

/** What an entry's hash covers: its seq, time, act and body, in RFC 8785 canonical JSON. */
export function entryText(e: Pick<LedgerEntry, 'seq' | 'at' | 'act' | 'body'>): string {
  const text = canonicalize({ seq: e.seq, at: e.at, act: e.act, body: e.body });
  if (text === undefined) throw new Error('ledger entry cannot be canonicalised');
  return text;
}

export function entryHash(prev: string, e: Pick<LedgerEntry, 'seq' | 'at' | 'act' | 'body'>): string {
  return sha256Hex(`${prev}\n${entryText(e)}`);
}

/** The last entry's hash; GENESIS for a store with no entry yet. */
export async function ledgerHead(store: Store): Promise<string> {
  const row = await store.one<{ hash: string }>(`SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1`);
  return row?.hash ?? GENESIS;
}

/** Append one entry after the head. Call inside the transaction that makes the act, so both land or neither. */
export async function appendEntry(store: Store, act: LedgerAct, body: Record<string, unknown>, blocks: readonly BlockDigest[] = []): Promise<LedgerEntry> {
  const last = await store.one<{ seq: number; hash: string }>(`SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1`);
  const seq = last ? Number(last.seq) + 1 : 1;
  const prev = last?.hash ?? GENESIS;
  // milliseconds, always: the text the hash covers is the text stored
  const at = new Date().toISOString();
  const entry = { seq, at, act, body, prev, hash: '' };
  entry.hash = entryHash(prev, entry);
  await store.run(`INSERT INTO ledger VALUES ($seq, $at, $act, $entry, $prev, $hash)`, {
    seq, at, act, entry: entryText(entry), prev, hash: entry.hash,
  });
  // one statement for all of an entry's blocks (a large log has hundreds), not one per block
  if (blocks.length) {
    await store.run(
      `INSERT INTO ledger_blocks SELECT $seq, b.tbl, b.block, b.rows, b.digest
       FROM (SELECT unnest(from_json($blocks, '[{"tbl":"VARCHAR","block":"BIGINT","rows":"BIGINT","digest":"VARCHAR"}]')) AS b)`,
      { seq, blocks: JSON.stringify(blocks.map(({ tbl, block, rows, digest }) => ({ tbl, block, rows, digest }))) },
    );
  }
  return entry;
}

/** A stored entry: the row, and the text its hash covers (the `entry` column) parsed. */
export interface StoredEntry extends LedgerEntry {
  /** the canonical text as stored: what the hash is recomputed from */
  text: string;
  /** what the text says of itself, to hold against the row's own seq and act */
  said: { seq: unknown; act: unknown; at: unknown };
}

/** Every entry in order, as stored. */
export async function ledgerEntries(store: Store): Promise<StoredEntry[]> {
  const rows = await store.json<{ seq: number; at: string; act: string; entry: string; prev: string; hash: string }>(
    `SELECT seq, ts AS "at", act, entry, prev, hash FROM ledger ORDER BY seq`,
  );
  return rows.map((r) => {
    const parsed = safeParse(r.entry);
    const body = parsed.body !== null && typeof parsed.body === 'object' && !Array.isArray(parsed.body) ? (parsed.body as Record<string, unknown>) : {};
    return {
      seq: Number(r.seq), at: r.at, act: r.act as LedgerAct, body, prev: r.prev, hash: r.hash, text: r.entry,
      said: { seq: parsed.seq, act: parsed.act, at: parsed.at },
    };
  });
}

/** Is this hash one of the chain's entries (or the empty chain's GENESIS)? */
export async function inLedger(store: Store, hash: string): Promise<boolean> {
  if (hash === GENESIS) return true;
  return (await store.one(`SELECT 1 AS x FROM ledger WHERE hash = $hash`, { hash })) !== undefined;
}

function safeParse(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { unparsable: text };
  } catch {
    return { unparsable: text };
  }
}

/** One block of a table's rows for one source: where a later mismatch is found. */
export interface BlockDigest {
  tbl: string;
  block: number;
  rows: number;
  digest: string;
}

export async function ledgerBlocks(store: Store, seq: number, tbl: string): Promise<Map<number, { rows: number; digest: string }>> {
  const rows = await store.json<{ block: number; rows: number; digest: string }>(
    `SELECT block, rows, digest FROM ledger_blocks WHERE seq = $seq AND tbl = $tbl`, { seq, tbl },
  );
  return new Map(rows.map((r) => [Number(r.block), { rows: Number(r.rows), digest: r.digest }]));
}
