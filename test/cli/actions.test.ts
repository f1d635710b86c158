// `actions` on the built CLI: the bundled incident's containment list as table, JSON, CSV (parsed back with a real
// CSV parser) and NDJSON; the threshold follows --min-severity; nothing to do is said plainly; no raw token anywhere.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Containment, ContainmentAction } from '../../src/report/containment.js';
import { CONTAINMENT_CSV_COLUMNS } from '../../src/report/render-containment.js';
import { cli, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const BUNDLE = new URL('../../fixtures/incident-acme/', import.meta.url).pathname;
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*\.?/;

let db: string;
const run = (...args: string[]): CliResult => cli(['--db', db, ...args], { env: { COLUMNS: '200' } });

// one store for the file (tempDir() folders go after each test)
const storeDir = mkdtempSync(join(tmpdir(), 'jwtf-actions-'));
afterAll(() => rmSync(storeDir, { recursive: true, force: true }));

beforeAll(() => {
  db = join(storeDir, 'incident.duckdb');
  const r = cli(['--db', db, '--quiet', 'investigate', BUNDLE, '--format', 'json']);
  expect(r.stderr).toBe('');
}, 180_000);

function expectNoRawToken(r: CliResult): void {
  expect(r.stdout).not.toMatch(JWT);
  expect(r.stderr).not.toMatch(JWT);
}

describe('actions', () => {
  let json: Containment;

  beforeAll(() => {
    const r = run('actions', '--format', 'json');
    expect(r.code).toBe(0);
    json = JSON.parse(r.stdout) as Containment;
  }, 60_000);

  it('prints the list as JSON: the compromised key first, the attacker blocked, from high up by default', () => {
    expect(json.min_severity).toBe('high');
    expect(json.actions[0]).toMatchObject({ action: 'revoke-key', target: 'acme-es-1', severity: 'critical' });
    expect(json.actions[0]!.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(json.actions.filter((a) => a.action === 'block-ip').map((a) => a.target)).toEqual(['175.16.199.23']);
    expect(json.findings_below).toBeGreaterThan(0);
  });

  it('prints a table that fits the terminal, with a summary line', () => {
    const r = run('actions');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('acme-es-1');
    expect(r.stdout).toMatch(/\d+ actions from \d+ findings at high or above: .*revoke-key/);
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(200);
    expectNoRawToken(r);
  });

  it('prints CSV that parses back to the same actions', () => {
    const r = run('actions', '--format', 'csv');
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...CONTAINMENT_CSV_COLUMNS]);
    expect(rows).toHaveLength(json.actions.length);
    rows.forEach((row, i) => {
      const a = json.actions[i]!;
      expect([row.action, row.target, row.severity, row.tokens, row.findings]).toEqual([a.action, a.target, a.severity, a.tokens.join(' '), a.findings.join(' ')]);
      expect(row.thumbprint).toBe(a.thumbprint === null ? '' : /^[=+\-@]/.test(a.thumbprint) ? `'${a.thumbprint}` : a.thumbprint);
    });
    expectNoRawToken(r);
  });

  it('prints NDJSON, one action a line, ready for jq', () => {
    const r = run('actions', '--format', 'ndjson');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as ContainmentAction);
    expect(lines).toEqual(json.actions);
    expect(lines.filter((a) => a.action === 'revoke-subject').map((a) => a.sub)).toContain('u-1000');
    expectNoRawToken(r);
  });

  it('follows the global --min-severity', () => {
    const r = run('--min-severity', 'critical', 'actions', '--format', 'json');
    expect(r.code).toBe(0);
    const critical = JSON.parse(r.stdout) as Containment;
    expect(critical.min_severity).toBe('critical');
    expect(critical.actions.length).toBeLessThan(json.actions.length);
    expect(critical.actions.every((a) => a.severity === 'critical')).toBe(true);
    expect(run('--min-severity', 'severe', 'actions').code).toBe(2);
  });

  it('says plainly when there is nothing to act on, naming the findings below the threshold', () => {
    // a store with only the key set: the key audit's findings justify nothing at critical
    const empty = join(tempDir(), 'keys-only.duckdb');
    const keyFile = join(tempDir(), 'jwks.json');
    writeFileSync(keyFile, readFileSync(join(BUNDLE, 'keys/jwks.json')));
    expect(cli(['--db', empty, '--quiet', 'ingest', keyFile]).code).toBe(0);
    const r = cli(['--db', empty, '--min-severity', 'critical', 'actions'], { env: { COLUMNS: '200' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Nothing to act on: no finding at critical or above justifies an action/);
    const csv = cli(['--db', empty, '--quiet', '--min-severity', 'critical', 'actions', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.trim()).toBe(CONTAINMENT_CSV_COLUMNS.join(','));
    const said = cli(['--db', empty, '--min-severity', 'critical', 'actions', '--format', 'ndjson']);
    expect(said.stdout).toBe('');
    expect(said.stderr).toMatch(/Nothing to act on/);
  });

  it('is in the report: JSON, and HTML', () => {
    const r = run('report', '--format', 'json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { containment: Containment };
    expect(report.containment.actions).toEqual(json.actions);
    const html = run('report', '--format', 'html');
    expect(html.stdout).toContain('<section class="part" id="containment"><h2>What to act on</h2>');
    expectNoRawToken(html);
  });
});
