// Issue 14 §4: small inputs that crashed the process or the command. A line nested 150,000 deep (DuckDB's
// json_merge_patch recursion: SIGSEGV, the whole file lost), a JWK with a 5,000-deep member (JSON.stringify outside
// the per-key guard: nothing loaded, no file named), a file of nothing but newlines (the blank-line lists grew with
// the input until V8 died at ~3.5 GB). The CLI cases run the built CLI: `npm run build` first.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/ingest/events/file-scan.js';
import { splitLines, type LinePart } from '../../src/ingest/events/split-lines.js';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { Store } from '../../src/store/db.js';
import { cli } from '../helpers/cli.js';
import { tempDir, tempFile } from '../helpers/tmp.js';
import { makeKey, type TestKey } from '../helpers/tokens.js';

const STACK = '\n    at ';
const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
const DEEP = deep(150_000); // a 300 KB value: DuckDB's recursion dies on it

interface IngestJson {
  sources: { path: string; kind: string; rows: number; rejects: { line: number | null; reason: string; detail: string }[] }[];
}

// One good line, one with the deep value, one good line again, for each NDJSON kind.
const KINDS: Record<string, (extra: string) => string> = {
  events: (x) => `{"ts":1773482400,"event":"use","sub":"u-1"${x}}`,
  'key-events': (x) => `{"ts":1773482400,"kid":"k1","action":"created"${x}}`,
  revocations: (x) => `{"ts":1773482400,"jti":"j-1","reason":"test"${x}}`,
  captures: (x) => `{"captured_at":1773482400,"token":"aaa.bbb.ccc","source":"proxy"${x}}`,
};

describe('a line nested 150,000 deep', () => {
  for (const [kind, line] of Object.entries(KINDS)) {
    for (const gzip of [false, true]) {
      it(`is rejected as too-deep in ${kind}${gzip ? ' (.gz)' : ''}, naming file and line, and the good lines load`, () => {
        const dir = tempDir();
        const text = [line(''), line(`,"x":${DEEP}`), line(',"n":3')].join('\n') + '\n';
        const file = join(dir, `${kind}.ndjson${gzip ? '.gz' : ''}`);
        writeFileSync(file, gzip ? gzipSync(text) : text);
        const db = join(dir, 'case.duckdb');
        const r = cli(['--db', db, '--format', 'json', 'ingest', file]);
        expect(r.stderr).not.toContain(STACK);
        expect(r.code).toBe(0); // it was 139: SIGSEGV
        const run = JSON.parse(r.stdout) as IngestJson;
        expect(run.sources.map((s) => [s.kind, s.path, s.rows])).toEqual([[kind, file, 2]]);
        expect(run.sources[0]!.rejects.map((x) => [x.line, x.reason])).toEqual([[2, 'too-deep']]);
        expect(run.sources[0]!.rejects[0]!.detail).toMatch(/nests more than 256 levels/);
        // the table output names file and line
        const shown = cli(['--db', join(dir, 'again.duckdb'), 'ingest', file]);
        expect(shown.stdout).toContain(`${file}:2 too-deep`);
      });
    }
  }

  it('is found at any depth over the limit, not only where DuckDB dies, and brackets inside strings do not count', async () => {
    const store = await Store.open(':memory:');
    try {
      const lines = [
        KINDS.events!(`,"x":${deep(256)}`), // with the event object: 257 levels
        KINDS.events!(`,"x":${deep(255)}`), // 256: loads
        KINDS.events!(`,"ua":"${'['.repeat(100_000)}"`), // in a string: loads
      ];
      const summary = await ingestFile(store, tempFile('depths.ndjson', lines.join('\n')));
      expect(summary.rejects.map((x) => [x.line, x.reason])).toEqual([[1, 'too-deep']]);
      expect(summary.rows).toBe(2);
    } finally {
      store.close();
    }
  });
});

