import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { Store } from '../../src/store/db.js';
import { StoreWriteError, storeWriteError } from '../../src/store/write-error.js';

describe('storeWriteError', () => {
  it('names the store and the cause of a refused write, and the source when told', () => {
    const err = storeWriteError('/cases/c.duckdb', new Error('IO Error: Could not write file "/cases/c.duckdb": No space left on device'));
    expect(err).toBeInstanceOf(InputError);
    expect(err?.message).toBe('cannot write the store /cases/c.duckdb: the disk is full (no space left on device)');
    expect(err?.during('logs/a.ndjson').message).toMatch(/^cannot write the store \/cases\/c\.duckdb: the disk is full .*; logs\/a\.ndjson was not loaded and the store is as it was before it/);
    expect(storeWriteError('s', new Error('IO Error: Could not write file "s.wal": File too large'))?.why).toBe('the file size limit was reached (file too large)');
    expect(storeWriteError('s', new Error('IO Error: Could not fsync file "s": Input/output error'))?.why).toBe('IO Error: Could not fsync file "s": Input/output error');
  });

  it('leaves other errors alone', () => {
    expect(storeWriteError('s', new Error('Constraint Error: duplicate key'))).toBeNull();
    expect(storeWriteError('s', 'IO Error: Could not read file')).toBeNull();
  });
});

describe('Store.transaction', () => {
  it('throws the first failure, not the "transaction is aborted" of a statement in a finally', async () => {
    const store = await Store.open(':memory:');
    try {
      await store.run(`CREATE TABLE t (k INTEGER PRIMARY KEY)`);
      const failed = store.transaction(async () => {
        await store.run(`INSERT INTO t VALUES (1)`);
        try {
          await store.run(`INSERT INTO t VALUES (1)`);
        } finally {
          await store.run(`SELECT 1`); // fails: the transaction is aborted
        }
      });
      await expect(failed).rejects.toThrow(/Constraint Error/);
      expect(await store.all(`SELECT * FROM t`)).toEqual([]);
      // the next transaction starts clean
      await store.transaction(() => store.run(`INSERT INTO t VALUES (2)`));
      await expect(store.transaction(() => Promise.reject(new InputError('x.ndjson: bad')))).rejects.toThrow('x.ndjson: bad');
    } finally {
      store.close();
    }
  });
});
