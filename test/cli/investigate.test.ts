// The README's main job, end to end on the built CLI: the bundled incident's planted attacks are found, the
// exit code gates, and no raw token or secret reaches the output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, type CliResult } from '../helpers/cli.js';
import { expectValidReport } from '../helpers/report-schema.js';
import { tempDir } from '../helpers/tmp.js';

const BUNDLE = new URL('../../fixtures/incident-acme/', import.meta.url).pathname;
const STOLEN = '8cc10cd7-07fc-4e91-9d4c-40054191f07c';

// [check, jti] of each planted incident (fixtures/incident-acme/README.md)
const PLANTED: [string, string][] = [
  ['alg-none', '5c2af73f-e6e8-4fc1-9ff8-ba1ec2cf589f'],
  ['alg-confusion', '300cda34-a0a3-4c3b-b9b6-6cc6a7f0f6fb'],
  ['retired-key', '04400ccf-776d-4510-aa63-a62279fb4691'],
  ['header-injection', '0036e346-53d3-48f4-9f05-0fc6c9b80e64'],
  ['header-injection', 'b3dd7c9f-ff92-49d7-9762-303e1f582534'],
  ['header-injection', '36d11c7f-b8de-477a-9211-64bb1b0d8fef'],
  ['unknown-key', '67cc53ca-8aa1-4fb8-a4ce-52ba8539edd0'],
  ['expired-use', '7dc08735-9fed-46f6-a2ae-934a0befba92'],
  ['refresh-reuse', STOLEN],
  ['impossible-travel', STOLEN],
  ['revoked-use', '5943bf52-b973-400d-916d-b67cf7569d96'],
  ['revoked-key', '644be357-2d02-4b07-a7ff-10adb38de41a'],
  ['lifetime-excessive', '50d380b2-240e-4a0a-ae46-30c6837338a6'],
  ['bad-signature', '4d1e4e42-0670-4cf2-8749-c375f3d1ec55'],
  ['bad-signature', '3b6e014c-ca04-466c-b7d0-03db1ae574d8'],
];

let json: CliResult;
let table: CliResult;
beforeAll(() => {
  const dir = tempDir();
  json = cli(['--db', join(dir, 'a.duckdb'), '--format', 'json', 'investigate', BUNDLE]);
  table = cli(['--db', join(dir, 'b.duckdb'), 'investigate', '--fail-on', 'high', BUNDLE]);
});

describe('investigate on the bundled incident', () => {
  it('exits 0 without a gate and prints the report shape', () => {
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expectValidReport(out.report);
    expect(Object.keys(out.report)).toEqual(['schema_version', 'generated_at', 'tool', 'inputs', 'summary', 'findings']);
    expect(out.report.inputs.map((i: { kind: string }) => i.kind).sort()).toEqual(["captures", "captures-text", "events", "jwks", "key-events", "pem", "revocations"]);
    expect(out.summary.rejects).toBe(0);
  });

  it.each(PLANTED)('finds %s on %s', (check, jti) => {
    const findings = JSON.parse(json.stdout).report.findings as { check: string; jti: string | null }[];
    expect(findings.some((f) => f.check === check && f.jti === jti)).toBe(true);
  });

  it('finds the failure burst from the probing IP', () => {
    const findings = JSON.parse(json.stdout).report.findings as { check: string; evidence: Record<string, unknown> }[];
    expect(findings.some((f) => f.check === 'failure-burst' && JSON.stringify(f.evidence).includes('175.16.199.23'))).toBe(true);
  });

  it('gates with --fail-on high (exit 1) after printing the summary', () => {
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/What to do first/);
    expect(table.stderr).toMatch(/at or above high/);
  });

  it('never prints a raw token or the oct secret', () => {
    const jwks = JSON.parse(readFileSync(join(BUNDLE, 'keys/jwks.json'), 'utf8')) as { keys: { kty: string; k?: string }[] };
    const secrets = jwks.keys.filter((k) => k.kty === 'oct').map((k) => k.k!);
    const tokens = readFileSync(join(BUNDLE, 'logs/auth-events.ndjson'), 'utf8')
      .split('\n')
      .flatMap((l) => l.match(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g) ?? []);
    expect(tokens.length).toBeGreaterThan(100);
    expect(secrets.length).toBe(1);
    for (const out of [json.stdout, table.stdout, json.stderr, table.stderr]) {
      for (const s of secrets) expect(out).not.toContain(s);
      for (const t of new Set(tokens)) expect(out.includes(t)).toBe(false);
      for (const t of new Set(tokens)) expect(out.includes(t.split('.')[1]!)).toBe(false);
    }
  });
});
