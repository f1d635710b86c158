// Issue 14 §5: inputs that made ingest quadratic, unbounded or endless. No timings here: linearity is shown by
// counting the work (joins of a line's pieces, store queries per key, signature checks per token, tokens handed to
// verification at once), and each input is sized so the old code would take minutes (past the test's timeout) where
// the new one takes well under a second or two. The CLI cases run the built CLI: `npm run build` first.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/errors.js';
import { forEachLine } from '../../src/ingest/events/line-scan.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { decodeToken } from '../../src/jwt/decode.js';
import { verifyTokens } from '../../src/jwt/verify.js';
import { DEFAULT_POLICY, mergePolicy } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import type { KeyRecord } from '../../src/types.js';
import { cli } from '../helpers/cli.js';
import { tempDir, tempFile } from '../helpers/tmp.js';
import { keyRecord } from '../jwt/helpers.js';

// Every batch handed to verification is recorded (the real function still runs).
vi.mock('../../src/jwt/verify.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/jwt/verify.js')>();
  return { ...real, verifyTokens: vi.fn(real.verifyTokens) };
});

const BIN = fileURLToPath(new URL('../../bin/jwt-forensics.js', import.meta.url));
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

afterEach(() => {
  vi.restoreAllMocks();
  vi.mocked(verifyTokens).mockClear();
  delete process.env.JWT_FORENSICS_MAX_GUNZIP;
});

async function withStore<T>(fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(':memory:');
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

const count = async (store: Store, sql: string): Promise<number> => Number((await store.one<{ n: bigint }>(sql))!.n);

describe('a 32 MB line in a .gz', () => {
  it('is put together once, not once per 16 KB chunk (that was quadratic: 52 s)', async () => {
    const line = `{"x":"${randomBytes(24 * 1024 * 1024).toString('base64')}"}`; // 32 MB, barely compressible
    const file = tempFile('one-line.ndjson.gz', gzipSync(`{"a":1}\n${line}\n{"b":2}\n`, { level: 1 }));
    const concat = vi.spyOn(Buffer, 'concat');
    const seen: [number, number][] = [];
    await forEachLine(file, true, (n, bytes) => void seen.push([n, bytes.length]));
    expect(seen).toEqual([[1, 7], [2, line.length], [3, 7]]);
    // the old reader joined the pieces on every chunk: about 2,000 calls for this line
    expect(concat.mock.calls.length).toBeLessThanOrEqual(2);
  });
});

describe('a JWKS of 20,000 keys', () => {
  it('loads with a constant number of statements, not one SELECT per key (67–89 s)', async () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => ({ kty: 'oct', kid: `k-${i}`, k: randomBytes(32).toString('base64url') }));
    const file = tempFile('many.jwks.json', JSON.stringify({ keys }));
    await withStore(async (store) => {
      const all = vi.spyOn(store, 'all');
      const run = vi.spyOn(store, 'run');
      const summary = await ingestFile(store, file);
      expect(summary.rows).toBe(20_000);
      expect(await count(store, `SELECT count(*) AS n FROM keys`)).toBe(20_000);
      expect(all.mock.calls.length + run.mock.calls.length).toBeLessThan(50);
    });
  });

  it('still lets a JWKS kid replace the same material known by a derived kid, in one file or across files', async () => {
    const k = randomBytes(32).toString('base64url');
    await withStore(async (store) => {
      await ingestFile(store, tempFile('first.jwks.json', JSON.stringify({ keys: [{ kty: 'oct', k }, { kty: 'oct', k }] })));
      expect((await store.all<{ kid: string; kid_source: string }>(`SELECT kid, kid_source FROM keys`))).toEqual([{ kid: 'oct#first.jwks.json#1', kid_source: 'position' }]);
      await ingestFile(store, tempFile('second.jwks.json', JSON.stringify({ keys: [{ kty: 'oct', k, kid: 'named' }, { kty: 'oct', k, kid: 'named' }, { kty: 'oct', k }] })));
      expect((await store.all<{ kid: string; kid_source: string }>(`SELECT kid, kid_source FROM keys`))).toEqual([{ kid: 'named', kid_source: 'jwk' }]);
    });
  });
});

