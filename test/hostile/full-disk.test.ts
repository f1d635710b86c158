// Issue 8 "Failure": the store's filesystem runs out of space mid-ingest. The file that hit the wall is rolled back
// whole (one transaction a source), the files before it stay, the message is one line naming the store, and a
// re-run once there is room loads everything. Two ways to run out, so the test runs for any user:
//  - RLIMIT_FSIZE (`ulimit -f`, no privilege needed): a write past the limit fails with EFBIG ("File too large");
//    SIGXFSZ is ignored first (`trap '' XFSZ`, kept across exec), or the kernel would kill the process instead.
//  - a small tmpfs (root only, skipped otherwise): a real full disk, ENOSPC.
// Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/db.js';
import { cli, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { jwks, makeKey } from '../helpers/tokens.js';

const BIN = fileURLToPath(new URL('../../bin/jwt-forensics.js', import.meta.url));
const BASH = '/bin/bash';
const LINES = 200_000;
const ROOM = 256 * 1024; // enough for `small`; `big` needs over 1 MB more
const STACK = '\n    at ';

let inputs: string;
let keys: string;
let earlier: string;
let small: string;
let big: string;

beforeAll(async () => {
  inputs = mkdtempSync(join(tmpdir(), 'jwtf-full-disk-'));
  const key = await makeKey('rsa-1', 'RS256');
  const token = await key.sign({ sub: 'u-1', jti: 'j-1', iat: 1773482400, exp: 1773486000 });
  const events = (n: number, from: number, extra = {}): string =>
    Array.from({ length: n }, (_, i) => JSON.stringify({ ts: from + i, event: 'use', sub: `u-${i % 97}`, ip: `10.0.${i % 250}.1`, ua: `agent ${i}`, ...extra })).join('\n') + '\n';
  writeFileSync((keys = join(inputs, 'keys.jwks.json')), jwks(key));
  writeFileSync((earlier = join(inputs, 'earlier.ndjson')), events(500, 1773482400, { token, outcome: 'success' }));
  writeFileSync((small = join(inputs, 'small.ndjson')), events(10, 1773490000));
  writeFileSync((big = join(inputs, 'big.ndjson')), events(LINES, 1773500000));
});
afterAll(() => rmSync(inputs, { recursive: true, force: true }));

interface Snapshot {
  sources: unknown[];
  events: number;
  digest: unknown;
  tokens: unknown[];
  keys: unknown[];
}

async function snapshot(db: string): Promise<Snapshot> {
  const store = await Store.open(db, { readOnly: true });
  try {
    return {
      sources: await store.json(`SELECT path, sha256, kind, rows, rejected FROM sources ORDER BY id`),
      events: Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM events`))!.n),
      // every stored value of every event, folded: any change to an earlier row changes it
      digest: (await store.json(`SELECT sum(hash(e)) AS h FROM events e`))[0],
      tokens: await store.json(`SELECT sha256, sig_status, sig_kid FROM tokens ORDER BY sha256`),
      keys: await store.json(`SELECT kid, thumbprint FROM keys ORDER BY kid`),
    };
  } finally {
    store.close();
  }
}

/**
 * Earlier files load; then `small` and `big` in one command that runs out of room during `big`. Afterwards the
 * store holds exactly the earlier files and `small`, opens, and once there is room a re-run loads `big` whole.
 */
async function runOutOfRoom(db: string, limited: (args: string[]) => CliResult, makeRoom: () => void, why: string): Promise<void> {
  const first = cli(['--db', db, 'ingest', keys, earlier]);
  expect(first.code, first.stderr).toBe(0);
  const before = await snapshot(db);
  expect(before.tokens).toEqual([expect.objectContaining({ sig_status: 'valid', sig_kid: 'rsa-1' })]);

  const r = limited(['--db', db, 'ingest', small, big]);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(
    `jwt-forensics: cannot write the store ${db}: ${why}; ${big} was not loaded and the store is as it was before it: ` +
      'free space (or use --db on another disk) and run the ingest again\n',
  );
  expect(r.stderr).not.toContain(STACK);

  const after = await snapshot(db);
  expect(after.sources).toEqual([...before.sources, expect.objectContaining({ path: small, rows: '10' })]);
  expect(after.events).toBe(before.events + 10);
  expect(after.tokens).toEqual(before.tokens);
  expect(after.keys).toEqual(before.keys);
  // the earlier rows are untouched: the digest of all but `small` is the digest before
  const store = await Store.open(db, { readOnly: true });
  const earlierDigest = (await store.json(`SELECT sum(hash(e)) AS h FROM events e WHERE source_id IN (SELECT id FROM sources WHERE path <> $p)`, { p: small }))[0];
  store.close();
  expect(earlierDigest).toEqual(before.digest);

  makeRoom();
  const rerun = cli(['--db', db, 'ingest', small, big]);
  expect(rerun.code, rerun.stderr).toBe(0);
  const done = await snapshot(db);
  expect(done.events).toBe(before.events + 10 + LINES);
  expect(done.sources).toEqual([...after.sources, expect.objectContaining({ path: big, rows: String(LINES), rejected: '0' })]);
}

/** Why RLIMIT_FSIZE cannot be used here (null: it can): a 64 KB write under a 4 KB limit must fail with EFBIG. */
function fsizeLimitUnavailable(dir: string): string | null {
  if (process.platform === 'win32' || !existsSync(BASH)) return `needs ${BASH} and RLIMIT_FSIZE (ulimit -f)`;
  const probe = `try { require('fs').writeFileSync(${JSON.stringify(join(dir, 'probe'))}, Buffer.alloc(65536)); } catch (e) { process.stdout.write(e.code); }`;
  const r = spawnSync(BASH, ['-c', `trap '' XFSZ; ulimit -f 4 && exec "$@"`, 'bash', process.execPath, '-e', probe], { encoding: 'utf8' });
  return r.stdout === 'EFBIG' ? null : `ulimit -f does not make writes fail with EFBIG here (${r.stdout || r.stderr || `exit ${r.status}`})`;
}

/** Why a tmpfs cannot be mounted here (null: it was mounted at `dir`). */
function mountTmpfs(dir: string, size: string): string | null {
  if (process.platform !== 'linux') return 'tmpfs needs Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root; the RLIMIT_FSIZE test covers other users';
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : `cannot mount a tmpfs (${(r.stderr || r.error?.message || '').trim()})`;
}

describe('the store runs out of space mid-ingest', () => {
  it('file size limit (EFBIG): one clear line, the failed file rolled back whole, a re-run loads it', async (ctx) => {
    const dir = tempDir();
    const unavailable = fsizeLimitUnavailable(dir);
    ctx.skip(unavailable !== null, unavailable ?? '');
    const db = join(dir, 'case.duckdb');
    const limited = (args: string[]): CliResult => {
      // room for ROOM more bytes than the store holds now, far less than `big` needs
      const limitKb = Math.ceil((statSync(db).size + ROOM) / 1024);
      const r = spawnSync(BASH, ['-c', `trap '' XFSZ; ulimit -f ${limitKb} && exec "$@"`, 'bash', process.execPath, BIN, ...args], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    // making room is running without the limit
    await runOutOfRoom(db, limited, () => undefined, 'the file size limit was reached (file too large)');
  }, 180_000);

  it('full tmpfs (ENOSPC): the same, and freeing space lets the re-run load everything', async (ctx) => {
    const mnt = join(tempDir(), 'mnt');
    mkdirSync(mnt);
    // room for the re-run: committing `big` (16 MB of events) writes its rows to the WAL before the checkpoint
    const unavailable = mountTmpfs(mnt, '64m');
    ctx.skip(unavailable !== null, unavailable ?? '');
    try {
      const db = join(mnt, 'case.duckdb');
      const filler = join(mnt, 'filler');
      const limited = (args: string[]): CliResult => {
        // fill the disk up to ROOM bytes
        const { bavail, bsize } = statfsSync(mnt);
        writeFileSync(filler, Buffer.alloc(Math.max(0, Number(bavail) * Number(bsize) - ROOM)));
        return cli(args);
      };
      await runOutOfRoom(db, limited, () => unlinkSync(filler), 'the disk is full (no space left on device)');
    } finally {
      const r = spawnSync('umount', [mnt]);
      if (r.status !== 0) spawnSync('umount', ['-l', mnt]);
    }
  }, 180_000);
});
