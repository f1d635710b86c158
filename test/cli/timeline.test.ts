// `timeline` on the built CLI: the bundled incident's stolen refresh token, told across its refresh family with
// the findings on it, in every format, with no raw token and no control character in the output.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
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
    expect(r.stderr).toMatch(/--jti no-such-jti: no jti in the store is or starts with it/);
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

describe('timeline pivots (issue 17)', () => {
  it('finds the stolen token by the 8 characters the findings table prints, with or without its ellipsis', () => {
    const whole = JSON.parse(json.stdout) as { events: unknown[]; findings: unknown[] };
    for (const given of [STOLEN.slice(0, 8), `${STOLEN.slice(0, 8)}…`]) {
      const r = cli(['--db', db, '--format', 'json', 'timeline', '--jti', given]);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.query).toEqual({ jti: STOLEN });
      expect(out.events).toEqual(whole.events);
      expect(r.stderr).toContain(`--jti ${given} is the start of ${STOLEN}`);
    }
  });

  it('finds a token by the fingerprint or the start of it', () => {
    const fp = (JSON.parse(json.stdout).events as Line[]).find((e) => e.jti === STOLEN && e.token)!.token!;
    const byFp = cli(['--db', db, '--format', 'json', 'timeline', '--token', fp]);
    const byStart = cli(['--db', db, '--format', 'json', 'timeline', '--token', fp.slice(0, 10)]);
    expect(byFp.code).toBe(0);
    expect(byStart.code).toBe(0);
    expect(JSON.parse(byStart.stdout)).toEqual(JSON.parse(byFp.stdout));
  });

  it('an ambiguous prefix lists the candidates, counts the rest, and exits 2', () => {
    const r = cli(['--db', db, 'timeline', '--sub', 'u-10']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--sub u-10 is the start of \d+ subjects; give more of it:\n {2}u-1000\n/);
    expect(r.stderr).toMatch(/ {2}… and \d+ more/);
    // near miss: the exact subject wins over the longer ones it starts
    expect(cli(['--db', db, '--quiet', 'timeline', '--sub', 'u-1007']).code).toBe(0);
  });

  it('--format csv parses back (csv-parse) to the events of the JSON, tokens as fingerprints', () => {
    const r = cli(['--db', db, '--format', 'csv', 'timeline', '--jti', STOLEN]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW_JWT);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    const events = JSON.parse(json.stdout).events as (Line & { ts: string; source: string; line: number | null })[];
    expect(rows.map((x) => [x.time, x.event, x.jti, x.token, x.line])).toEqual(
      events.map((e) => [e.ts, e.event ?? '', e.jti ?? '', e.token ?? '', e.line === null ? '' : String(e.line)]),
    );
    expect(rows.some((x) => /refresh-reuse:critical/.test(x.findings!))).toBe(true);
  });

  it('--min-severity critical hides the lower findings inline and says how many', () => {
    const all = JSON.parse(json.stdout).findings as { severity: string }[];
    const below = all.filter((f) => f.severity !== 'critical').length;
    expect(below).toBeGreaterThan(0);
    const table = cli(['--db', db, '--min-severity', 'critical', 'timeline', '--jti', STOLEN]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`${below} finding${below === 1 ? '' : 's'} below critical not shown (--min-severity critical)`);
    expect(table.stdout).not.toMatch(/\[(high|medium|low|info) [a-z-]+\]/);
    expect(table.stdout).toMatch(/\[critical refresh-reuse\]/);
    const j = cli(['--db', db, '--format', 'json', '--min-severity', 'critical', 'timeline', '--jti', STOLEN]);
    expect((JSON.parse(j.stdout).findings as { severity: string }[]).every((f) => f.severity === 'critical')).toBe(true);
    expect(j.stderr).toContain('below critical not shown');
    expect(cli(['--db', db, '--min-severity', 'severe', 'timeline', '--jti', STOLEN]).code).toBe(2);
  });

  it('an empty window on a token with findings says what was found, in the table and on stderr for JSON', () => {
    const r = cli(['--db', db, 'timeline', '--jti', STOLEN, '--since', '2030-01-01']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^no events in the logs for jti \S+, since 2030-01-01; \d+ findings? touch(es)? it \(below\)$/m);
    expect(r.stdout).not.toMatch(/^no events for/m);
    expect(r.stdout).toMatch(/Findings touching this timeline: \d+/);
    const j = cli(['--db', db, '--format', 'json', 'timeline', '--jti', STOLEN, '--since', '2030-01-01']);
    expect(j.stderr).toMatch(/touch(es)? it \(in the output's findings\)/);
  });
});
