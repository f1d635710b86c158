// An events file's bulk INSERT commits before the rest of its source (store/pending-ingest.ts), with a marker. A
// crash in between leaves committed events of a source that never finished: a read-only command says so, a writing
// one removes them (and only them) and says how many; a marker whose source did finish only goes itself.
// Run `npm run build` first.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { makeKey } from '../helpers/tokens.js';

async function sql(db: string, ...statements: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(db);
  const conn = await instance.connect();
  for (const s of statements) await conn.run(s);
  conn.closeSync();
  instance.closeSync();
}

const count = (db: string, what: string): number =>
  Number((JSON.parse(cli(['--db', db, '--format', 'json', 'query', `SELECT count(*) AS n FROM ${what}`]).stdout) as { n: string }[])[0]!.n);

async function loadedStore(): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = join(dir, 'case.duckdb');
  const key = await makeKey('k-1', 'ES256');
  const lines = await Promise.all(
    [1, 2, 3].map(async (i) => JSON.stringify({ ts: 1773482400 + i, event: 'use', sub: `u-${i}`, ip: '81.2.69.9', outcome: 'success', token: await key.sign({ sub: `u-${i}`, jti: `j-${i}`, iat: 1773482400, exp: 1773486000 }) })),
  );
  const file = join(dir, 'events.ndjson');
  (await import('node:fs')).writeFileSync(file, lines.join('\n') + '\n');
  const r = cli(['--db', db, 'ingest', file]);
  expect(r.code, r.stderr).toBe(0);
  return { dir, db };
}

describe('an ingest that did not finish', () => {
  it('a crash after the bulk INSERT: read-only commands say so, a writing one removes those rows and says how many', async () => {
    const { db } = await loadedStore();
    // what a crash between the two transactions leaves: the marker, events and a token of source 99, no sources row
    await sql(db,
      `INSERT INTO meta VALUES ('ingest_pending', '99')`,
      `INSERT INTO events SELECT 99 AS source_id, * EXCLUDE (source_id) FROM events`,
      `INSERT INTO tokens SELECT * REPLACE (sha256 || '-x' AS sha256, 99 AS first_source) FROM tokens LIMIT 1`,
    );
    const q = cli(['--db', db, '--format', 'json', 'query', 'SELECT count(*) AS n FROM events']);
    expect(q.code).toBe(0);
    expect(q.stderr).toContain('holds the rows of an ingest that did not finish (source 99); a writing command (ingest, check) removes them');
    expect(JSON.parse(q.stdout)[0].n).toBe('6');

    const c = cli(['--db', db, 'check']);
    expect(c.stderr).toContain('removed the rows of an ingest that did not finish (source 99: 3 events, 1 tokens); ingest that file again');
    expect(count(db, 'events')).toBe(3);
    expect(count(db, 'tokens')).toBe(3);
    expect(count(db, "meta WHERE key = 'ingest_pending'")).toBe(0);
    const v = cli(['--db', db, 'verify']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    // said once: the next command has nothing to remove
    expect(cli(['--db', db, 'check']).stderr).not.toContain('did not finish');
  });

  it('near miss: a marker naming a source that finished removes nothing', async () => {
    const { db } = await loadedStore();
    await sql(db, `INSERT INTO meta VALUES ('ingest_pending', (SELECT max(id)::VARCHAR FROM sources))`);
    const c = cli(['--db', db, 'check']);
    expect(c.stderr).not.toContain('did not finish');
    expect(count(db, 'events')).toBe(3);
    expect(count(db, "meta WHERE key = 'ingest_pending'")).toBe(0);
    expect(cli(['--db', db, 'verify']).code).toBe(0);
  });
});
