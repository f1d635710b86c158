// One DuckDB file per investigation. Opening creates it 0600 (it holds raw tokens and oct secrets) and migrates it.
import { chmodSync, existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { InputError } from '../errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { storeWriteError } from './write-error.js';
import { discardedNote, discardPending, pendingSource } from './pending-ingest.js';
import { stripControlInline } from '../util/sanitize.js';

export type Params = Record<string, DuckDBValue> | DuckDBValue[];
export type Row = Record<string, unknown>;

export interface OpenOptions {
  readOnly?: boolean;
  /** the store must already exist (commands that read what `ingest` loaded): never create an empty one */
  mustExist?: boolean;
  /**
   * refuse SQL that touches files other than the store (for `query`): external access off, no temp directory (so
   * not even `<db>.tmp/` is writable), and the configuration locked so no statement can turn any of it back
   */
  noExternalAccess?: boolean;
}

// Once a statement fails, DuckDB aborts the transaction and every later one says only this.
const ABORTED = /Current transaction is aborted/i;

export class Store {
  /** the first failure inside the running transaction: its cause, whatever a later statement (a `finally`) says */
  private failure: { err: unknown } | null = null;
  private inTransaction = false;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    /** a sibling (`alongside`) shares its instance with the store that made it, and closes only its connection */
    private readonly ownsInstance = true,
  ) {}

  /** A second connection to the same database, for a read that runs while this one goes on with its transaction:
   *  it sees what is committed. Close it when done. */
  async alongside(): Promise<Store> {
    const conn = await this.instance.connect();
    const sibling = new Store(this.path, this.instance, conn, false);
    await conn.run(`SET TimeZone = 'UTC'`);
    return sibling;
  }

  static async open(path: string, opts: OpenOptions = {}): Promise<Store> {
    const isMemory = path === ':memory:';
    if ((opts.readOnly || opts.mustExist) && !isMemory && !existsSync(path)) {
      throw new InputError(`no store at ${path}: run \`jwt-forensics ingest <path…>\` first, or pass --db`);
    }
    // Every extension we use is built in: nothing is ever downloaded or loaded on demand (a statement naming an
    // extension's function must fail, not fetch code).
    const config: Record<string, string> = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };
    if (opts.readOnly) config.access_mode = 'READ_ONLY';
    const instance = await createInstance(path, config);
    if (!isMemory) chmodSync(path, 0o600);
    const conn = await instance.connect();
    const store = new Store(path, instance, conn);
    await conn.run(`SET TimeZone = 'UTC'`);
    if (opts.noExternalAccess) {
      // in this order: the temp directory cannot be changed once external access is off (and '' cannot be a
      // start-up setting); nothing has run on this connection before these
      await conn.run(`SET temp_directory = ''`);
      await conn.run(`SET enable_external_access = false`);
      await conn.run(`SET lock_configuration = true`);
    }
    if (!opts.readOnly) await store.migrate();
    else await store.requireSchema();
    await store.settleInterruptedIngest(!opts.readOnly);
    return store;
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.noted(this.conn.run(sql, params));
  }

  /** How far the running statement is, 0–100, or -1 when DuckDB cannot tell (it needs enable_progress_bar). */
  progress(): number {
    return this.conn.progress.percentage;
  }

  /** Rows as plain JS values (BIGINT → bigint, TIMESTAMP → Date). */
  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.noted(this.conn.runAndReadAll(sql, params));
    return reader.getRowObjectsJS() as T[];
  }

  /** Rows as JSON-safe values (BIGINT → string, TIMESTAMP → string). */
  async json<T = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.noted(this.conn.runAndReadAll(sql, params));
    return reader.getRowObjectsJson() as T[];
  }

  /** Rows as JSON-safe values, with each column's DuckDB type (for SQL the tool did not write: `query`). */
  async jsonTyped(sql: string): Promise<{ rows: Row[]; types: Record<string, string> }> {
    const reader = await this.noted(this.conn.runAndReadAll(sql));
    const names = reader.columnNames();
    const types = reader.columnTypes().map((t) => t.toString());
    return { rows: reader.getRowObjectsJson() as Row[], types: Object.fromEntries(names.map((n, i) => [n, types[i]!])) };
  }

  private async noted<T>(pending: Promise<T>): Promise<T> {
    try {
      return await pending;
    } catch (err) {
      if (this.inTransaction) this.failure ??= { err };
      throw err;
    }
  }

  async one<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Run `fn` in one transaction: all of it lands or none of it. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    this.inTransaction = true;
    this.failure = null;
    try {
      const out = await fn();
      await this.conn.run('COMMIT');
      return out;
    } catch (err) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw this.causeOf(err);
    } finally {
      this.inTransaction = false;
      this.failure = null;
    }
  }

  /** An ingest that committed rows and then crashed (store/pending-ingest.ts): a writing open removes its rows, a
   *  read-only one says they are there. */
  private async settleInterruptedIngest(writable: boolean): Promise<void> {
    if (!writable) {
      const source = await pendingSource(this);
      if (source !== null) process.stderr.write(`${stripControlInline(this.path)}: holds the rows of an ingest that did not finish (source ${source}); a writing command (ingest, check) removes them\n`);
      return;
    }
    const gone = await discardPending(this);
    if (gone) process.stderr.write(`${discardedNote(stripControlInline(this.path), gone)}\n`);
  }

  /** Inside `transaction`: commit what is done so far and go on in a new transaction. Only for rows that a marker
   *  in `meta` names as unfinished (store/pending-ingest.ts), so a failure after it can remove them. */
  async commitSoFar(): Promise<void> {
    if (!this.inTransaction) throw new Error('commitSoFar outside a transaction');
    await this.noted(this.conn.run('COMMIT'));
    await this.noted(this.conn.run('BEGIN TRANSACTION'));
  }

  /** What made the transaction fail: a full disk even when a reader re-worded it; never "aborted" when the first error is known. */
  private causeOf(err: unknown): unknown {
    const first = this.failure?.err ?? err;
    return storeWriteError(this.path, first) ?? (err instanceof Error && ABORTED.test(err.message) ? first : err);
  }

  close(): void {
    this.conn.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }

  private async schemaVersion(): Promise<number> {
    const hasMeta = await this.one<{ n: bigint }>(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'`,
    );
    if (!hasMeta || hasMeta.n === 0n) return 0;
    const row = await this.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);
    return row ? Number(row.value) : 0;
  }

  private async migrate(): Promise<void> {
    const from = await this.schemaVersion();
    if (from > SCHEMA_VERSION) {
      throw new InputError(`${this.path} was written by a newer jwt-forensics (schema ${from} > ${SCHEMA_VERSION}); upgrade the tool`);
    }
    if (from === SCHEMA_VERSION) return;
    await this.transaction(async () => {
      for (let v = from; v < SCHEMA_VERSION; v++) await this.conn.run(MIGRATIONS[v]!);
      await this.conn.run(`INSERT OR REPLACE INTO meta VALUES ('schema_version', $v)`, { v: String(SCHEMA_VERSION) });
    });
  }

  private async requireSchema(): Promise<void> {
    const v = await this.schemaVersion();
    if (v > 0 && v < SCHEMA_VERSION) {
      // read-only commands cannot migrate; any writing command (ingest, check) does it in place
      throw new InputError(`${this.path} was written by an older jwt-forensics (schema ${v} < ${SCHEMA_VERSION}): run \`jwt-forensics check\` or \`ingest\` on it once to migrate it`);
    }
    if (v !== SCHEMA_VERSION) {
      throw new InputError(`${this.path} is not a jwt-forensics store of schema ${SCHEMA_VERSION} (found ${v})`);
    }
  }
}

async function createInstance(path: string, config: Record<string, string>): Promise<DuckDBInstance> {
  // umask so the database and its WAL are never readable by others, even for the moment before chmod.
  const oldMask = process.umask(0o077);
  try {
    return await DuckDBInstance.create(path, config);
  } catch (err) {
    throw explainOpenError(path, err);
  } finally {
    process.umask(oldMask);
  }
}

function explainOpenError(path: string, err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err);
  const pid = /PID (\d+)/.exec(msg)?.[1];
  if (/Could not set lock|Conflicting lock/i.test(msg)) {
    return new InputError(
      `the store ${path} is in use by another process${pid ? ` (PID ${pid})` : ''}: wait for it to finish, or use --db for another store`,
    );
  }
  if (/not a valid DuckDB database|Invalid Input Error.*database/i.test(msg)) {
    return new InputError(`${path} is not a DuckDB database (or it is corrupt): pass --db with a store made by jwt-forensics`);
  }
  if (/Permission denied|No such file|Cannot open/i.test(msg)) {
    return new InputError(`cannot open the store ${path}: ${msg.split('\n')[0]}`);
  }
  return new InputError(`cannot open the store ${path}: ${msg.split('\n')[0]}`);
}
