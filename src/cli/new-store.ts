// A store that a command created and then found nothing to put in: removed again, so a wrong path never leaves an
// empty store behind that a later `check` would call clean.
import { existsSync, rmSync } from 'node:fs';
import { NothingToRead } from '../ingest/ingest-paths.js';

/** Whether the store at `db` exists before the command opens (and so maybe creates) it. */
export const storeExists = (db: string): boolean => db === ':memory:' || existsSync(db);

/** After the store is closed: when the command created it and found nothing to read, remove it and its WAL. */
export function dropIfNothingRead(err: unknown, db: string, existed: boolean): void {
  if (existed || !(err instanceof NothingToRead)) return;
  for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
}
