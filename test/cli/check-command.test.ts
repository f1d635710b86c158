// `check` and `check-keys` end to end through the built CLI (run `npm run build` first): report shape, gates,
// --only, formats, and findings kept in the store without duplicates.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { expectValidReport } from '../helpers/report-schema.js';
import { tempDir, tempFile } from '../helpers/tmp.js';
import { unsigned } from '../helpers/tokens.js';

const SCENARIOS = new URL('../../fixtures/scenarios/', import.meta.url).pathname;
const ALG_NONE = join(SCENARIOS, 'alg-none');
const KEY_GAPS = join(SCENARIOS, 'key-rotation-gap-records');
const FINDING_KEYS = ['check', 'events', 'evidence', 'first_seen', 'id', 'jti', 'kid', 'last_seen', 'remediation', 'severity', 'sub', 'title', 'token'];

let home: string;
let db: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'jwtf-check-'));
  db = join(home, 'case.duckdb');
  expect(cli(['--db', db, 'ingest', ALG_NONE, KEY_GAPS]).code).toBe(0);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const run = (...args: string[]) => cli(['--db', db, ...args]);
const json = (...args: string[]) => JSON.parse(run('--format', 'json', ...args).stdout);

describe('check', () => {
  it('prints the DESIGN.md report shape with --format json, never a raw token', () => {
    const r = run('--format', 'json', 'check');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expectValidReport(report);
    expect(Object.keys(report).sort()).toEqual(['containment', 'coverage', 'filter', 'findings', 'generated_at', 'inputs', 'ledger_head', 'run', 'runs', 'schema_version', 'summary', 'tool']);
    expect(report.tool).toMatchObject({ name: 'jwt-forensics', version: expect.any(String) });
    expect(report.inputs.length).toBeGreaterThanOrEqual(5);
    for (const input of report.inputs) {
      expect(Object.keys(input).sort()).toEqual(['kind', 'path', 'rejected', 'rows', 'sha256']);
      expect(input.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(Object.keys(report.summary)).toEqual(['critical', 'high', 'medium', 'low', 'info']);
    const total = Object.values(report.summary as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(total).toBe(report.findings.length);
    for (const f of report.findings) expect(Object.keys(f).sort()).toEqual(FINDING_KEYS);
    expect(report.findings.filter((f: { check: string }) => f.check === 'alg-none')).toHaveLength(4);
    for (const line of readFileSync(join(ALG_NONE, 'events.ndjson'), 'utf8').trim().split('\n')) {
      expect(r.stdout).not.toContain(JSON.parse(line).token);
    }
  });

  it('--only restricts the checks; an unknown id is a usage error', () => {
    const report = json('check', '--only', 'alg-none');
    expectValidReport(report);
    expect(new Set(report.findings.map((f: { check: string }) => f.check))).toEqual(new Set(['alg-none']));
    expect(report.summary).toEqual({ critical: 2, high: 0, medium: 1, low: 1, info: 0 });
    const bad = run('check', '--only', 'alg-none,no-such-check');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no-such-check/);
    expect(run('check', '--fail-on', 'severe').code).toBe(2);
  });

  it('--fail-on exits 1 at or above the level and 0 below it', () => {
    expect(run('check', '--only', 'alg-none', '--fail-on', 'high').code).toBe(1);
    const probeOnly = join(tempDir(), 'probe.duckdb');
    const token = unsigned({ sub: 'mallory', jti: 'probe' }, 'NONE');
    const events = tempFile('e.ndjson', `${JSON.stringify({ ts: 1773482400, event: 'use', token, outcome: 'failure' })}\n`);
    expect(cli(['--db', probeOnly, 'ingest', events]).code).toBe(0);
    expect(cli(['--db', probeOnly, 'check', '--only', 'alg-none', '--fail-on', 'critical']).code).toBe(0);
    expect(cli(['--db', probeOnly, 'check', '--only', 'alg-none', '--fail-on', 'low']).code).toBe(1);
  });

  it('a re-run replaces its findings instead of adding to them', () => {
    const first = json('check', '--only', 'alg-none');
    const count = () => json('query', `SELECT count(*) AS n, count(DISTINCT id) AS ids FROM findings WHERE check_id = 'alg-none'`)[0];
    expect(count()).toEqual({ n: '4', ids: '4' });
    const again = json('check', '--only', 'alg-none');
    expect(count()).toEqual({ n: '4', ids: '4' });
    expect(again.findings.map((f: { id: string }) => f.id)).toEqual(first.findings.map((f: { id: string }) => f.id));
  });

  it('--format ndjson prints one finding a line', () => {
    const r = run('--format', 'ndjson', 'check', '--only', 'alg-none');
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    for (const f of lines) expect(Object.keys(f).sort()).toEqual(FINDING_KEYS);
  });

  it('--format markdown escapes what the logs planted', () => {
    const local = join(tempDir(), 'md.duckdb');
    const token = unsigned({ sub: '<script>alert(1)</script>', jti: 'xss' }, 'none');
    const events = tempFile('e.ndjson', `${JSON.stringify({ ts: 1773482400, event: 'use', token, outcome: 'success' })}\n`);
    expect(cli(['--db', local, 'ingest', events]).code).toBe(0);
    const md = cli(['--db', local, '--format', 'markdown', 'check', '--only', 'alg-none']);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# jwt-forensics report/);
    expect(md.stdout).not.toContain('<script>');
    expect(md.stdout).toContain('&lt;script&gt;');
  });
});

describe('check-keys', () => {
  it('runs the key audit only, in the same report shape, and gates on it', () => {
    const report = json('check-keys');
    expectValidReport(report);
    expect(Object.keys(report).sort()).toEqual(['containment', 'coverage', 'filter', 'findings', 'generated_at', 'inputs', 'ledger_head', 'run', 'runs', 'schema_version', 'summary', 'tool']);
    expect(report.coverage.map((e: { check: string }) => e.check)).toEqual(
      ['unknown-key', 'retired-key', 'revoked-key', 'key-rotation-gap', 'weak-key', 'kid-reuse', 'unused-key']);
    const checks = new Set(report.findings.map((f: { check: string }) => f.check));
    expect(checks.has('key-rotation-gap')).toBe(true);
    expect(checks.has('alg-none')).toBe(false);
    const gaps = json('check-keys', '--only', 'key-rotation-gap').findings;
    expect(gaps.find((f: { kid: string }) => f.kid === 'rsa-next')).toMatchObject({ severity: 'high', evidence: { problem: 'compromised-active' } });
    expect(run('check-keys', '--only', 'key-rotation-gap', '--fail-on', 'high').code).toBe(1);
    expect(run('check-keys', '--only', 'key-rotation-gap', '--fail-on', 'critical').code).toBe(0);
  });
});
