// Coverage end to end on the built CLI (`npm run build` first): what could not be examined is said, never silently
// clean; --strict turns a signature or use check that could not be evaluated into exit 2 (after the output is written);
// and a clean baseline raises nothing of medium or above, with or without rotation records (docs/ci.md).
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { severityRank } from '../../src/findings/finding.js';
import { cli } from '../helpers/cli.js';
import { expectValidReport } from '../helpers/report-schema.js';
import { tempDir } from '../helpers/tmp.js';

const BASELINE = new URL('../../fixtures/scenarios/clean-baseline/', import.meta.url).pathname;
const POLICY = join(BASELINE, 'policy.json');

interface Entry {
  check: string;
  evaluated: boolean;
  examined: number;
  total: number | null;
  unit: string;
  why: string | null;
}
interface Finding {
  check: string;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  title: string;
}

/** A bundle folder with the clean baseline's events (tokens taken out when asked) and keys, without rotation records. */
function bundle(dir: string, opts: { tokens: boolean }): string {
  const events = readFileSync(join(BASELINE, 'events.ndjson'), 'utf8').trim().split('\n').map((l) => {
    const e = JSON.parse(l) as Record<string, unknown>;
    if (!opts.tokens) delete e.token;
    return JSON.stringify(e);
  });
  writeFileSync(join(dir, 'events.ndjson'), `${events.join('\n')}\n`);
  copyFileSync(join(BASELINE, 'keys.json'), join(dir, 'keys.json'));
  return dir;
}

const loud = (findings: Finding[]): string[] =>
  findings.filter((f) => severityRank(f.severity) <= severityRank('medium')).map((f) => `${f.severity} ${f.check} ${f.title}`);

let home: string;
let tokenless: string;
let db: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'jwtf-coverage-'));
  tokenless = bundle(mkdtempSync(join(home, 'bundle-')), { tokens: false });
  db = join(home, 'case.duckdb');
  expect(cli(['--db', db, 'ingest', tokenless]).code).toBe(0);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));
const run = (...args: string[]) => cli(['--db', db, ...args]);

describe('coverage on a store whose events carry no token', () => {
  it('check: "No findings" says the checks had nothing to look at, and the coverage list says why', () => {
    const r = run('check', '--only', 'alg-none,bad-signature');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No findings\. \(0 critical, 0 high, 0 medium, 0 low, 0 info\) — 2 check\(s\) not evaluated: nothing to look at/);
    expect(r.stdout).toMatch(/Coverage\n {2}alg-none +not evaluated: no tokens \(no event or capture carries one\)\n {2}bad-signature +not evaluated: no tokens/);
  });

  it('check --format json: one coverage entry per check run, valid against the schema', () => {
    const r = run('--format', 'json', 'check');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { coverage: Entry[] };
    expectValidReport(report);
    const of = (id: string) => report.coverage.find((e) => e.check === id)!;
    expect(of('alg-none')).toEqual({ check: 'alg-none', evaluated: false, examined: 0, total: 0, unit: 'tokens decoded', why: 'no tokens (no event or capture carries one)' });
    expect(of('failure-burst')).toMatchObject({ evaluated: true, unit: 'events record an outcome', why: null });
    expect(of('impossible-travel')).toMatchObject({ evaluated: true, unit: 'events located' });
    expect(report.coverage.some((e) => e.check === 'key-rotation-gap')).toBe(false); // check-keys' own
  });

  it('check --strict exits 2 after printing, naming the checks that could not be evaluated and why', () => {
    const r = run('check', '--strict');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Coverage/);
    expect(r.stderr).toMatch(/--strict: \d+ signature or use check\(s\) could not be evaluated — no tokens \(no event or capture carries one\): alg-none, /);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it('--strict does not fail on a behaviour check or the key audit', () => {
    expect(run('check', '--strict', '--only', 'failure-burst,device-change').code).toBe(0);
    const keys = run('--format', 'json', 'check-keys', '--strict', '--only', 'key-rotation-gap,weak-key');
    expect(keys.code).toBe(0);
    const report = JSON.parse(keys.stdout) as { coverage: Entry[]; findings: Finding[] };
    // no rotation records at all: not evaluated, and not one medium finding per key
    expect(report.coverage.find((e) => e.check === 'key-rotation-gap')).toMatchObject({ evaluated: false, why: 'no key rotation records' });
    expect(report.findings.filter((f) => f.check === 'key-rotation-gap')).toEqual([]);
  });

  it('report --strict writes the report first, then exits 2; the JUnit file skips what was not evaluated', () => {
    const out = join(tempDir(), 'report.junit.xml');
    const r = run('--format', 'junit', 'report', '--strict', '--out', out);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(true);
    const xml = readFileSync(out, 'utf8');
    expect(xml).toMatch(/<testcase classname="jwt-forensics" name="bad-signature" time="0">\n {6}<skipped message="not evaluated: no tokens/);
    expect(run('--format', 'json', 'report').code).toBe(0); // without --strict: the same report, exit 0
  });

  it('investigate --strict writes every report, then exits 2', () => {
    const dir = tempDir();
    const r = cli(['--db', join(dir, 'i.duckdb'), 'investigate', '--strict', '--out', join(dir, 'reports'), tokenless]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--strict: .*could not be evaluated/);
    for (const f of ['report.json', 'report.md', 'report.html', 'report.sarif', 'report.junit.xml']) expect(existsSync(join(dir, 'reports', f))).toBe(true);
    const report = JSON.parse(readFileSync(join(dir, 'reports', 'report.json'), 'utf8')) as { coverage: Entry[] };
    expect(report.coverage.filter((e) => !e.evaluated).map((e) => e.check)).toContain('expired-use');
    const md = readFileSync(join(dir, 'reports', 'report.md'), 'utf8');
    expect(md).toContain('## Coverage');
  });
});

describe('the clean baseline, investigated', () => {
  it('raises nothing of medium or above, and --strict passes: every signature and use check had something to look at', () => {
    const dir = tempDir();
    const r = cli(['--db', join(dir, 'c.duckdb'), '--config', POLICY, '--format', 'json', 'investigate', '--strict', BASELINE]);
    expect(r.stderr).not.toMatch(/--strict/);
    expect(r.code).toBe(0);
    const { report } = JSON.parse(r.stdout) as { report: { findings: Finding[]; coverage: Entry[] } };
    expect(loud(report.findings)).toEqual([]);
    expect(report.coverage.find((e) => e.check === 'key-rotation-gap')).toMatchObject({ evaluated: true });
  });

  it('raises nothing of medium or above without its rotation records either: key-rotation-gap is not evaluated', () => {
    const dir = tempDir();
    const r = cli(['--db', join(dir, 'n.duckdb'), '--config', POLICY, '--format', 'json', 'investigate', '--fail-on', 'medium', bundle(tempDir(), { tokens: true })]);
    expect(r.code).toBe(0);
    const { report } = JSON.parse(r.stdout) as { report: { findings: Finding[]; coverage: Entry[] } };
    expect(loud(report.findings)).toEqual([]);
    expect(report.coverage.find((e) => e.check === 'key-rotation-gap')).toMatchObject({ evaluated: false, why: 'no key rotation records' });
    expect(report.findings.some((f) => f.check === 'key-rotation-gap')).toBe(false);
  });
});
