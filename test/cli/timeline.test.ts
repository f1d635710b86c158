// `timeline` on the built CLI: the bundled incident's stolen refresh token, told across its refresh family with
// the findings on it, in every format, with no raw token and no control character in the output.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const BUNDLE = new URL('../../fixtures/incident-acme/', import.meta.url).pathname;
const STOLEN = '8cc10cd7-07fc-4e91-9d4c-40054191f07c';
const RAW_JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

interface Line {
  event: string | null;
  jti: string | null;
  parent_jti: string | null;
  token: string | null;
  finding_ids: string[];
}

let dir: string;
let db: string;
let json: CliResult;
// one store for the whole file (tempDir() is emptied after each test)
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jwtf-timeline-'));
  db = join(dir, 'case.duckdb');
  const inv = cli(['--db', db, '--quiet', 'investigate', BUNDLE]);
  if (inv.code !== 0) throw new Error(`investigate failed: ${inv.stderr}`);
  json = cli(['--db', db, '--format', 'json', 'timeline', '--jti', STOLEN]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('timeline --jti on the stolen refresh token', () => {
  it('exits 0 with the DESIGN.md shape', () => {
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(Object.keys(out)).toEqual(['query', 'events', 'findings']);
    expect(out.query).toEqual({ jti: STOLEN });
  });

  it('shows the refresh family across three generations, linked by parent_jti', () => {
    const events = JSON.parse(json.stdout).events as Line[];
    const refreshes = events.filter((e) => e.event === 'refresh' && e.jti && e.parent_jti);
    const childOf = new Map(refreshes.map((e) => [e.jti!, e.parent_jti!]));
    // a grandchild → child → parent chain through the stolen token
    const chains = refreshes.filter((e) => e.parent_jti === STOLEN && childOf.has(STOLEN));
    expect(chains.length).toBe(2);
    const grandparent = childOf.get(STOLEN)!;
    expect(new Set([grandparent, STOLEN, ...chains.map((e) => e.jti!)]).size).toBeGreaterThanOrEqual(3);
    expect(events.some((e) => e.jti === grandparent && e.event === 'issue')).toBe(true);
  });

  it('brings the findings on the stolen token inline', () => {
    const out = JSON.parse(json.stdout) as { events: Line[]; findings: { id: string; check: string; jti: string | null }[] };
    for (const check of ['refresh-reuse', 'impossible-travel']) {
      const f = out.findings.find((x) => x.check === check && x.jti === STOLEN);
      expect(f, check).toBeDefined();
      expect(out.events.some((e) => e.finding_ids.includes(f!.id))).toBe(true);
    }
  });

  it('marks the findings by severity in the table', () => {
    const table = cli(['--db', db, 'timeline', '--jti', STOLEN]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\[critical refresh-reuse\]/);
    expect(table.stdout).toMatch(/→ Sydney, AU/);
  });

  it('prints no raw token and no control character, in any format', () => {
    const outs = [json, ...['table', 'markdown', 'ndjson'].map((f) => cli(['--db', db, '--format', f, 'timeline', '--jti', STOLEN]))];
    for (const r of outs) {
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(RAW_JWT);
      expect(r.stdout + r.stderr).not.toMatch(CONTROL);
    }
  });
});

describe('timeline usage', () => {
  it('exits 2 without a selector, naming the options', () => {
    const r = cli(['--db', db, 'timeline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at least one of --jti, --sub, --sid, --ip, --token/);
  });

  it('exits 2 on a bad --since, naming it', () => {
    const r = cli(['--db', db, 'timeline', '--sub', 'u-1007', '--since', 'last tuesday']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since must be an ISO-8601/);
  });

  it('says plainly that a jti has no events, and exits 0', () => {
    const r = cli(['--db', db, 'timeline', '--jti', 'no-such-jti']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^no events for jti no-such-jti$/m);
    const j = cli(['--db', db, '--format', 'json', 'timeline', '--jti', 'no-such-jti']);
    expect(JSON.parse(j.stdout).events).toEqual([]);
    expect(j.stderr).toMatch(/no events for jti no-such-jti/);
  });

  it('runs the checks first when none has run yet, says so, and shows their findings inline', () => {
    const fresh = join(tempDir(), 'fresh.duckdb');
    expect(cli(['--db', fresh, '--quiet', 'ingest', BUNDLE]).code).toBe(0);
    const r = cli(['--db', fresh, 'timeline', '--jti', STOLEN]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/findings re-checked before reporting: every check \(never run\)/);
    expect(r.stdout).not.toMatch(/run `jwt-forensics check` to see findings inline/);
  });

});
