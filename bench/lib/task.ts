// One measured task, run in its own process so peak RSS is its own: prints {ms, rss_mb, extra} as JSON.
import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { main } from '../../src/cli/main.js';
import { decodeToken } from '../../src/jwt/decode.js';
import { verifyTokens } from '../../src/jwt/verify.js';
import { Store } from '../../src/store/db.js';
import { loadKeys } from '../../src/store/key-registry.js';

const [task, file, db, ...rest] = process.argv.slice(2);
if (!task || !file || !db) throw new Error('usage: task.ts <floor|verify|cli|dist> <file> <db> [dist/cli/main.js] [cli args…]');

async function floor(): Promise<void> {
  for (const f of [db!, `${db}.wal`]) rmSync(f, { force: true });
  const instance = await DuckDBInstance.create(db!);
  const conn = await instance.connect();
  await conn.run(`CREATE TABLE events AS SELECT * FROM read_json($f, format = 'newline_delimited')`, { f: file! });
  conn.closeSync();
  instance.closeSync();
}

/** Decode and verify every token of an ingested store, as ingest does (once per distinct token): only that is timed. */
async function verify(): Promise<{ ms: number; count: number }> {
  const store = await Store.open(db!, { readOnly: true });
  try {
    const raw = await store.all<{ raw: string }>(`SELECT raw FROM tokens`);
    const keys = await loadKeys(store);
    const t0 = process.hrtime.bigint();
    await verifyTokens(raw.map((r) => decodeToken(r.raw)), keys);
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, count: raw.length };
  } finally {
    store.close();
  }
}

const started = process.hrtime.bigint();
let code = 0;
let count: number | undefined;
let ms: number | undefined;
if (task === 'floor') await floor();
else if (task === 'verify') ({ ms, count } = await verify());
else if (task === 'dist') {
  // a built CLI (this tree's or a baseline's dist/cli/main.js): what users run, without tsx
  const [module, ...args] = rest;
  const built = (await import(module!)) as { main: typeof main };
  code = await built.main(['node', 'jwt-forensics', '--db', db, '--quiet', ...args]);
} else code = await main(['node', 'jwt-forensics', '--db', db, '--quiet', ...rest]);
ms ??= Number(process.hrtime.bigint() - started) / 1e6;
const rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stderr.write(`\n${JSON.stringify({ ms, rss_mb, code, count })}\n`);
