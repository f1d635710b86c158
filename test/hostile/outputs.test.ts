// Issue 14 §8: what the CLI writes and where — `--out` never through a planted link, `query` only reads (no COPY into
// DuckDB's temp folder, no file logging that aborts the process), commander's own messages without control
// sequences, CSV cells that cannot start a formula in a `;` locale, and a folder walk that says what it passed over.
// Run `npm run build` first.
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { jwks, makeKey, type TestKey } from '../helpers/tokens.js';

const line = (o: unknown): string => `${JSON.stringify(o)}\n`;
const STACK = '\n    at ';
/** What a terminal would obey: C0 (but tab and newline), DEL, C1, bidi overrides and isolates. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

let rsa: TestKey;
let token: string;
beforeAll(async () => {
  rsa = await makeKey('rsa-1', 'RS256');
  token = await rsa.sign({ sub: 'u-1', jti: 'j-1', iat: 1773482400, exp: 1773483300 });
});

/** A fresh store with one key and a few events (one with a CSV-hostile user agent). */
function store(extra: Record<string, unknown>[] = []): { dir: string; db: string } {
  const dir = tempDir();
  const db = join(dir, 'case.duckdb');
  writeFileSync(join(dir, 'keys.jwks.json'), jwks(rsa));
  const events = [{ ts: 1773482400, event: 'use', token, sub: 'u-1', ua: 'a;=cmd|" /C calc"!A0' }, ...extra];
  writeFileSync(join(dir, 'events.ndjson'), events.map(line).join(''));
  const r = cli(['--db', db, 'ingest', join(dir, 'keys.jwks.json'), join(dir, 'events.ndjson')]);
  expect(r.code, r.stderr).toBe(0);
  return { dir, db };
}

