// Issue 8 "Failure": two ingests into one store at once, and a --db path that cannot be written (we run as root,
// so "unwritable" is a path under a regular file: no permission bit stops root, ENOTDIR does).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/db.js';
import { cli } from '../helpers/cli.js';
import { tempDir, tempFile } from '../helpers/tmp.js';

const BIN = fileURLToPath(new URL('../../bin/jwt-forensics.js', import.meta.url));
const LINES = 200_000;

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('two ingests at once', () => {
  it('the second waits or fails clearly, and the store is whole afterwards', async () => {
    const dir = tempDir();
    const db = join(dir, 'case.duckdb');
    const big = join(dir, 'big.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < LINES; i++) lines.push(`{"ts":${1773482400 + i},"event":"use","sub":"u-${i % 97}","ip":"10.0.${i % 250}.1"}`);
    writeFileSync(big, lines.join('\n') + '\n');
    const results = await Promise.all([run(['--db', db, 'ingest', big]), run(['--db', db, 'ingest', big])]);
    for (const r of results) {
      expect(r.stderr).not.toContain('\n    at ');
      if (r.code !== 0) {
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('in use by another process');
      }
    }
    expect(results.some((r) => r.code === 0)).toBe(true);
    const store = await Store.open(db);
    const events = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM events`))!.n);
    const sources = await store.all<{ rows: bigint }>(`SELECT rows FROM sources`);
    store.close();
    expect(events).toBe(LINES);
    expect(sources.map((s) => Number(s.rows))).toEqual([LINES]);
  }, 120_000);
});

describe('an unwritable --db path', () => {
  it('gives a clear error naming the store and exit 2, no stack trace', () => {
    const file = tempFile('plain-file', 'not a folder');
    const events = tempFile('events.ndjson', '{"ts":1773482400,"event":"use"}\n');
    const db = join(file, 'x.duckdb');
    const r = cli(['--db', db, 'ingest', events]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot open the store ${db}`);
    expect(r.stderr).not.toContain('\n    at ');
  });

  it('a --db that is not a DuckDB file is named, exit 2', () => {
    const notDb = tempFile('fake.duckdb', 'this is not a database\n'.repeat(100));
    const events = tempFile('events.ndjson', '{"ts":1773482400,"event":"use"}\n');
    const r = cli(['--db', notDb, 'ingest', events]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(notDb);
    expect(r.stderr).not.toContain('\n    at ');
  });
});
