// Triage on the bundled incident, as a responder runs it (the built CLI: `npm run build` first): tables that fit 80
// and 200 columns, --min-severity on every command that shows findings (listed, not gated), near-identical findings
// grouped in the table, status lines on stderr, and each command's help with the global options and its formats.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_FORMATS } from '../../src/cli/formats.js';
import { REPORT_FORMATS } from '../../src/report/render-report.js';
import { TIMELINE_FORMATS } from '../../src/cli/run-timeline.js';
import { ACTIONS_FORMATS } from '../../src/cli/run-actions.js';
import { cli } from '../helpers/cli.js';
import { expectValidReport } from '../helpers/report-schema.js';

const BUNDLE = new URL('../../fixtures/incident-acme/', import.meta.url).pathname;
let dir: string;
let db: string;
let investigated: ReturnType<typeof cli>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jwtf-triage-'));
  db = join(dir, 'case.duckdb');
  investigated = cli(['--db', db, 'investigate', BUNDLE], { env: { COLUMNS: '80' } });
  expect(investigated.code, investigated.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tableLines = (text: string): string[] => text.split('\n').filter((l) => /^[┌│├└]/.test(l));
const widest = (text: string): number => Math.max(...tableLines(text).map((l) => stringWidth(l)));

describe('tables that fit', () => {
  it.each([80, 200])('investigate, check and timeline at COLUMNS=%i: no table line wider', (columns) => {
    const env = { COLUMNS: String(columns) };
    const outs = [
      columns === 80 ? investigated.stdout : cli(['--db', db, 'investigate', BUNDLE], { env }).stdout,
      cli(['--db', db, 'check'], { env }).stdout,
      cli(['--db', db, 'timeline', '--sub', 'u-1007'], { env }).stdout,
      cli(['--db', db, 'actions'], { env }).stdout,
    ];
    for (const out of outs) {
      expect(tableLines(out).length).toBeGreaterThan(3);
      expect(widest(out)).toBeLessThanOrEqual(columns);
    }
  });

  it('keeps every column at 200, and names what it leaves out at 80; no separator line between rows', () => {
    const wide = cli(['--db', db, 'check'], { env: { COLUMNS: '200' } }).stdout;
    expect(wide).toMatch(/│ severity │ check +│ first seen +│ n +│ token +│ sub +│ kid +│ title/);
    expect(wide).not.toMatch(/not shown at/);
    const narrow = cli(['--db', db, 'check'], { env: { COLUMNS: '80' } }).stdout;
    expect(narrow).toMatch(/\(sub, kid not shown at 80 columns/);
    // one rule under the head, none between rows
    expect(narrow.split('\n').filter((l) => l.startsWith('├')).length).toBe(1);
  });

  it('a pipe without COLUMNS keeps full width: a finding title on one line', () => {
    const out = cli(['--db', db, 'check']).stdout;
    expect(out).toContain('Impossible travel: one token in London and Sydney 31.5 min apart');
  });

  it('prints every time in the summary and the tables as ISO-8601 UTC with Z', () => {
    const out = cli(['--db', join(dir, 'again.duckdb'), 'investigate', BUNDLE], { env: { COLUMNS: '200' } }).stdout;
    expect(out).toMatch(/events from 2026-03-14T00:05:00Z to 2026-03-14T23:35:05Z/);
    expect(out).not.toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  });
});

describe('query shows times as everything else does', () => {
  it('a TIMESTAMP column is ISO-8601 UTC with Z in the table, JSON and CSV', () => {
    const sql = `SELECT min(ts) AS first, 'plain 2026-03-14 00:05:00 text' AS note FROM events`;
    expect(cli(['--db', db, 'query', sql]).stdout).toMatch(/│ 2026-03-14T00:05:00Z │ plain 2026-03-14 00:05:00 text │/);
    expect(JSON.parse(cli(['--db', db, '--format', 'json', 'query', sql]).stdout)).toEqual([{ first: '2026-03-14T00:05:00Z', note: 'plain 2026-03-14 00:05:00 text' }]);
    expect(cli(['--db', db, '--format', 'csv', 'query', sql]).stdout).toContain('2026-03-14T00:05:00Z');
  });
});

describe('grouped findings', () => {
  it('shows eight weak-secret findings of one issuer as one row with a count and the first tokens', () => {
    const out = cli(['--db', db, 'check'], { env: { COLUMNS: '200' } }).stdout;
    const row = out.split('\n').findIndex((l) => /│ high +│ weak-secret +│ [^│]+│ 8 +│/.test(l));
    expect(row).toBeGreaterThan(0);
    const block = out.split('\n').slice(row, row + 4).join('\n');
    expect(block).toMatch(/… and 5 more/);
    expect(block).toContain('HMAC tokens signed with a publicly known secret');
    // the JSON lists each of them
    const report = JSON.parse(cli(['--db', db, '--format', 'json', 'check']).stdout) as { findings: { check: string; severity: string }[] };
    expect(report.findings.filter((f) => f.check === 'weak-secret' && f.severity === 'high')).toHaveLength(8);
  });

  it('the Markdown report gives low findings table rows, not a section each', () => {
    const md = cli(['--db', db, 'report']).stdout;
    expect(md).not.toMatch(/^#### low:/m);
    expect(md).toMatch(/^\| low \| Signature does not verify with key acme-2026-rsa \| 14 \| /m);
    expect(md).toMatch(/^#### high: HMAC tokens signed with a publicly known secret \(8 findings\)/m);
  });
});

describe('--min-severity', () => {
  it('lists only findings at or above it, counts the rest, and never changes the gate', () => {
    const all = JSON.parse(cli(['--db', db, '--format', 'json', 'check']).stdout);
    const r = cli(['--db', db, '--format', 'json', '--min-severity', 'critical', 'check', '--fail-on', 'low']);
    expect(r.code).toBe(1); // the low findings still fail the gate
    const report = JSON.parse(r.stdout);
    expectValidReport(report);
    expect(report.findings.every((f: { severity: string }) => f.severity === 'critical')).toBe(true);
    expect(report.summary).toEqual(all.summary);
    expect(report.filter).toEqual({ min_severity: 'critical', findings_below: all.findings.length - report.findings.length });
    expect(all.filter).toBeNull();
  });

  it('says in the table, the Markdown report and the timeline how many it left out', () => {
    expect(cli(['--db', db, '--min-severity', 'high', 'check']).stdout).toMatch(/— \d+ below high not listed \(--min-severity\)/);
    expect(cli(['--db', db, '--min-severity', 'high', 'report']).stdout).toMatch(/\d+ below it are counted here only/);
    expect(cli(['--db', db, '--min-severity', 'high', 'investigate', BUNDLE]).stdout).toMatch(/below high not listed/);
    expect(cli(['--db', db, '--min-severity', 'critical', 'timeline', '--sub', 'u-1000']).stdout).toMatch(/below critical not shown/);
  });

  it('refuses a level it does not know (exit 2)', () => {
    const r = cli(['--db', db, '--min-severity', 'severe', 'check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--min-severity: severity must be one of critical, high, medium, low, info/);
  });
});

describe('messages and help', () => {
  it('puts "skipped …" on stderr, and --quiet silences it', () => {
    expect(investigated.stdout).not.toMatch(/skipped/);
    expect(investigated.stderr).toMatch(/skipped .*README\.md: documentation/);
    const quiet = cli(['--db', join(dir, 'quiet.duckdb'), '--quiet', 'investigate', BUNDLE]);
    expect(quiet.stderr).toBe('');
  });

  it.each(Object.keys(COMMAND_FORMATS))('%s --help shows the global options and its formats', (command) => {
    const r = cli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Global Options:[\s\S]*--db <file>[\s\S]*--format <format>[\s\S]*--min-severity <level>/);
    const formats = COMMAND_FORMATS[command as keyof typeof COMMAND_FORMATS];
    expect(r.stdout).toContain(`--format here: ${formats[0]} (default), ${formats.slice(1).join(', ')}`);
  });

  it('the help lists the formats each command really takes', () => {
    expect([...COMMAND_FORMATS.report]).toEqual([...REPORT_FORMATS]);
    expect([...COMMAND_FORMATS.timeline]).toEqual([...TIMELINE_FORMATS]);
    expect([...COMMAND_FORMATS.actions]).toEqual([...ACTIONS_FORMATS]);
    const r = cli(['--db', db, '--format', 'html', 'check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format must be one of table, json, ndjson, markdown here/);
  });
});
