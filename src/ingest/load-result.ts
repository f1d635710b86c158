import type { RejectRow } from './ndjson-stage.js';

/** What one reader did with one source. */
export interface LoadResult {
  rows: number;
  rejects: RejectRow[];
  newTokens: number;
  /** notes for the summary that are not rejects (a private key reduced to its public half, a duplicate kid) */
  warnings?: string[];
  /** kids of keys added (their tokens get re-verified) */
  kids?: string[];
}
