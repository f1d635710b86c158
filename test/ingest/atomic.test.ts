import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/db.js';
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
    expect(cli(['--db', db, 'ingest', first]).code).toBe(0);

    const big = join(dir, 'big.ndjson');
    const chunk: string[] = [];
    for (let i = 0; i < LINES; i++) chunk.push(`{"ts":${1773482400 + i},"event":"use","sub":"u-${i % 97}","ip":"10.0.${i % 250}.1","ua":"agent ${i % 13}"}`);
    writeFileSync(big, chunk.join('\n') + '\n');

    const child = spawn(process.execPath, [BIN, '--db', db, 'ingest', big], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 600));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));

    const store = await Store.open(db);
    const events = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM events`))!.n);
    const sources = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM sources`))!.n);
    store.close();
    // Killed in flight: only the first file. Finished before the kill: both, whole. Never a part.
    expect([[1, 1], [1 + LINES, 2]]).toContainEqual([events, sources]);

    expect(cli(['--db', db, 'ingest', big]).code).toBe(0);
    const again = await Store.open(db);
    const total = Number((await again.one<{ n: bigint }>(`SELECT count(*) AS n FROM events`))!.n);
    again.close();
    expect(total).toBe(1 + LINES);
  });
});
