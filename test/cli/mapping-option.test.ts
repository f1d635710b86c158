// `--mapping` given several times on the built CLI: ingest and investigate choose each file's mapping by its detect
// rules (with --preset auto, among the presets too), say the choice on stderr, and refuse what cannot be chosen.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const M = (name: string): string => `mappings/${name}.json`;

function bundle(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'logs'));
  copyFileSync('fixtures/mappings/nginx-json/access.ndjson', join(dir, 'logs', 'nginx.ndjson'));
  copyFileSync('fixtures/mappings/k8s-audit/audit.ndjson', join(dir, 'logs', 'audit.ndjson'));
  copyFileSync('fixtures/presets/okta/system-log.ndjson', join(dir, 'logs', 'okta.ndjson'));
  return dir;
}

describe('--mapping, several times', () => {
  it('ingest --preset auto with two mappings: each file read by its own, named on stderr; JSON says which', () => {
    const dir = bundle();
    const r = cli(['--db', join(dir, 's.duckdb'), '--format', 'json', 'ingest', '--preset', 'auto', '--mapping', M('nginx-json'), '--mapping', M('k8s-audit'), join(dir, 'logs')]);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout) as { sources: { path: string; preset: string | null; rows: number }[] };
    const byFile = Object.fromEntries(run.sources.map((s) => [s.path.split('/').pop(), [s.preset, s.rows]]));
    expect(byFile).toEqual({ 'nginx.ndjson': ['mapping:nginx-json', 5], 'audit.ndjson': ['mapping:k8s-audit', 5], 'okta.ndjson': ['okta', 6] });
    expect(r.stderr).toContain('nginx.ndjson: read with mapping:nginx-json (its detect rules matched)');
    expect(r.stderr).toContain('audit.ndjson: read with mapping:k8s-audit (its detect rules matched)');
    expect(r.stderr).toContain('okta.ndjson: read with preset okta (--preset auto)');
  });

  it('investigate takes them too', () => {
    const dir = bundle();
    const r = cli(['--db', join(dir, 's.duckdb'), 'investigate', '--preset', 'auto', '--mapping', M('nginx-json'), '--mapping', M('k8s-audit'), join(dir, 'logs')]);
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toContain('audit.ndjson: read with mapping:k8s-audit (its detect rules matched)');
  });

  it('a mapping without detect among others, or --preset NAME with --mapping, stops before reading (exit 2)', () => {
    const dir = bundle();
    const bare = join(dir, 'bare.json');
    writeFileSync(bare, JSON.stringify({ name: 'bare', fields: { ts: '$.t' } }));
    const r = cli(['--db', join(dir, 's.duckdb'), 'ingest', '--mapping', bare, '--mapping', M('k8s-audit'), join(dir, 'logs')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--mapping .*bare\.json: no `detect` rules, so it can never be chosen/);
    const both = cli(['--db', join(dir, 's.duckdb'), 'ingest', '--preset', 'okta', '--mapping', M('k8s-audit'), join(dir, 'logs')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give --preset NAME or --mapping, not both');
  });
});
