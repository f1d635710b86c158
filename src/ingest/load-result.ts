import type { RejectRow } from './line-reasons.js';
import type { TableBlocks } from '../store/ledger-digest.js';

/** What one reader did with one source. */
export interface LoadResult {
  rows: number;
  rejects: RejectRow[];
  newTokens: number;
  /** notes for the summary that are not rejects (a private key reduced to its public half, a duplicate kid) */
  warnings?: string[];
  /** kids of keys added (their tokens get re-verified) */
  kids?: string[];
  /** ledger blocks of tables the reader already hashed, from rows that no later step changed (digestAlongside) */
  ready?: Record<string, TableBlocks>;
  /** the file as a whole could not be read: its rejects are kept, the others load, the command exits 2 at the end */
  unusable?: { line: number | null; what: string; /** the whole message, for a reader other than keys (a HAR) */ message?: string };
}
