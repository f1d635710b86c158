// `investigate --out` on the bundled incident: five report files, each valid in its format, and no raw token or
// oct secret in any of them; `report --include-raw` adds the raw tokens of the findings, still never a secret.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type CliResult } from '../helpers/cli.js';
import { expectValidReport } from '../helpers/report-schema.js';
import { expectValidSarif } from '../helpers/sarif-schema.js';
import { xmlProblems } from '../helpers/xml.js';

const BUNDLE = new URL('../../fixtures/incident-acme/', import.meta.url).pathname;
const FILES = ['report.json', 'report.md', 'report.html', 'report.sarif', 'report.junit.xml'];

/** Every compact JWT in the bundle's auth log, and the oct secrets of its JWKS. */
function bundleSecrets(): { tokens: string[]; secrets: string[] } {
  const jwks = JSON.parse(readFileSync(join(BUNDLE, 'keys/jwks.json'), 'utf8')) as { keys: { kty: string; k?: string }[] };
  const log = readFileSync(join(BUNDLE, 'logs/auth-events.ndjson'), 'utf8');
  const tokens = [...new Set(log.match(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g) ?? [])];
  return { tokens, secrets: jwks.keys.filter((k) => k.kty === 'oct').map((k) => k.k!) };
}

let home: string;
let outDir: string;
let run: CliResult;
const db = () => join(home, 'case.duckdb');
const read = (file: string) => readFileSync(join(outDir, file), 'utf8');
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'jwtf-incident-'));
  outDir = join(home, 'reports', 'nested');
  run = cli(['--db', db(), 'investigate', BUNDLE, '--out', outDir, '--fail-on', 'high']);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('investigate --out on the bundled incident', () => {
  it('writes all five reports into the folder (created) before the gate fails, and says where', () => {
    expect(run.code).toBe(1);
    for (const file of FILES) expect(run.stdout).toContain(join(outDir, file));
    for (const file of FILES) expect(read(file).length).toBeGreaterThan(1000);
  });

  it('writes each format valid: JSON against its schema, SARIF against SARIF 2.1.0, JUnit well-formed', () => {
    const report = JSON.parse(read('report.json'));
    expectValidReport(report);
    expect(report.summary.critical).toBeGreaterThan(0);
    const sarif = JSON.parse(read('report.sarif'));
    expectValidSarif(sarif);
    expect(sarif.runs[0].results).toHaveLength(report.findings.length);
    expect(xmlProblems(read('report.junit.xml'))).toEqual([]);
    expect(read('report.md')).toContain('## Timelines of the critical findings');
  });

  it('puts no raw token and no oct secret in any report', () => {
    const { tokens, secrets } = bundleSecrets();
    expect(tokens.length).toBeGreaterThan(100);
    expect(secrets).toHaveLength(1);
    for (const file of FILES) {
      const text = read(file);
      for (const s of secrets) expect(text.includes(s), `${file} holds the oct secret`).toBe(false);
      const leaked = tokens.filter((t) => text.includes(t) || text.includes(t.split('.')[1]!));
      expect(leaked, `${file} holds raw tokens`).toEqual([]);
    }
  });

  it('report --include-raw adds the raw tokens of the findings, never the oct secret', () => {
    const { tokens, secrets } = bundleSecrets();
    for (const format of ['json', 'markdown', 'sarif']) {
      const r = cli(['--db', db(), '--format', format, 'report', '--include-raw']);
      expect(r.code).toBe(0);
      expect(tokens.some((t) => r.stdout.includes(t))).toBe(true);
      for (const s of secrets) expect(r.stdout).not.toContain(s);
    }
  });
});