describe('verification with thousands of keys under one kid', () => {
  const KID = 'shared';
  let keys: KeyRecord[];
  let stranger: Uint8Array;
  beforeAll(async () => {
    keys = await Promise.all(Array.from({ length: 2000 }, (_, i) => keyRecord({ kty: 'oct', kid: KID, k: randomBytes(32).toString('base64url') }, i)));
    stranger = randomBytes(32);
  });
  const hs256 = async (secret: Uint8Array, claims: object, header: object = { alg: 'HS256', kid: KID }): Promise<string> => {
    const input = `${b64(header)}.${b64(claims)}`;
    const key = await crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return `${input}.${Buffer.from(await crypto.subtle.sign('HMAC', key, Buffer.from(input))).toString('base64url')}`;
  };

  it('tries at most max_verify_candidates keys per token, and says so: unknown-key / too-many-candidates', async () => {
    // 2,000 tokens × 2,000 keys ran past two minutes; at most 32 keys each now
    const tokens = await Promise.all(Array.from({ length: 2000 }, (_, i) => hs256(stranger, { jti: `j-${i}` })));
    const verify = vi.spyOn(crypto.subtle, 'verify');
    const results = await verifyTokens(tokens.map((t) => decodeToken(t)), keys);
    expect(new Set([...results.values()].map((v) => `${v.status}/${v.detail}`))).toEqual(new Set(['unknown-key/too-many-candidates']));
    expect(verify.mock.calls.length).toBeLessThanOrEqual(2000 * DEFAULT_POLICY.max_verify_candidates);
  });

  it('still verifies a token whose key is among the first candidates, and a kid-less one', async () => {
    const own = randomBytes(32);
    const mine = await keyRecord({ kty: 'oct', kid: KID, k: Buffer.from(own).toString('base64url') }, 5);
    const registry = [...keys.slice(0, 5), mine, ...keys.slice(5)];
    for (const header of [{ alg: 'HS256', kid: KID }, { alg: 'HS256' }]) {
      const t = decodeToken(await hs256(own, { jti: 'mine' }, header));
      expect((await verifyTokens([t], registry)).get(t.sha256)).toMatchObject({ status: 'valid', kid: KID });
    }
  });

  it('tries the same material once however many times the registry holds it', async () => {
    const own = randomBytes(32);
    const copies = await Promise.all(Array.from({ length: 100 }, (_, i) => keyRecord({ kty: 'oct', kid: KID, k: keys[0]!.jwk.k as string }, i)));
    const mine = await keyRecord({ kty: 'oct', kid: KID, k: Buffer.from(own).toString('base64url') }, 100);
    const t = decodeToken(await hs256(own, { jti: 'last' }));
    const verify = vi.spyOn(crypto.subtle, 'verify');
    expect((await verifyTokens([t], [...copies, mine])).get(t.sha256)).toMatchObject({ status: 'valid' });
    expect(verify.mock.calls.length).toBe(2); // the copied material once, then the right key
  });

  it('is a policy key, and the stored verdict names it (tokens.sig_status, sig_detail); --config raises it for ingest', async () => {
    expect(mergePolicy({ max_verify_candidates: 64 }).max_verify_candidates).toBe(64);
    const dir = tempDir();
    const own = randomBytes(32);
    // the token's key is the 41st of 41 under its kid: past the default 32, within 50
    const jwks = { keys: [...keys.slice(0, 40).map((k) => k.jwk), { kty: 'oct', kid: KID, k: Buffer.from(own).toString('base64url') }] };
    writeFileSync(join(dir, 'keys.jwks.json'), JSON.stringify(jwks));
    const token = await hs256(own, { jti: 'j-41', sub: 'u-1' });
    writeFileSync(join(dir, 'events.ndjson'), `${JSON.stringify({ ts: 1773482400, event: 'use', token })}\n`);
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ max_verify_candidates: 50 }));
    const verdict = async (db: string): Promise<unknown> => {
      const store = await Store.open(db, { readOnly: true });
      try {
        return await store.one(`SELECT sig_status, sig_detail FROM tokens`);
      } finally {
        store.close();
      }
    };
    expect(cli(['--db', join(dir, 'a.duckdb'), 'ingest', join(dir, 'keys.jwks.json'), join(dir, 'events.ndjson')]).code).toBe(0);
    expect(await verdict(join(dir, 'a.duckdb'))).toEqual({ sig_status: 'unknown-key', sig_detail: 'too-many-candidates' });
    const r = cli(['--db', join(dir, 'b.duckdb'), '--config', join(dir, 'policy.json'), 'ingest', join(dir, 'keys.jwks.json'), join(dir, 'events.ndjson')]);
    expect(r.code).toBe(0);
    expect(await verdict(join(dir, 'b.duckdb'))).toEqual({ sig_status: 'valid', sig_detail: null });
  });
});

