// One measured task, run in its own process so peak RSS is its own: prints {ms, rss_mb, extra} as JSON.
import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { main } from '../../src/cli/main.js';

const [task, file, db, ...rest] = process.argv.slice(2);
if (!task || !file || !db) throw new Error('usage: task.ts <floor|cli> <file> <db> [cli args…]');

async function floor(): Promise<void> {
  for (const f of [db!, `${db}.wal`]) rmSync(f, { force: true });
  const instance = await DuckDBInstance.create(db!);
  const conn = await instance.connect();
  await conn.run(`CREATE TABLE events AS SELECT * FROM read_json($f, format = 'newline_delimited')`, { f: file! });
  conn.closeSync();
  instance.closeSync();
}

const started = process.hrtime.bigint();
let code = 0;
if (task === 'floor') await floor();
else code = await main(['node', 'jwt-forensics', '--db', db, '--quiet', ...rest]);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stderr.write(`\n${JSON.stringify({ ms, rss_mb, code })}\n`);
