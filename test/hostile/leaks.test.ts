// Issue 14 §6: raw tokens and key secrets never leave the process unless --include-raw asks for them — not through a
// token an attacker logged in `ua` or `reason` (check, timeline, query in every format), not through `query` over
// `keys` or `tokens`, and not through the copy of standard input `ingest -` makes. Run `npm run build` first.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/report/redact.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { jwks, makeKey, type TestKey } from '../helpers/tokens.js';

const line = (o: unknown): string => `${JSON.stringify(o)}\n`;

let hs: TestKey;
let secret: string;
let token: string;
/** a token an attacker pasted into log fields: never used as a bearer token here, only logged */
let planted: string;
let db: string;
let dir: string;

beforeAll(async () => {
  hs = await makeKey('hs-1', 'HS256');
  secret = hs.publicJwk.k!;
  token = await hs.sign({ sub: 'u-leak', jti: 'j-leak', iat: 1773482400, exp: 1773486000 });
  planted = await hs.sign({ sub: 'someone-else', jti: 'j-planted', iat: 1773482400, exp: 1773486000 });
  dir = mkdtempSync(join(tmpdir(), 'jwtf-leaks-'));
  db = join(dir, 'leak.duckdb');
  const keys = join(dir, 'keys.jwks.json');
  writeFileSync(keys, jwks(hs));
  const events = join(dir, 'events.ndjson');
  const t0 = 1773482400;
  // a burst of failures by one subject and token (failure-burst: its evidence counts the reasons) with the planted token in the
  // reason and the user agent of every line
  const lines = Array.from({ length: 12 }, (_, i) =>
    line({ ts: t0 + i, event: 'use', token, sub: 'u-leak', ip: '198.51.100.7', outcome: 'failure', ua: `curl/8.1 ${planted}`, reason: `bad token ${planted}` }),
  );
  writeFileSync(events, lines.join(''));
  const r = cli(['--db', db, 'ingest', keys, events]);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The planted token must not be printed; where it was, its fingerprint is. */
function noRawToken(text: string, what: string): void {
  expect(text.includes(planted), `${what} prints the planted token`).toBe(false);
  expect(text.includes(token), `${what} prints the bearer token`).toBe(false);
  expect(text.includes(secret), `${what} prints the HMAC secret`).toBe(false);
}

describe('a token logged in ua or reason', () => {
  it('check --format json|ndjson|markdown|table prints its fingerprint, never the token', () => {
    for (const format of ['json', 'ndjson', 'markdown', 'table']) {
      const r = cli(['--db', db, '--format', format, 'check']);
      expect(r.code, r.stderr).toBe(0);
      noRawToken(r.stdout + r.stderr, `check --format ${format}`);
    }
    const json = cli(['--db', db, '--format', 'json', 'check']).stdout;
    expect(json).toContain(`[token ${fingerprintOf(planted)}]`);
  });

  it('timeline (json, ndjson, markdown, table) prints its fingerprint, never the token', () => {
    for (const format of ['json', 'ndjson', 'markdown', 'table']) {
      const r = cli(['--db', db, '--format', format, 'timeline', '--sub', 'u-leak']);
      expect(r.code, r.stderr).toBe(0);
      noRawToken(r.stdout, `timeline --format ${format}`);
      if (format !== 'table') expect(r.stdout, format).toContain(fingerprintOf(planted));
    }
  });

  it('query (table, json, ndjson, csv) prints its fingerprint; --include-raw prints it', () => {
    for (const format of ['json', 'ndjson', 'csv', 'table']) {
      const r = cli(['--db', db, '--format', format, 'query', 'SELECT ua, reason FROM events']);
      expect(r.code, r.stderr).toBe(0);
      noRawToken(r.stdout, `query --format ${format}`);
      expect(r.stdout, format).toContain(fingerprintOf(planted));
    }
    const raw = cli(['--db', db, '--format', 'json', 'query', '--include-raw', 'SELECT ua, reason FROM events LIMIT 1']);
    expect(raw.code, raw.stderr).toBe(0);
    expect(JSON.parse(raw.stdout)[0].ua).toBe(`curl/8.1 ${planted}`);
  });
});

describe('query over keys and tokens', () => {
  it('never prints an HMAC secret, however the statement reaches it, unless --include-raw', () => {
    for (const sql of [
      'SELECT * FROM keys',
      'SELECT jwk FROM keys',
      `SELECT jwk->>'k' AS material FROM keys`,
      `SELECT json_extract_string(jwk, '$.k') || '!' AS material FROM keys`,
      `SELECT to_json(k) AS j FROM keys k`,
    ]) {
      for (const format of ['json', 'csv', 'table', 'ndjson']) {
        const r = cli(['--db', db, '--format', format, 'query', sql]);
        expect(r.code, `${sql}: ${r.stderr}`).toBe(0);
        expect(r.stdout.includes(secret), `${format} ${sql}`).toBe(false);
      }
    }
    const shown = cli(['--db', db, '--format', 'json', 'query', '--include-raw', `SELECT jwk->>'k' AS k FROM keys`]);
    expect(JSON.parse(shown.stdout)).toEqual([{ k: secret }]);
    const jwk = JSON.parse(cli(['--db', db, '--format', 'json', 'query', 'SELECT jwk FROM keys']).stdout)[0].jwk;
    expect(JSON.parse(jwk)).toMatchObject({ kty: 'oct', kid: 'hs-1', k: '[redacted]' });
  });

  it('prints raw tokens as fingerprints unless --include-raw', () => {
    for (const format of ['json', 'csv', 'table', 'ndjson']) {
      const r = cli(['--db', db, '--format', format, 'query', 'SELECT * FROM tokens']);
      expect(r.code, r.stderr).toBe(0);
      noRawToken(r.stdout, `query --format ${format} SELECT * FROM tokens`);
    }
    const rows = JSON.parse(cli(['--db', db, '--format', 'json', 'query', 'SELECT fingerprint, raw FROM tokens']).stdout);
    expect(rows).toEqual([{ fingerprint: fingerprintOf(token), raw: `[token ${fingerprintOf(token)}]` }]);
    const raw = JSON.parse(cli(['--db', db, '--format', 'json', 'query', '--include-raw', 'SELECT raw FROM tokens']).stdout);
    expect(raw).toEqual([{ raw: token }]);
  });
});

describe('ingest - (standard input)', () => {
  it('leaves no copy of its input behind, and removes the copies of runs that died', async () => {
    const tmp = tempDir();
    const env = { TMPDIR: tmp };
    // a copy left by a run that was killed (its PID is gone), and one of a run still going (this test's process)
    const dead = join(tmp, 'jwt-forensics-stdin-2147483646-AbCdEf');
    const live = join(tmp, `jwt-forensics-stdin-${process.pid}-GhIjKl`);
    for (const d of [dead, live]) {
      mkdirSync(d, { mode: 0o700 });
      writeFileSync(join(d, 'stdin.ndjson'), line({ ts: 1, token }));
    }
    const store = join(tempDir(), 's.duckdb');
    const r = cli(['--db', store, 'ingest', '-'], { input: line({ ts: 1773482400, event: 'use', token }), env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/events\s*│\s*-\s*│\s*1\s*│/);
    const left = readdirSync(tmp).filter((n) => n.startsWith('jwt-forensics-'));
    expect(left).toEqual([`jwt-forensics-stdin-${process.pid}-GhIjKl`]);
    // a run that fails after reading standard input removes its copy too
    const bad = cli(['--db', store, 'ingest', '-', join(tmp, 'missing.ndjson')], { input: line({ ts: 1773482400, token }), env });
    expect(bad.code).toBe(2);
    expect(readdirSync(tmp).filter((n) => n.startsWith('jwt-forensics-'))).toEqual([`jwt-forensics-stdin-${process.pid}-GhIjKl`]);
  });
});
