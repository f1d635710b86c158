// Findings know what produced them: every check run is recorded (tool version, policy sha256, the sources it saw),
// and `report` / `timeline` never show findings that the store's present inputs and policy did not produce. On main,
// ingest → check → ingest a file of forgeries → report listed the new file but not its findings, and `--fail-on`
// passed; `report --config` was silently ignored.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { expectValidReport } from '../helpers/report-schema.js';
import { tempDir, tempFile } from '../helpers/tmp.js';

const ALG_NONE = new URL('../../fixtures/scenarios/alg-none/', import.meta.url).pathname;
const EXPIRED = new URL('../../fixtures/scenarios/expired-use/', import.meta.url).pathname;
const CLEAN = new URL('../../fixtures/scenarios/clean-baseline/', import.meta.url).pathname;

describe('check runs and stale findings', () => {
  it('report re-checks after a new source is ingested: the forgeries it brought are reported and gate the exit code', () => {
    const db = join(tempDir(), 'case.duckdb');
    const run = (...args: string[]) => cli(['--db', db, ...args]);
    expect(run('ingest', CLEAN).code).toBe(0);
    expect(run('check', '--fail-on', 'high').code).toBe(0);
    expect(run('check-keys').code).toBe(0);
    const quiet = run('--format', 'json', 'report');
    expect(quiet.stderr).not.toMatch(/re-checked/); // fresh: shown as stored
    const before = JSON.parse(quiet.stdout);
    expectValidReport(before);
    expect(before.run).toMatchObject({ tool_version: expect.any(String), policy_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(before.run.sources.map((s: { sha256: string }) => s.sha256).sort()).toEqual(before.inputs.map((i: { sha256: string }) => i.sha256).sort());

    expect(run('ingest', ALG_NONE).code).toBe(0);
    const r = run('--format', 'json', 'report', '--fail-on', 'high');
    expect(r.stderr).toMatch(/findings re-checked before reporting: every check \(\d+ source\(s\) ingested since\)/);
    expect(r.code).toBe(1);
    const after = JSON.parse(r.stdout);
    expectValidReport(after);
    expect(after.findings.some((f: { check: string; severity: string }) => f.check === 'alg-none' && f.severity === 'critical')).toBe(true);
    expect(after.run.id).toBeGreaterThan(before.run.id);
    expect(after.run.sources).toHaveLength(after.inputs.length);
  });

  it('report --config with another policy re-checks under it; the same policy again does not', () => {
    const db = join(tempDir(), 'case.duckdb');
    const run = (...args: string[]) => cli(['--db', db, ...args]);
    expect(run('ingest', EXPIRED).code).toBe(0);
    expect(run('check').code).toBe(0);
    const policy = tempFile('policy.json', JSON.stringify({ clock_skew_seconds: 86_400 * 365 * 50 }));
    const loose = run('--config', policy, '--format', 'json', 'report');
    expect(loose.stderr).toMatch(/re-checked.*another policy/);
    const report = JSON.parse(loose.stdout);
    // a fifty-year leeway: nothing is used after its exp any more
    expect(report.findings.filter((f: { check: string }) => f.check === 'expired-use')).toEqual([]);
    expect(run('--config', policy, '--format', 'json', 'report').stderr).not.toMatch(/re-checked/);
    // and back under the default policy: re-checked again, the findings return
    const strict = run('--format', 'json', 'report');
    expect(strict.stderr).toMatch(/re-checked.*another policy/);
    expect(JSON.parse(strict.stdout).findings.some((f: { check: string }) => f.check === 'expired-use')).toBe(true);
  });

  it('check-keys after check: report shows both runs, newest as `run`; the Markdown report names the run', () => {
    const db = join(tempDir(), 'case.duckdb');
    const run = (...args: string[]) => cli(['--db', db, ...args]);
    expect(run('ingest', ALG_NONE).code).toBe(0);
    expect(run('check').code).toBe(0);
    expect(run('check-keys').code).toBe(0);
    const r = run('--format', 'json', 'report');
    expect(r.stderr).not.toMatch(/re-checked/);
    const report = JSON.parse(r.stdout);
    expect(report.runs).toHaveLength(2);
    expect(report.run).toEqual(report.runs[1]);
    expect(report.runs[0].checks).toContain('alg-none');
    expect(report.runs[1].checks).toContain('weak-key');
    const md = run('--format', 'markdown', 'report');
    expect(md.stdout).toContain(report.run.policy_sha256.slice(0, 12));
  });

  it('timeline re-checks stale findings before showing them inline', () => {
    const db = join(tempDir(), 'case.duckdb');
    const run = (...args: string[]) => cli(['--db', db, ...args]);
    expect(run('ingest', CLEAN).code).toBe(0);
    expect(run('check').code).toBe(0);
    expect(run('ingest', ALG_NONE).code).toBe(0);
    const jti = JSON.parse(run('--format', 'json', 'query', "SELECT jti FROM tokens WHERE lower(alg) = 'none' AND jti IS NOT NULL LIMIT 1").stdout)[0].jti;
    const t = run('--format', 'json', 'timeline', '--jti', jti);
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/re-checked/);
    expect(JSON.parse(t.stdout).findings.some((f: { check: string }) => f.check === 'alg-none')).toBe(true);
    expect(readFileSync(db).length).toBeGreaterThan(0);
  });
});
