// Issue 8: a key file that cannot be read as a whole (JWKS cut mid-key, PEM with no complete block) is unusable
// input: its reject is kept, the other files of the command still load, and the command exits 2 at the end with
// one line naming the file, the line and what is wrong (DESIGN.md). Run `npm run build` first.
import { createPublicKey } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/db.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { jwks, makeKey, type TestKey } from '../helpers/tokens.js';

const STACK = '\n    at ';
let rsa: TestKey;
let token: string;
let pem: string;

beforeAll(async () => {
  rsa = await makeKey('rsa-1', 'RS256');
  token = await rsa.sign({ sub: 'u-1', jti: 'j-1', iat: 1773482400, exp: 1773483300 });
  pem = createPublicKey({ key: rsa.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
});

/** A folder with a good JWKS, a log using its key, and the given broken files. */
function bundle(files: Record<string, string>): { dir: string; db: string; paths: Record<string, string> } {
  const dir = tempDir();
  const paths: Record<string, string> = {};
  const all = { 'good.jwks.json': jwks(rsa), 'events.ndjson': `${JSON.stringify({ ts: 1773482400, event: 'use', token, outcome: 'success' })}\n`, ...files };
  for (const [name, text] of Object.entries(all)) writeFileSync((paths[name] = join(dir, name)), text);
  return { dir, db: join(dir, 'case.duckdb'), paths };
}

async function inStore<T>(db: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(db, { readOnly: true });
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

const count = async (s: Store, table: string): Promise<number> => Number((await s.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`))!.n);

describe('a JWKS cut mid-key', () => {
  it('keeps its reject, loads the other files, and exits 2 naming the file, line and defect', async () => {
    const { db, paths } = bundle({ 'cut.jwks.json': jwks(rsa).slice(0, 60) });
    const args = ['--db', db, 'ingest', paths['cut.jwks.json']!, paths['good.jwks.json']!, paths['events.ndjson']!];
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `jwt-forensics: ${paths['cut.jwks.json']}:1: unusable key file: not valid JSON at column 61: the document ends early (truncated?); no key was loaded from it\n`,
    );
    expect(r.stdout).toContain('good.jwks.json'); // the summary table is still printed
    await inStore(db, async (s) => {
      expect(await s.all(`SELECT path, line::INTEGER AS line, reason FROM rejects`)).toEqual([{ path: paths['cut.jwks.json'], line: 1, reason: 'bad-json' }]);
      expect(await count(s, 'sources')).toBe(3);
      expect(await s.all(`SELECT kid FROM keys`)).toEqual([{ kid: 'rsa-1' }]);
      expect(await count(s, 'events')).toBe(1);
      // the good key file verified the token: the unusable one did not stop the rest of the command
      expect(await s.all(`SELECT sig_status FROM tokens`)).toEqual([{ sig_status: 'valid' }]);
    });

    // a re-run finds every file already loaded, and still fails on the unusable one (CI sees it every time)
    const again = cli(args);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${paths['cut.jwks.json']}:1: unusable key file`);
    await inStore(db, async (s) => expect([await count(s, 'sources'), await count(s, 'rejects')]).toEqual([3, 1]));
  });

  it('--format json still prints the run, with the reason on the source', () => {
    const { db, paths } = bundle({ 'cut.jwks.json': '{"keys":[{"kty":"RSA","kid":"a","n":"' });
    const r = cli(['--db', db, '--format', 'json', 'ingest', paths['cut.jwks.json']!, paths['good.jwks.json']!]);
    expect(r.code).toBe(2);
    const run = JSON.parse(r.stdout) as { sources: { path: string; rows: number; unusable?: string }[] };
    expect(run.sources.map((s) => [s.path, s.rows, s.unusable !== undefined])).toEqual([
      [paths['cut.jwks.json'], 0, true],
      [paths['good.jwks.json'], 1, false],
    ]);
  });

  it('a document that is JSON but no JWKS is unusable too', () => {
    const { db, paths } = bundle({ 'not.json': '{"keys":{"kty":"oct"}}' });
    const r = cli(['--db', db, 'ingest', '--kind', 'jwks', paths['not.json']!]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${paths['not.json']}: unusable key file: not a JWKS: "keys" is not an array`);
  });
});

describe('PEM', () => {
  it('with no complete block is unusable: reject kept, others loaded, exit 2', async () => {
    const cut = pem.slice(0, 120);
    const { db, paths } = bundle({ 'cut.pem': cut });
    const r = cli(['--db', db, 'ingest', paths['cut.pem']!, paths['good.jwks.json']!, paths['events.ndjson']!]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `jwt-forensics: ${paths['cut.pem']}:1: unusable key file: no complete PEM block: PUBLIC KEY block: no END line (truncated block); no key was loaded from it\n`,
    );
    await inStore(db, async (s) => {
      expect(await s.all(`SELECT line::INTEGER AS line, reason FROM rejects`)).toEqual([{ line: 1, reason: 'bad-pem' }]);
      expect([await count(s, 'sources'), await count(s, 'keys'), await count(s, 'events')]).toEqual([3, 1, 1]);
    });
  });

  it('a truncated block after complete ones costs only itself: exit 0, the good key loads', async () => {
    const { db, paths } = bundle({ 'bundle.pem': pem + pem.slice(0, 120) });
    const r = cli(['--db', db, 'ingest', paths['bundle.pem']!]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no END line (truncated block)');
    const endLine = pem.split('\n').length; // the cut block's BEGIN follows the complete block
    await inStore(db, async (s) => {
      expect(await s.all(`SELECT line::INTEGER AS line, reason FROM rejects`)).toEqual([{ line: endLine, reason: 'bad-pem' }]);
      expect(await count(s, 'keys')).toBe(1);
    });
  });

  it('--kind pem on text without any block is unusable', () => {
    const { db, paths } = bundle({ 'notes.txt': 'the key is in the vault\n' });
    const r = cli(['--db', db, 'ingest', '--kind', 'pem', paths['notes.txt']!]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${paths['notes.txt']}: unusable key file: no PEM block`);
  });
});

