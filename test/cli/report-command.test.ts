// `report` end to end through the built CLI (run `npm run build` first): stored findings or a fresh run, every
// format to a file or stdout, the gate after writing, usage errors, and hostile values escaped.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { expectValidReport } from '../helpers/report-schema.js';
import { expectValidSarif } from '../helpers/sarif-schema.js';
import { tempDir, tempFile } from '../helpers/tmp.js';
import { unsigned } from '../helpers/tokens.js';
import { xmlProblems } from '../helpers/xml.js';

const ALG_NONE = new URL('../../fixtures/scenarios/alg-none/', import.meta.url).pathname;
const EXPIRED = new URL('../../fixtures/scenarios/expired-use/', import.meta.url).pathname;

let dir: string;
let db: string;
const run = (...args: string[]) => cli(['--db', db, ...args]);
// not tempDir(): that one is emptied after each test, and this store serves the whole file
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jwtf-report-'));
  db = join(dir, 'case.duckdb');
  expect(run('ingest', ALG_NONE).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report', () => {
  it('runs every check when none are stored, keeps their findings, and prints a valid JSON report', () => {
    const local = join(tempDir(), 'fresh.duckdb');
    expect(cli(['--db', local, 'ingest', ALG_NONE, EXPIRED]).code).toBe(0);
    const r = cli(['--db', local, '--format', 'json', 'report']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expectValidReport(report);
    const checks = new Set(report.findings.map((f: { check: string }) => f.check));
    expect(checks.has('alg-none') && checks.has('expired-use')).toBe(true);
    const stored = JSON.parse(cli(['--db', local, '--format', 'json', 'query', 'SELECT count(*) AS n FROM findings']).stdout);
    expect(Number(stored[0].n)).toBe(report.findings.length);
  });

  it('reports the stored findings as they are, without re-running the checks, when every check has run on these inputs', () => {
    const detection = JSON.parse(run('--format', 'json', 'check').stdout);
    const keys = JSON.parse(run('--format', 'json', 'check-keys').stdout);
    const r = run('report', '--format', 'json');
    expect(r.stderr).not.toMatch(/re-checked/);
    const report = JSON.parse(r.stdout);
    expectValidReport(report);
    expect(report.findings.filter((f: { check: string }) => f.check === 'alg-none')).toHaveLength(4);
    // the store round-trips every field
    const byId = (fs: { id: string }[]) => [...fs].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(report.findings)).toEqual(byId([...detection.findings, ...keys.findings]));
    expect(report.runs.map((x: { id: number }) => x.id)).toEqual([detection.run.id, keys.run.id]);
  });

  it('runs the checks that never ran before reporting, and says so', () => {
    const local = join(tempDir(), 'partial.duckdb');
    expect(cli(['--db', local, 'ingest', ALG_NONE]).code).toBe(0);
    expect(cli(['--db', local, 'check', '--only', 'alg-none']).code).toBe(0);
    const r = cli(['--db', local, '--format', 'json', 'report']);
    expect(r.stderr).toMatch(/re-checked before reporting: .*never run/);
    expect(r.stderr).not.toMatch(/\balg-none\b/);
    const report = JSON.parse(r.stdout);
    expect(report.runs.flatMap((x: { checks: string[] }) => x.checks)).toEqual(expect.arrayContaining(['alg-none', 'weak-key', 'expired-use']));
  });

  it.each([
    ['markdown', /^# jwt-forensics report/],
    ['json', /^\{\n {2}"schema_version": 1/],
    ['sarif', /"version": "2\.1\.0"/],
    ['junit', /^<\?xml version="1\.0" encoding="UTF-8"\?>/],
    ['html', /^<!doctype html>/i],
  ])('--format %s --out FILE writes the file, not stdout', (format, start) => {
    const out = join(tempDir(), `report.${format}`);
    const r = run('report', '--format', format, '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(out);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(start);
    if (format === 'sarif') expectValidSarif(JSON.parse(text));
    if (format === 'junit') expect(xmlProblems(text)).toEqual([]);
    if (format === 'json') expectValidReport(JSON.parse(text));
  });

  it('writes to stdout without --out or with --out -; markdown is the default', () => {
    expect(run('report').stdout).toMatch(/^# jwt-forensics report/);
    expect(run('report', '--format', 'junit', '--out', '-').stdout).toMatch(/^<\?xml/);
  });

  it('--fail-on exits 1 at or above the level, after writing the report', () => {
    const out = join(tempDir(), 'gate.sarif');
    const r = run('report', '--format', 'sarif', '--out', out, '--fail-on', 'high');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/at or above high/);
    expectValidSarif(JSON.parse(readFileSync(out, 'utf8')));
    expect(run('report', '--format', 'json', '--fail-on', 'info').code).toBe(1);
  });

  it('--fail-on also sets where JUnit failures start', () => {
    const failures = (xml: string) => (xml.match(/<failure /g) ?? []).length;
    expect(failures(run('report', '--format', 'junit').stdout)).toBe(2); // two critical, none high
    expect(failures(run('report', '--format', 'junit', '--fail-on', 'low').stdout)).toBe(4);
  });

  it('refuses a bad format, a bad severity and a missing store (exit 2)', () => {
    expect(run('report', '--format', 'pdf').code).toBe(2);
    expect(run('report', '--fail-on', 'severe').code).toBe(2);
    const missing = join(tempDir(), 'none.duckdb');
    const r = cli(['--db', missing, 'report']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no store at/);
    expect(existsSync(missing)).toBe(false);
  });

  it('--include-raw puts the raw tokens of the findings in their evidence, in a private file', () => {
    const out = join(tempDir(), 'raw.json');
    expect(run('report', '--format', 'json', '--include-raw', '--out', out).code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expectValidReport(report);
    const tokens = readFileSync(join(ALG_NONE, 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).token as string);
    const raws = report.findings.map((f: { evidence: { raw_token?: string } }) => f.evidence.raw_token);
    expect(raws.every((t: unknown) => typeof t === 'string')).toBe(true);
    expect(tokens.some((t) => raws.includes(t))).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const plain = run('report', '--format', 'json').stdout;
    for (const t of tokens) expect(plain).not.toContain(t);
  });

  it('escapes what the logs planted, in Markdown and JUnit', () => {
    const local = join(tempDir(), 'xss.duckdb');
    const token = unsigned({ sub: '<script>alert(1)</script>|', jti: 'xss' }, 'none');
    const events = tempFile('e.ndjson', `${JSON.stringify({ ts: 1773482400, event: 'use', token, outcome: 'success', ua: '<img src=x onerror=alert(1)>\u0007' })}\n`);
    expect(cli(['--db', local, 'ingest', events]).code).toBe(0);
    const md = cli(['--db', local, 'report']).stdout;
    expect(md).not.toMatch(/<script|<img/);
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;\\|');
    const xml = cli(['--db', local, 'report', '--format', 'junit', '--fail-on', 'info']).stdout;
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).not.toContain('<script>');
  });
});
