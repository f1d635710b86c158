// Issue 8: the hostile corpus (scripts/make-hostile.ts → test/hostile/corpus/, outcomes in expected.json).
// Each entry gets its expected outcome; then the whole corpus goes through the built CLI (ingest, check,
// investigate --out, inspect, query, timeline) and nothing a terminal or browser would obey, and no raw token,
// may come out (and `report --include-raw` shows the same check can fail). Run `npm run build` first.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Expected } from '../../scripts/make-hostile.js';
import { INJECTED_JTI, INJECTED_SUB, SCRIPT } from '../../scripts/make-hostile.js';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { REPORT_FORMATS } from '../../src/report/render-report.js';
import { Store } from '../../src/store/db.js';
import { cli, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const CORPUS = fileURLToPath(new URL('./corpus/', import.meta.url));
const EXPECTED = JSON.parse(readFileSync(new URL('./expected.json', import.meta.url), 'utf8')) as Record<string, Expected>;
const BIN = fileURLToPath(new URL('../../bin/jwt-forensics.js', import.meta.url));
/** What a terminal would obey: C0 (but tab and newline), DEL, C1, bidi overrides and isolates. */
export const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const STACK = '\n    at ';

const stats = { tried: 0, crashes: 0, goodLost: 0, controlFound: 0, rawFound: 0, outputsChecked: 0 };
const crash: string[] = [];

function lineNumbers(rows: { line: bigint }[]): number[] {
  return rows.map((r) => Number(r.line)).sort((a, b) => a - b);
}

describe('each hostile input gets its expected outcome', () => {
  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`${name}: ${want.description}`, async () => {
      stats.tried++;
      const path = join(CORPUS, name);
      if (want.exit) {
        const xdb = join(tempDir(), 'x.duckdb');
        const r = cli(['--db', xdb, 'ingest', path]);
        if (r.stderr.includes(STACK) || r.code !== 2) crash.push(name);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(want.error!);
        expect(r.stderr).not.toContain(STACK);
        expect(r.stderr).not.toMatch(CONTROL);
        if (want.rejects) {
          // an unusable key file still leaves its rejects (file and line) and the keys it had in the store
          const store = await Store.open(xdb, { readOnly: true });
          try {
            const stored = await store.all<{ path: string; line: bigint | null; reason: string }>(`SELECT path, line, reason FROM rejects ORDER BY line`);
            expect(stored.map((x) => [x.line === null ? null : Number(x.line), x.reason])).toEqual(want.rejects);
            for (const x of stored) expect(x.path).toBe(path);
            expect(Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM keys`))!.n)).toBe(want.keys);
          } finally {
            store.close();
          }
        }
        return;
      }
      const store = await Store.open(':memory:');
      try {
        let summary;
        try {
          summary = await ingestFile(store, path);
        } catch (err) {
          stats.crashes++;
          crash.push(name);
          throw err;
        }
        expect(summary.kind).toBe(want.kind);
        expect(summary.rejects.map((r) => [r.line, r.reason])).toEqual(want.rejects);
        for (const r of summary.rejects) expect(r.detail).not.toMatch(CONTROL);
        if (want.good) {
          const loaded = lineNumbers(await store.all<{ line: bigint }>(
            `SELECT line FROM events UNION ALL SELECT line FROM captures UNION ALL SELECT line FROM revocations
             UNION ALL SELECT line FROM key_events`,
          ));
          stats.goodLost += want.good.filter((l) => !loaded.includes(l)).length;
          expect(loaded).toEqual(want.good);
          expect(summary.rows).toBe(want.good.length);
        }
        if (want.keys !== undefined) {
          const n = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM keys`);
          expect(Number(n!.n)).toBe(want.keys);
          expect(summary.warnings.length).toBe(want.warnings!.length);
        }
        for (const t of want.tokens ?? []) {
          const row = await store.one<{ decode_reason: string | null; payload_reason: string | null; decode_detail: string | null }>(
            `SELECT decode_reason, payload_reason, decode_detail FROM tokens WHERE sha256 = $sha`,
            { sha: t.sha256 },
          );
          expect(row, t.note).toBeDefined();
          expect([row!.decode_reason, row!.payload_reason], t.note).toEqual([t.reason, t.payload_reason]);
          if (row!.decode_detail) expect(row!.decode_detail).not.toMatch(CONTROL);
        }
        // the rejects landed in the store with file and line
        const stored = await store.all<{ path: string; line: bigint | null; reason: string }>(`SELECT path, line, reason FROM rejects ORDER BY line`);
        expect(stored.length).toBe(want.rejects!.length);
        for (const r of stored) expect(r.path).toBe(path);
      } finally {
        store.close();
      }
    });
  }
});

