import { statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { SCHEMA_VERSION } from '../../src/store/schema.js';
import { Store } from '../../src/store/db.js';
import { tempDir, tempFile } from '../helpers/tmp.js';

describe('Store', () => {
  it('creates a 0600 file with the schema version recorded', async () => {
    const path = join(tempDir(), 'case.duckdb');
    const store = await Store.open(path);
    const row = await store.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);
    store.close();
    expect(row?.value).toBe(String(SCHEMA_VERSION));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('reopens without migrating twice and keeps data', async () => {
    const path = join(tempDir(), 'case.duckdb');
    const a = await Store.open(path);
    await a.run(`INSERT INTO rejects VALUES (1, 'x', 3, 'bad-json', 'd')`);
    a.close();
    const b = await Store.open(path);
    const n = await b.one<{ n: bigint }>(`SELECT count(*) AS n FROM rejects`);
    b.close();
    expect(n?.n).toBe(1n);
  });

  it('refuses to open a missing store read-only with a clear message', async () => {
    await expect(Store.open(join(tempDir(), 'none.duckdb'), { readOnly: true })).rejects.toThrow(/no store at/);
  });

  it('names a file that is not a DuckDB database', async () => {
    const path = tempFile('not.duckdb', 'hello, this is not a database at all'.repeat(200));
    await expect(Store.open(path)).rejects.toBeInstanceOf(InputError);
  });

  it('rolls a failed transaction back', async () => {
    const store = await Store.open(':memory:');
    await expect(
      store.transaction(async () => {
        await store.run(`INSERT INTO rejects VALUES (1, 'x', 3, 'bad-json', 'd')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const n = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM rejects`);
    store.close();
    expect(n?.n).toBe(0n);
  });

  it('gives a clear message when another process holds the store', async () => {
    const path = join(tempDir(), 'busy.duckdb');
    (await Store.open(path)).close();
    const holder = spawn(
      process.execPath,
      ['-e', `const {DuckDBInstance}=require('@duckdb/node-api');DuckDBInstance.create(${JSON.stringify(path)}).then(()=>{console.log('held');setTimeout(()=>{},20000)})`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout!.on('data', () => resolve()));
      await expect(Store.open(path)).rejects.toThrow(/in use by another process/);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('migrates a schema-1 store in place (v2 adds ip_locations), and says so to a read-only command', async () => {
    const path = join(tempDir(), 'v1.duckdb');
    const v1 = await Store.open(path);
    await v1.run(`INSERT INTO rejects VALUES (1, 'x', 3, 'bad-json', 'd')`);
    await v1.run(`DROP TABLE ip_locations`); // what a store written by schema 1 looks like
    await v1.run(`ALTER TABLE tokens DROP COLUMN sig_jkt`);
    await v1.run(`ALTER TABLE tokens DROP COLUMN noncanonical`);
    await v1.run(`DROP TABLE runs`);
    await v1.run(`DROP SEQUENCE run_ids`);
    await v1.run(`ALTER TABLE findings DROP COLUMN run_id`);
    await v1.run(`ALTER TABLE key_events DROP COLUMN jkt`);
    await v1.run(`ALTER TABLE key_events DROP COLUMN iss`);
    await v1.run(`ALTER TABLE tokens DROP COLUMN same_as`);
    await v1.run(`DROP TABLE ledger`);
    await v1.run(`DROP TABLE ledger_blocks`);
    await v1.run(`UPDATE meta SET value = '1' WHERE key = 'schema_version'`);
    v1.close();
    await expect(Store.open(path, { readOnly: true })).rejects.toThrow(/older jwt-forensics \(schema 1 < 6\).*migrate/);
    const v2 = await Store.open(path);
    const version = await v2.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);
    const kept = await v2.one<{ n: bigint }>(`SELECT count(*) AS n FROM rejects`);
    const geo = await v2.all(`SELECT * FROM ip_locations`);
    v2.close();
    expect([version?.value, kept?.n, geo]).toEqual([String(SCHEMA_VERSION), 1n, []]);
  });
});
