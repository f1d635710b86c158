// Issue 8 "Failure": two ingests into one store at once (as they fall, and forced to overlap), and a --db path that
// cannot be written (we run as root, so "unwritable" is a path under a regular file: no permission bit stops root,
// ENOTDIR does). A full disk is test/hostile/full-disk.test.ts.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Resolves once `pid` holds a POSIX lock (DuckDB locks the store file when it opens it); rejects if it exits first. */
async function holdsLock(pid: number, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  // /proc/locks: "1: POSIX  ADVISORY  WRITE <pid> <dev>:<inode> 0 EOF"; matched by pid, since an overlay
  // filesystem may show another inode than stat() does, and this process locks nothing else
  const held = (): boolean => readFileSync('/proc/locks', 'utf8').split('\n').some((l) => l.trim().split(/\s+/)[4] === String(pid));
  while (!held()) {
    if (gone) throw new Error(`process ${pid} ended before it held the store`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('two ingests forced to overlap', () => {
  it('the second fails clearly while the first holds the store; afterwards the store holds exactly what loaded', async (ctx) => {
    ctx.skip(!existsSync('/proc/locks'), 'needs /proc/locks (Linux) to see the first process hold the store');
    const dir = tempDir();
    const db = join(dir, 'case.duckdb');
    const other = tempFile('other.ndjson', '{"ts":1773482400,"event":"use","sub":"late"}\n{"ts":1773482401,"event":"use","sub":"late"}\n');
    const n = 50_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`{"ts":${1773482400 + i},"event":"use","sub":"u-${i % 97}"}`);

    // The first reads NDJSON from stdin: it opens (and locks) the store, then waits for the input, so it holds
    // the store for as long as this test keeps its stdin open. No race: the overlap is certain.
    const first = spawn(process.execPath, [BIN, '--db', db, 'ingest', '-'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'ignore', 'pipe'] });
    let firstErr = '';
    first.stderr.on('data', (c: Buffer) => (firstErr += c.toString()));
    const exited = new Promise<number | null>((resolve) => first.on('exit', resolve));
    try {
      await holdsLock(first.pid!, exited);
      const inUse = `jwt-forensics: the store ${db} is in use by another process (PID ${first.pid}): wait for it to finish, or use --db for another store\n`;
      const second = cli(['--db', db, 'ingest', other]);
      expect(second.code).toBe(2);
      expect(second.stderr).toBe(inUse);
      const reader = cli(['--db', db, 'query', 'SELECT count(*) FROM events']);
      expect([reader.code, reader.stderr]).toEqual([2, inUse]);

      first.stdin.end(lines.join('\n') + '\n');
      expect(await exited, firstErr).toBe(0);
    } finally {
      if (first.exitCode === null) first.kill('SIGKILL');
    }

    const counts = async (): Promise<{ events: number; sources: { path: string; rows: string }[]; rejects: number }> => {
      const store = await Store.open(db, { readOnly: true });
      try {
        return {
          events: Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM events`))!.n),
          sources: await store.json<{ path: string; rows: string }>(`SELECT path, rows FROM sources ORDER BY id`),
          rejects: Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM rejects`))!.n),
        };
      } finally {
        store.close();
      }
    };
    // exactly the first's input, nothing of the refused one
    expect(await counts()).toEqual({ events: n, sources: [{ path: '-', rows: String(n) }], rejects: 0 });
    // and the refused ingest, run again now, loads whole
    expect(cli(['--db', db, 'ingest', other]).code).toBe(0);
    expect(await counts()).toEqual({ events: n + 2, sources: [{ path: '-', rows: String(n) }, { path: other, rows: '2' }], rejects: 0 });
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