describe('--out never writes through a link', () => {
  it('report --out refuses a symbolic link planted at the file (exit 2) and leaves its target alone', () => {
    const { dir, db } = store();
    const target = join(dir, 'victim.txt');
    writeFileSync(target, 'keep me\n');
    const link = join(dir, 'report.md');
    symlinkSync(target, link);
    const r = cli(['--db', db, 'report', '--out', link]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/report\.md is a symbolic link/);
    expect(r.stderr).not.toContain(STACK);
    expect(readFileSync(target, 'utf8')).toBe('keep me\n');
    // a link to a file that does not exist yet is refused too (it would create the file where the link points)
    const dangling = join(dir, 'report.json');
    symlinkSync(join(dir, 'created-elsewhere.json'), dangling);
    expect(cli(['--db', db, '--format', 'json', 'report', '--out', dangling]).code).toBe(2);
    expect(existsSync(join(dir, 'created-elsewhere.json'))).toBe(false);
  });

  it('report --out still writes and replaces a regular file, and leaves no temporary file', () => {
    const { dir, db } = store();
    const file = join(dir, 'out', 'report.md');
    mkdirSync(join(dir, 'out'));
    writeFileSync(file, 'old\n');
    const r = cli(['--db', db, 'report', '--out', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^# /);
    expect(readdirSync(join(dir, 'out'))).toEqual(['report.md']);
  });
});

describe('query only reads', () => {
  it('refuses every statement that is not one read, with exit 2 and a message, and runs an ordinary SELECT', () => {
    const { dir, db } = store();
    // DuckDB's temp folder for this store: with external access off it was the one place still writable
    mkdirSync(`${db}.tmp`);
    const refused: [string, RegExp][] = [
      [`COPY events TO '${db}.tmp/leak.csv'`, /read-only.*COPY|reads only the store/],
      [`COPY (SELECT raw FROM tokens) TO '${join(dir, 'leak.csv')}'`, /read-only.*COPY|reads only the store/],
      [`CALL enable_logging(storage='file', storage_path='${join(dir, 'log')}', level='trace')`, /read-only.*CALL/],
      [`SELECT * FROM enable_logging(storage='file', storage_path='${join(dir, 'log')}', level='trace')`, /enable_logging\(\) acts/],
      [`WITH x AS (SELECT * FROM enable_logging(storage='file', storage_path='${join(dir, 'log')}')) SELECT * FROM x`, /enable_logging\(\) acts/],
      [`SELECT * FROM query('SELECT * FROM enable_logging()')`, /query\(\) acts/],
      [`EXPLAIN ANALYZE SELECT * FROM query_table('events')`, /query_table\(\) acts/],
      [`SET temp_directory = '${dir}'`, /read-only.*SET/],
      [`PRAGMA enable_profiling`, /read-only.*PRAGMA/],
      ['DELETE FROM events', /read-only/],
      ['INSTALL httpfs', /read-only/],
      [`ATTACH '${join(dir, 'other.duckdb')}' AS other`, /read-only/],
      ['SELECT 1; SELECT 2', /one statement at a time/],
    ];
    for (const [sql, message] of refused) {
      const r = cli(['--db', db, 'query', sql]);
      expect(r.code, sql).toBe(2);
      expect(r.stderr, sql).toMatch(message);
      expect(r.stderr, sql).not.toContain('terminate called');
      expect(r.stderr, sql).not.toContain(STACK);
    }
    // after all of that: one statement more, as a logging run would have made it abort
    const after = cli(['--db', db, 'query', 'SELECT count(*) AS n FROM events']);
    expect(after.code, after.stderr).toBe(0);
    expect(readdirSync(`${db}.tmp`)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['case.duckdb', 'case.duckdb.tmp', 'events.ndjson', 'keys.jwks.json']);
  });

  it('runs what reads: SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, PRAGMA table_info, EXPLAIN', () => {
    const { db } = store();
    const json = (sql: string): Record<string, unknown>[] => {
      const r = cli(['--db', db, '--format', 'json', 'query', sql]);
      expect(r.code, `${sql}: ${r.stderr}`).toBe(0);
      return JSON.parse(r.stdout);
    };
    expect(json('SELECT sub, count(*) AS n FROM events GROUP BY ALL')).toEqual([{ sub: 'u-1', n: '1' }]);
    expect(json('WITH t AS (SELECT kid FROM keys) SELECT * FROM t;')).toEqual([{ kid: 'rsa-1' }]);
    expect(json('DESCRIBE keys').map((r) => r.column_name)).toContain('jwk');
    expect(json('SHOW TABLES').map((r) => r.name)).toContain('events');
    expect(json('SUMMARIZE events').length).toBeGreaterThan(5);
    expect(json(`PRAGMA table_info('tokens')`).map((r) => r.name)).toContain('sig_status');
    expect(json('EXPLAIN SELECT * FROM events').length).toBeGreaterThan(0);
    expect(json('FROM keys SELECT kid')).toEqual([{ kid: 'rsa-1' }]);
  });
});

describe("commander's own messages", () => {
  it('carry no control sequence from argv (unknown option, unknown command, a subcommand option)', () => {
    for (const args of [['--bogus\u001b[31mred'], ['frob\u001b]0;title\u0007'], ['query', '--zz\u001b[2J', 'SELECT 1']]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.length).toBeGreaterThan(0);
      expect(r.stderr, JSON.stringify(r.stderr)).not.toMatch(CONTROL);
    }
  });
});

describe('CSV', () => {
  it('quotes and neutralises a formula after a `;` or `,` separator, as at the start', () => {
    const { db } = store([{ ts: 1773482401, event: 'use', sub: 'x,+1+1', ua: '=1+1' }]);
    const r = cli(['--db', db, '--format', 'csv', 'query', 'SELECT sub, ua FROM events ORDER BY ts']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`sub,ua\nu-1,"a;'=cmd|"" /C calc""!A0"\n"x,'+1+1",'=1+1\n`);
  });
});

describe('the folder walk', () => {
  it('lists what it passes over, with the reason: links, hidden files and folders, documentation', () => {
    const dir = tempDir();
    const bundle = join(dir, 'bundle');
    mkdirSync(join(bundle, '.git'), { recursive: true });
    writeFileSync(join(bundle, 'events.ndjson'), line({ ts: 1773482400, event: 'use', token }));
    writeFileSync(join(bundle, '.hidden.ndjson'), line({ ts: 1773482400, event: 'use', token }));
    writeFileSync(join(bundle, 'README.md'), '# notes\n');
    writeFileSync(join(bundle, 'NOTICE'), 'n\n');
    writeFileSync(join(bundle, 'CHANGELOG.txt'), 'c\n');
    writeFileSync(join(dir, 'outside.ndjson'), line({ ts: 1773482400, event: 'use', token }));
    symlinkSync(join(dir, 'outside.ndjson'), join(bundle, 'link.ndjson'));
    const db = join(dir, 'w.duckdb');
    const r = cli(['--db', db, 'ingest', bundle]);
    expect(r.code, r.stderr).toBe(0);
    for (const [name, why] of [
      ['.git', /hidden folder/],
      ['.hidden.ndjson', /hidden file/],
      ['CHANGELOG.txt', /documentation/],
      ['NOTICE', /documentation/],
      ['README.md', /documentation/],
      ['link.ndjson', /symbolic link/],
    ] as const) {
      expect(r.stderr).toMatch(new RegExp(`skipped ${join(bundle, name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${why.source}`));
    }
    expect(r.stdout).not.toMatch(/skipped/);
    expect(cli(['--db', join(dir, 'q.duckdb'), '--quiet', 'ingest', bundle]).stderr).not.toMatch(/skipped/);
    const json = JSON.parse(cli(['--db', join(dir, 'j.duckdb'), '--format', 'json', 'ingest', bundle]).stdout);
    expect(json.skipped.map((s: { path: string }) => s.path)).toEqual(
      ['.git', '.hidden.ndjson', 'CHANGELOG.txt', 'link.ndjson', 'NOTICE', 'README.md'].map((n) => join(bundle, n)),
    );
    expect(json.sources.map((s: { path: string }) => s.path)).toEqual([join(bundle, 'events.ndjson')]);
  });
});