describe('a JWK with a 5,000-deep unknown member', () => {
  let keys: TestKey[];
  let token: string;
  beforeAll(async () => {
    keys = [await makeKey('k-rsa', 'RS256'), await makeKey('k-deep', 'ES256'), await makeKey('k-hs', 'HS256')];
    token = await keys[2]!.sign({ sub: 'u-1', jti: 'j-1', iat: 1773482400, exp: 1773486000 });
  });
  // written as text: JSON.stringify of the deep member would overflow here, as it did in the reader
  const jwksText = (): string =>
    `{"keys":[${keys.map((k) => (k.kid === 'k-deep' ? JSON.stringify(k.publicJwk).replace(/}$/, `,"x_meta":${deep(5000)}}`) : JSON.stringify(k.publicJwk))).join(',')}]}`;

  it('costs only itself: a reject for that key, naming its place; the other keys load', async () => {
    const store = await Store.open(':memory:');
    try {
      const summary = await ingestFile(store, tempFile('keys.jwks.json', jwksText()));
      expect(summary.rejects.map((x) => [x.reason, x.detail])).toEqual([['bad-jwk', 'key #2: a member nests more than 256 levels deep']]);
      const kids = await store.all<{ kid: string }>(`SELECT kid FROM keys ORDER BY kid`);
      expect(kids.map((k) => k.kid)).toEqual(['k-hs', 'k-rsa']);
    } finally {
      store.close();
    }
  });

  it('does not stop investigate: the other keys verify their tokens', () => {
    const dir = tempDir();
    const jwksFile = join(dir, 'keys.jwks.json');
    writeFileSync(jwksFile, jwksText());
    writeFileSync(join(dir, 'events.ndjson'), `${JSON.stringify({ ts: 1773482400, event: 'use', token, outcome: 'success' })}\n`);
    const r = cli(['--db', join(dir, 'case.duckdb'), '--format', 'json', 'investigate', dir]);
    expect(r.stderr).not.toContain('Maximum call stack');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { ingest: IngestJson; summary: { keys: number; by_signature: Record<string, number> } };
    const keySource = out.ingest.sources.find((s) => s.kind === 'jwks')!;
    expect(keySource.rejects.map((x) => x.reason)).toEqual(['bad-jwk']);
    expect(out.summary.keys).toBe(2);
    expect(out.summary.by_signature).toEqual({ valid: 1 });
  });
});

describe('a file of nothing but newlines (a blank-line bomb)', () => {
  // 20M newlines: 20 MB plain, 20 KB gzipped (the were 180 MB and a 326 KB .gz of 320M). Memory is held to
  // runs of blank lines, not lines: the structures below have a handful of entries where they had 20 million.
  const N = 20_000_000;
  const newlines = Buffer.alloc(N, 0x0a);

  it('plain: the layout holds one run and an index that follows the bytes, and the file loads no events', async () => {
    const file = tempFile('blank.ndjson', Buffer.concat([Buffer.from('{"ts":1773482400,"event":"use"}\n'), newlines, Buffer.from('{"ts":1773482401,"event":"use"}\n')]));
    const scan = await scanFile(file);
    const layout = (await scan.layout)!;
    expect(layout.lines).toBe(N + 2);
    expect(layout.blankRuns).toEqual([{ line: 2, count: N }]);
    expect(layout.startLines.length).toBeLessThan(N / 4096 + 2); // not one offset every 16 lines
    const store = await Store.open(':memory:');
    try {
      const summary = await ingestFile(store, file);
      expect([summary.rows, summary.rejected]).toEqual([2, 0]);
      const lines = await store.all<{ line: bigint }>(`SELECT line FROM events ORDER BY line`);
      expect(lines.map((l) => Number(l.line))).toEqual([1, N + 2]);
      expect((await ingestFile(store, tempFile('only-blank.ndjson', newlines), { kind: 'events' })).rows).toBe(0);
    } finally {
      store.close();
    }
  }, 120_000);

  it('.gz: each part holds its blank lines as runs, and the file loads only its one event', async () => {
    const file = tempFile('blank.ndjson.gz', gzipSync(Buffer.concat([Buffer.from('{"ts":1773482400,"event":"use"}\n'), newlines])));
    const parts: LinePart[] = [];
    for await (const p of splitLines(file, true, tempDir(), 8 * 1024 * 1024)) parts.push(p);
    expect(parts.reduce((n, p) => n + p.lines, 0)).toBe(N + 1);
    for (const p of parts) expect(p.blankRuns.length).toBe(1); // one run each (the first part after its event)
    const store = await Store.open(':memory:');
    try {
      const summary = await ingestFile(store, file);
      expect([summary.kind, summary.rows, summary.rejected]).toEqual(['events', 1, 0]);
    } finally {
      store.close();
    }
  }, 120_000);
});
