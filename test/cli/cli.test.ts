import { statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir, tempFile } from '../helpers/tmp.js';
import { jwks, makeKey, unsigned, type TestKey } from '../helpers/tokens.js';

let rsa: TestKey;
let token: string;
beforeAll(async () => {
  rsa = await makeKey('rsa-1', 'RS256');
  token = await rsa.sign({ sub: 'u-1', jti: 'j-1', iat: 1773482400, exp: 1773483300, secret_note: 'x' });
});

const line = (o: unknown): string => `${JSON.stringify(o)}\n`;

describe('the CLI', () => {
  it('prints help without a store and exits 0', () => {
    const dir = tempDir();
    const r = cli(['--help'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/investigate/);
    expect(() => statSync(join(dir, 'jwt-forensics.duckdb'))).toThrow();
  });

  it('exits 2 on an unknown option or command', () => {
    expect(cli(['--bogus']).code).toBe(2);
    expect(cli(['frobnicate']).code).toBe(2);
  });

  it('ingests from stdin with line numbers, and the store file is 0600', () => {
    const db = join(tempDir(), 'case.duckdb');
    const input = line({ ts: 1773482400, event: 'use', token }) + '{oops\n' + line({ ts: 1773482401, event: 'use', token });
    const r = cli(['--db', db, '--format', 'json', 'ingest', '-'], { input });
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.sources[0]).toMatchObject({ path: '-', kind: 'events', rows: 2, rejected: 1, newTokens: 1 });
    expect(run.sources[0].rejects[0]).toMatchObject({ line: 2, reason: 'bad-json' });
    expect(statSync(db).mode & 0o777).toBe(0o600);
    const again = JSON.parse(cli(['--db', db, '--format', 'json', 'ingest', '-'], { input }).stdout);
    expect(again.sources[0].skipped).toBe(true);
  });

  it('names a missing file and exits 2', () => {
    const db = join(tempDir(), 'case.duckdb');
    const r = cli(['--db', db, 'ingest', '/nonexistent/file.ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/nonexistent\/file\.ndjson: no such file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('when a file stops the run, still shows the files loaded before it', () => {
    const dir = tempDir();
    const db = join(dir, 'case.duckdb');
    const good = tempFile('good.ndjson', line({ ts: 1773482400, event: 'use', sub: 'u-1' }));
    const gz = join(dir, 'cut.ndjson.gz');
    writeFileSync(gz, gzipSync(Buffer.from(line({ ts: 1773482400, event: 'use' }).repeat(5000))).subarray(0, 300));
    const r = cli(['--db', db, 'ingest', good, gz]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cut.ndjson.gz');
    expect(r.stdout).toMatch(/good\.ndjson\s*│\s*1\s*│/);
    const json = cli(['--db', join(dir, 'b.duckdb'), '--format', 'json', 'ingest', good, gz]);
    expect(JSON.parse(json.stdout).sources.map((s: { path: string; rows: number }) => [s.path, s.rows])).toEqual([[good, 1]]);
  });

  it('query is read-only and formats csv with formulas neutralised', () => {
    const db = join(tempDir(), 'case.duckdb');
    const events = tempFile('e.ndjson', line({ ts: 1773482400, event: 'use', ua: '=HYPERLINK("http://x")', token }));
    expect(cli(['--db', db, 'ingest', events]).code).toBe(0);
    const csv = cli(['--db', db, '--format', 'csv', 'query', 'SELECT ua FROM events']);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe(`ua\n"'=HYPERLINK(""http://x"")"\n`);
    const write = cli(['--db', db, 'query', 'DELETE FROM events']);
    expect(write.code).toBe(2);
    expect(write.stderr).toMatch(/read-only/);
    const file = cli(['--db', db, 'query', "SELECT * FROM read_text('/etc/hostname')"]);
    expect(file.code).toBe(2);
  });

  it('inspect decodes without a store and never prints the signature', () => {
    const dir = tempDir();
    const r = cli(['--db', join(dir, 'none.duckdb'), '--format', 'json', 'inspect', token]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.claims.sub).toBe('u-1');
    expect(out.times.exp.iso).toBe('2026-03-14T10:15:00.000Z');
    expect(out.lifetime_seconds).toBe(900);
    expect(out.verification.status).toBe('not-checked');
    expect(r.stdout).not.toContain(token.split('.')[2]);
    expect(() => statSync(join(dir, 'none.duckdb'))).toThrow();
  });

  it('inspect verifies against the registry when a store exists, and reads stdin', () => {
    const db = join(tempDir(), 'case.duckdb');
    expect(cli(['--db', db, 'ingest', tempFile('k.json', jwks(rsa))]).code).toBe(0);
    const ok = JSON.parse(cli(['--db', db, '--format', 'json', 'inspect', '-'], { input: `${token}\n` }).stdout);
    expect(ok.verification).toMatchObject({ status: 'valid', kid: 'rsa-1' });
    const none = cli(['--db', db, 'inspect', unsigned({ sub: 'x' }, 'NONE')]);
    expect(none.stdout).toMatch(/signature: unsigned/);
  });

  it('strips terminal control characters from what it prints', () => {
    const evil = unsigned({ sub: 'a\u001b]0;owned\u0007\u001b[2Jb' });
    const r = cli(['--db', join(tempDir(), 'x.duckdb'), 'inspect', evil]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\u001b|\u0007/);
  });
});