describe('several unusable files, and investigate', () => {
  it('ingest names each of them, one a line', () => {
    const { db, paths } = bundle({ 'a.jwks.json': '{"keys":[', 'b.pem': pem.slice(0, 90) });
    const r = cli(['--db', db, 'ingest', paths['a.jwks.json']!, paths['b.pem']!, paths['good.jwks.json']!]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('jwt-forensics: 2 input files are unusable (the other inputs were loaded):');
    expect(lines.slice(1).map((l) => l.trim().split(': ')[0])).toEqual([`${paths['a.jwks.json']}:1`, `${paths['b.pem']}:1`]);
    expect(r.stderr).not.toContain(STACK);
  });

  it('investigate loads the other files, then exits 2 before checking: no report from a partial key registry', async () => {
    const { dir, db, paths } = bundle({ 'cut.jwks.json': '{"keys":[{"kty":"RSA"' });
    const out = join(dir, 'reports');
    const r = cli(['--db', db, 'investigate', '--out', out, '--fail-on', 'high', paths['cut.jwks.json']!, paths['good.jwks.json']!, paths['events.ndjson']!]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`jwt-forensics: ${paths['cut.jwks.json']}:1: unusable key file: not valid JSON at column 22: the document ends early (truncated?); no key was loaded from it\n`);
    expect(r.stdout).toContain('events.ndjson'); // what loaded is still shown
    expect(existsSync(out)).toBe(false); // docs/ci.md: exit 2 writes no report
    await inStore(db, async (s) => {
      expect([await count(s, 'sources'), await count(s, 'keys'), await count(s, 'events'), await count(s, 'findings')]).toEqual([3, 1, 1, 0]);
    });
  });
});
