import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/db.js';
import { pendingSource } from '../../src/store/pending-ingest.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const BIN = fileURLToPath(new URL('../../bin/jwt-forensics.js', import.meta.url));
const LINES = 300_000;

describe('an interrupted ingest', () => {
  it('leaves the store as it was before that file, and a re-run loads it whole', async () => {
    const dir = tempDir();
    const db = join(dir, 'case.duckdb');
    const first = join(dir, 'first.ndjson');
    writeFileSync(first, '{"ts":1773482400,"event":"use","sub":"u-0"}\n');

    const big = join(dir, 'big.ndjson');
    const chunk: string[] = [];
    for (let i = 0; i < LINES; i++) chunk.push(`{"ts":${1773482400 + i},"event":"use","sub":"u-${i % 97}","ip":"10.0.${i % 250}.1","ua":"agent ${i % 13}"}`);
    writeFileSync(big, chunk.join('\n') + '\n');

    // Small parts and step timings on stderr: the kill lands after some of the file is in, before its commit.
    const env = { ...process.env, JWT_FORENSICS_PART_BYTES: String(2 * 1024 * 1024), JWT_FORENSICS_PROFILE: '1' };
    const child = spawn(process.execPath, [BIN, '--db', db, 'ingest', first, big], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let seen = '';
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (d: Buffer) => {
        seen += d.toString();
        // the first file in, a part of the big one committed (store/pending-ingest.ts) and its source not finished
        if (/source: committed[^]*events: part committed/.test(seen)) resolve();
      });
      child.on('exit', () => resolve());
    });
    const partsDir = readdirSync(tmpdir()).filter((n) => n.startsWith(`jwt-forensics-parts-${child.pid}-`));
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode === null && child.signalCode === null ? child.on('exit', r) : r(null)));
    expect(child.signalCode).toBe('SIGKILL');
    expect(partsDir).toHaveLength(1);
    // what the killed process left (store, the WAL holding the first file's commit, spill files) is the owner's only
    expect(existsSync(`${db}.wal`)).toBe(true);
    for (const name of readdirSync(dir).filter((n) => n.startsWith('case.duckdb'))) expect([name, statSync(join(dir, name)).mode & 0o077]).toEqual([name, 0]);

    // the big file's committed part is there, marked unfinished; the writing open below removes it
    const readOnly = await Store.open(db, { readOnly: true });
    expect(await pendingSource(readOnly)).toBe(2);
    readOnly.close();
    const store = await Store.open(db);
    expect(await pendingSource(store)).toBeNull();
    const events = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM events`))!.n);
    const sources = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM sources`))!.n);
    store.close();
    // Killed part way through: only the first file, nothing of the second.
    expect([events, sources]).toEqual([1, 1]);

    expect(cli(['--db', db, 'ingest', big]).code).toBe(0);
    const again = await Store.open(db);
    const total = Number((await again.one<{ n: bigint }>(`SELECT count(*) AS n FROM events`))!.n);
    again.close();
    expect(total).toBe(1 + LINES);
    // the re-run swept the parts the killed process left behind
    expect(existsSync(join(tmpdir(), partsDir[0]!))).toBe(false);
  });
});