// --- the whole corpus through the CLI ------------------------------------------------------------------------

let dir: string;
let db: string;
const outputs: { what: string; text: string }[] = [];
let rawTokens: string[] = [];
const loadable = Object.entries(EXPECTED).filter(([, w]) => !w.exit).map(([name]) => join(CORPUS, name));

function record(what: string, r: CliResult): CliResult {
  outputs.push({ what: `${what} (stdout)`, text: r.stdout }, { what: `${what} (stderr)`, text: r.stderr });
  if (r.stderr.includes(STACK)) crash.push(what);
  return r;
}

function csvCells(text: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',' || c === '\n') (cells.push(cur), (cur = ''));
    else cur += c;
  }
  if (cur) cells.push(cur);
  return cells;
}

describe('the hostile store through the CLI', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jwtf-hostile-cli-'));
    db = join(dir, 'hostile.duckdb');
    const ingest = record('ingest', cli(['--db', db, 'ingest', ...loadable]));
    expect(ingest.code, ingest.stderr).toBe(0);
    const store = await Store.open(db, { readOnly: true });
    rawTokens = (await store.all<{ raw: string }>(`SELECT raw FROM tokens WHERE length(raw) >= 16`)).map((r) => r.raw);
    store.close();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ingest, check, check-keys, investigate --out, inspect, timeline and query run without a crash', () => {
    for (const format of ['table', 'json']) {
      expect(record(`check --format ${format}`, cli(['--db', db, '--format', format, 'check'])).code).toBe(0);
    }
    record('check-keys', cli(['--db', db, 'check-keys']));
    const out = join(dir, 'reports');
    const inv = record('investigate --out', cli(['--db', db, 'investigate', '--out', out, ...loadable]));
    expect(inv.code, inv.stderr).toBe(0);
    const files = readdirSync(out);
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) outputs.push({ what: `report ${f}`, text: readFileSync(join(out, f), 'utf8') });
    for (const f of files.filter((x) => /\.(md|html)$/.test(x))) {
      expect(readFileSync(join(out, f), 'utf8'), f).not.toContain(SCRIPT);
      expect(readFileSync(join(out, f), 'utf8'), f).not.toContain('<img src=x');
    }
    rawTokens.forEach((raw, i) => {
      const r = record('inspect', cli(['--db', db, 'inspect', '-'], { input: raw }));
      expect(r.code, r.stderr).toBe(0);
      if (i % 4 === 0) record('inspect --format json', cli(['--db', db, '--format', 'json', 'inspect', '-'], { input: raw }));
    });
    for (const q of ['SELECT * FROM events', 'SELECT * FROM rejects', 'SELECT * FROM findings', 'SELECT kid, kty, bits FROM keys', 'SELECT * FROM revocations']) {
      const r = record(`query ${q}`, cli(['--db', db, '--format', 'csv', 'query', q]));
      expect(r.code, r.stderr).toBe(0);
    }
    record('query table', cli(['--db', db, 'query', 'SELECT sub, ua, jti, reason FROM events']));
    record('timeline --jti', cli(['--db', db, 'timeline', '--jti', 'h-escape']));
    record('timeline --sub', cli(['--db', db, '--format', 'markdown', 'timeline', '--sub', INJECTED_SUB]));
  }, 300_000);

  it('report --include-raw carries the raw token of every finding in each format; without it none does', async () => {
    const plain = new Map<string, string>();
    const withRaw = new Map<string, string>();
    for (const format of REPORT_FORMATS) {
      for (const raw of [false, true]) {
        const file = join(dir, `report-${format}${raw ? '-raw' : ''}`);
        const r = cli(['--db', db, '--format', format, 'report', '--out', file, ...(raw ? ['--include-raw'] : [])]);
        expect(r.code, r.stderr).toBe(0);
        const text = readFileSync(file, 'utf8');
        if (raw) {
          withRaw.set(format, text);
          expect(statSync(file).mode & 0o777).toBe(0o600);
        } else {
          plain.set(format, text);
          outputs.push({ what: `report --format ${format}`, text }); // the leak check below scans these too
        }
      }
    }
    const store = await Store.open(db, { readOnly: true });
    const named = await store.all<{ fingerprint: string; raw: string; failing: boolean }>(
      `SELECT t.fingerprint, t.raw, bool_or(f.severity IN ('critical', 'high')) AS failing
       FROM findings f JOIN tokens t ON t.fingerprint = f.token GROUP BY ALL`,
    );
    const secrets = (await store.all<{ k: string }>(`SELECT jwk->>'k' AS k FROM keys WHERE is_secret`)).map((r) => r.k);
    store.close();
    expect(named.length).toBeGreaterThan(0);
    expect(secrets.length).toBeGreaterThan(0);
    for (const format of REPORT_FORMATS) {
      const shown = withRaw.get(format)!;
      const hidden = plain.get(format)!;
      // the redaction check can fail: the same tokens are there when asked for, so their absence means something.
      // A token holding a control character (an undecodable one) is never written raw: JSON escapes it, text formats
      // replace it; such a token is named by its fingerprint.
      // JUnit details only the failures (at or above --fail-on, high by default); the rest are one summary line each.
      const copyable = named.filter((t) => !CONTROL.test(t.raw) && (format !== 'junit' || t.failing));
      expect(copyable.filter((t) => !shown.includes(t.raw)).map((t) => t.fingerprint), format).toEqual([]);
      for (const t of named) if (format !== 'junit' || t.failing) expect(shown.includes(t.fingerprint), `${format} names ${t.fingerprint}`).toBe(true);
      expect(rawTokens.filter((raw) => hidden.includes(raw)).map((raw) => raw.slice(0, 40)), format).toEqual([]);
      for (const k of secrets) {
        expect(shown.includes(k), `${format} --include-raw leaks a key secret`).toBe(false);
        expect(hidden.includes(k), `${format} leaks a key secret`).toBe(false);
      }
    }
  }, 120_000);

  it('CSV cells starting with = + - @ are neutralised', () => {
    const r = cli(['--db', db, '--format', 'csv', 'query', 'SELECT sub, ua, ip, client_id FROM events']);
    expect(r.code).toBe(0);
    const cells = csvCells(r.stdout);
    expect(cells).toContain(`'=HYPERLINK("http://evil.test","x")`);
    for (const c of cells) expect(c, c).not.toMatch(/^[=+\-@]/);
  });

  it('--jti and --sub are bound parameters, never spliced', () => {
    const injected = cli(['--db', db, '--format', 'json', 'timeline', '--sub', "x' OR '1'='1"]);
    expect(injected.code, injected.stderr).toBe(0);
    expect(JSON.parse(injected.stdout).events).toEqual([]);
    const exact = cli(['--db', db, '--format', 'json', 'timeline', '--jti', INJECTED_JTI]);
    expect(exact.code, exact.stderr).toBe(0);
    // the event and the revocation of that jti (its refresh family and session come along): no other jti
    const jtis = JSON.parse(exact.stdout).events.map((e: { jti: string | null }) => e.jti);
    expect(jtis).toContain(INJECTED_JTI);
    expect(jtis.filter((j: string | null) => j !== null && j !== INJECTED_JTI)).toEqual([]);
    const sub = cli(['--db', db, '--format', 'json', 'timeline', '--sub', INJECTED_SUB]);
    const subs = JSON.parse(sub.stdout).events.map((e: { sub: string | null }) => e.sub);
    expect(subs).toContain(INJECTED_SUB);
    expect(subs.filter((x: string | null) => x !== null && x !== INJECTED_SUB)).toEqual([]);
  });

  it('query cannot write, read files, attach or install', () => {
    for (const sql of [
      'DELETE FROM events',
      'DROP TABLE tokens',
      `COPY events TO '${join(dir, 'leak.csv')}'`,
      `ATTACH '${join(dir, 'other.duckdb')}' AS other`,
      'INSTALL httpfs',
      `SELECT * FROM read_csv('/etc/passwd')`,
    ]) {
      const r = record(`query ${sql}`, cli(['--db', db, 'query', sql]));
      expect(r.code, sql).toBe(2);
      expect(r.stderr).not.toContain(STACK);
    }
    expect(readdirSync(dir)).not.toContain('leak.csv');
  });

  it('the store file is 0600', () => {
    expect(statSync(db).mode & 0o777).toBe(0o600);
  });

  it('nothing printed or written carries a control character or a raw token', () => {
    expect(outputs.length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const o of outputs) {
      stats.outputsChecked++;
      const m = CONTROL.exec(o.text);
      if (m) {
        stats.controlFound++;
        leaks.push(`${o.what}: U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${m.index}: ${JSON.stringify(o.text.slice(Math.max(0, m.index - 40), m.index + 20))}`);
      }
      for (const raw of rawTokens) {
        if (o.text.includes(raw)) {
          stats.rawFound++;
          leaks.push(`${o.what}: raw token ${JSON.stringify(raw.slice(0, 40))}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});

describe('jku and x5u are never fetched', () => {
  it('investigate makes no request to a jku/x5u URL on a listening loopback server', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end('{"keys":[]}');
    });
    server.on('connection', () => requests++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'RS256', kid: 'remote', jku: `http://127.0.0.1:${port}/jwks.json`, x5u: `http://127.0.0.1:${port}/cert.pem` })}.${b64({ sub: 'mallory', exp: 1773486000 })}.${b64('sig')}`;
    const work = mkdtempSync(join(tmpdir(), 'jwtf-jku-'));
    const events = join(work, 'events.ndjson');
    writeFileSync(events, `${JSON.stringify({ ts: 1773482400, event: 'use', token, outcome: 'success' })}\n`);
    try {
      const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, '--db', join(work, 'x.duckdb'), '--format', 'json', 'investigate', events], { env: { ...process.env, NO_COLOR: '1' } });
        let stdout = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.on('exit', (code) => resolve({ code, stdout }));
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('header-injection');
      // give a late connection a moment to show up
      await new Promise((res) => setTimeout(res, 200));
      expect(requests).toBe(0);
    } finally {
      server.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('summary', () => {
  it('reports the figures', () => {
    const line = `${stats.tried} hostile inputs tried, ${crash.length + stats.crashes} crashes, ${stats.goodLost} good lines lost, `
      + `${stats.controlFound + stats.rawFound} control characters or raw tokens in any output (${stats.outputsChecked} outputs checked)`;
    console.log(line);
    expect(stats.tried).toBe(Object.keys(EXPECTED).length);
    expect(crash).toEqual([]);
    expect(stats.crashes).toBe(0);
    expect(stats.goodLost).toBe(0);
    expect(stats.outputsChecked).toBeGreaterThan(20);
    expect(stats.controlFound + stats.rawFound).toBe(0);
  });
});