describe('a .gz that expands too far', () => {
  // one 1 MB block of a repeated event, gzipped once (400:1) and repeated: a multi-member .gz of 128 MB in 330 KB
  const member = gzipSync(Buffer.from('{"ts":1773482400,"event":"use"}\n'.repeat(32768)), { level: 9 });
  const bomb = (blocks: number): Buffer => Buffer.concat(Array.from({ length: blocks }, () => member));
  const good = `${JSON.stringify({ ts: 1773482400, event: 'use', sub: 'u-1' })}\n`;

  it('is refused with a message naming it; the other files load', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bomb.ndjson.gz'), bomb(128));
    writeFileSync(join(dir, 'good.ndjson'), good);
    await withStore(async (store) => {
      const run = await ingestPaths(store, [join(dir, 'bomb.ndjson.gz'), join(dir, 'good.ndjson')]);
      const bad = run.sources.find((s) => s.path.endsWith('bomb.ndjson.gz'))!;
      expect(bad.rows).toBe(0);
      expect(bad.unusable).toMatch(/bomb\.ndjson\.gz: refused: it decompresses to more than 100× its .* on disk/);
      expect(await count(store, `SELECT count(*) AS n FROM events`)).toBe(1);
      expect(await count(store, `SELECT count(*) AS n FROM sources`)).toBe(1);
    });
    const r = cli(['--db', join(dir, 'case.duckdb'), 'ingest', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'bomb.ndjson.gz')}: refused`);
    expect(r.stdout).toContain('good.ndjson');
  });

  // each is read up to the 64 MiB past which the ratio counts: a few seconds a kind
  it('is refused in every kind that is read line by line: rotation records, revocations, captures (NDJSON and text)', async () => {
    const lines: Record<string, string> = {
      'key-events': '{"ts":1773482400,"kid":"k1","action":"created"}\n',
      revocations: '{"ts":1773482400,"jti":"j-1"}\n',
      captures: '{"captured_at":1773482400,"token":"aaa.bbb.ccc"}\n',
      'captures-text': 'aaa.bbb.ccc\n',
    };
    for (const [kind, line] of Object.entries(lines)) {
      const block = gzipSync(Buffer.from(line.repeat(Math.ceil((1 << 20) / line.length))), { level: 9 });
      const file = tempFile(`${kind}.gz`, Buffer.concat(Array.from({ length: 128 }, () => block)));
      await withStore(async (store) => {
        const summary = await ingestFile(store, file);
        expect([kind, summary.rows, summary.unusable]).toEqual([kind, 0, expect.stringMatching(/refused: it decompresses to more than/)]);
      });
    }
  }, 240_000);

  it('past JWT_FORENSICS_MAX_GUNZIP, whatever its ratio', async () => {
    process.env.JWT_FORENSICS_MAX_GUNZIP = '1MiB';
    const lines = Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ ts: 1773482400 + i, event: 'use', sub: randomBytes(8).toString('hex') }));
    const file = tempFile('big.ndjson.gz', gzipSync(lines.join('\n')));
    await withStore(async (store) => {
      const summary = await ingestFile(store, file);
      expect(summary.unusable).toMatch(/more than the 1 MiB a \.gz input may expand to \(JWT_FORENSICS_MAX_GUNZIP\)/);
      expect(await count(store, `SELECT count(*) AS n FROM events`)).toBe(0);
    });
  });
});

describe('a device or FIFO named as input', () => {
  it('is refused with its name (exit 2), not read forever or waited on', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'pipe.ndjson');
    execFileSync('mkfifo', [fifo]);
    for (const path of ['/dev/zero', fifo]) {
      await withStore(async (store) => {
        await expect(ingestPaths(store, [path])).rejects.toThrow(InputError);
        // with the kind given, nothing stopped /dev/zero being read for ever
        await expect(ingestPaths(store, [path], { kind: 'events' })).rejects.toThrow(`${path}: not a regular file`);
      });
      // the CLI, with a deadline so that a hang fails instead of waiting
      for (const kind of [[], ['--kind', 'events']]) {
        const r = spawnSync(process.execPath, [BIN, '--db', join(dir, 'case.duckdb'), 'ingest', ...kind, path], { encoding: 'utf8', timeout: 30_000 });
        expect([r.status, r.signal]).toEqual([2, null]);
        expect(r.stderr).toContain(`${path}: not a regular file`);
      }
    }
  });

  it('in a folder, is listed as skipped and the other files load', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'pipe.ndjson')]);
    writeFileSync(join(dir, 'good.ndjson'), '{"ts":1773482400,"event":"use"}\n');
    await withStore(async (store) => {
      const run = await ingestPaths(store, [dir]);
      expect(run.sources.map((s) => s.rows)).toEqual([1]);
      expect(run.skipped).toEqual([{ path: join(dir, 'pipe.ndjson'), why: expect.stringMatching(/not a regular file/) }]);
    });
  });
});

describe('token captures with many distinct tokens', () => {
  // 25,000 distinct (malformed, which is still evidence) tokens: kept all at once, 1M of them took 2.4 GB
  const N = 25_000;
  const token = (i: number): string => `eyJhbGciOiJIUzI1NiJ9.${b64({ jti: `j-${i}` })}.${'s'.repeat(43)}`;
  const batches = (): number[] => vi.mocked(verifyTokens).mock.calls.map((c) => c[0].length);

  for (const form of ['text', 'NDJSON'] as const) {
    it(`go through in chunks of at most 10,000 new tokens (${form})`, async () => {
      const lines = Array.from({ length: N }, (_, i) => (form === 'text' ? token(i) : JSON.stringify({ captured_at: 1773482400, token: token(i) })));
      // every token twice: the second time it is known (in the store or a chunk under way), never new again
      const file = tempFile(`captures.${form === 'text' ? 'txt' : 'ndjson'}`, [...lines, ...lines].join('\n'));
      await withStore(async (store) => {
        vi.mocked(verifyTokens).mockClear();
        const run = vi.spyOn(store, 'run');
        const all = vi.spyOn(store, 'all');
        const summary = await ingestFile(store, file);
        // which tokens are new is asked of the store once (an anti-join), not once per chunk: each asking reads
        // the whole tokens table, which grows with the file (quadratic)
        const asked = [...run.mock.calls, ...all.mock.calls].filter(([sql]) => /FROM tokens\b/.test(sql));
        expect(asked).toHaveLength(1);
        expect([summary.rows, summary.newTokens]).toEqual([2 * N, N]);
        expect(await count(store, `SELECT count(*) AS n FROM tokens`)).toBe(N);
        expect(Math.max(...batches())).toBeLessThanOrEqual(10_000);
        expect(batches().reduce((a, b) => a + b, 0)).toBe(N);
      });
    });
  }
});

describe('a line over 16 MiB', () => {
  const big = (n: number): string => 'x'.repeat(n);
  const LINES: Record<string, [string, (x: string) => string]> = {
    'key-events': ['rotation.ndjson', (x) => `{"ts":1773482400,"kid":"k1","action":"created","reason":"${x}"}`],
    revocations: ['revocations.ndjson', (x) => `{"ts":1773482400,"jti":"j-1","reason":"${x}"}`],
    captures: ['captures.ndjson', (x) => `{"captured_at":1773482400,"token":"aaa.bbb.ccc","note":"${x}"}`],
    'captures-text': ['captures.txt', (x) => `aaa.bbb.${x || 'ccc'}`],
  };
  for (const [kind, [name, line]] of Object.entries(LINES)) {
    it(`is rejected as line-too-long in ${kind}, as in events; the good lines load`, async () => {
      const file = tempFile(name, [line(''), line(big(17 * 1024 * 1024)), line('')].join('\n') + '\n');
      await withStore(async (store) => {
        const summary = await ingestFile(store, file);
        expect(summary.kind).toBe(kind);
        expect(summary.rejects.map((r) => [r.line, r.reason])).toEqual([[2, 'line-too-long']]);
        expect(summary.rows).toBe(2);
      });
    });
  }
});
