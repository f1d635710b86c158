// A write the filesystem refused (full disk, file size limit, quota). DuckDB words it "IO Error: Could not write
// file …"; the investigator needs one line naming the store and the cause, not an internal error.
import { InputError } from '../errors.js';

const CAUSES: readonly [RegExp, string][] = [
  [/No space left on device/i, 'the disk is full (no space left on device)'],
  [/File too large/i, 'the file size limit was reached (file too large)'],
  [/Disk quota exceeded/i, 'the disk quota is exceeded'],
];
const IO_WRITE = /IO Error: Could not (write|fsync|truncate|extend)[^\n]*/i;

export class StoreWriteError extends InputError {
  constructor(
    readonly store: string,
    readonly why: string,
    readonly source?: string,
  ) {
    super(
      `cannot write the store ${store}: ${why}` +
        (source ? `; ${source} was not loaded and the store is as it was before it: free space (or use --db on another disk) and run the ingest again` : ''),
    );
  }

  /** The same failure, naming the source whose transaction was rolled back. */
  during(source: string): StoreWriteError {
    return new StoreWriteError(this.store, this.why, source);
  }
}

/** The error as a StoreWriteError when the filesystem refused a write; null for any other error. */
export function storeWriteError(store: string, err: unknown): StoreWriteError | null {
  if (err instanceof StoreWriteError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const why = CAUSES.find(([re]) => re.test(msg))?.[1] ?? IO_WRITE.exec(msg)?.[0];
  return why ? new StoreWriteError(store, why) : null;
}
