// `check-keys --secrets FILE`: weak-key holds the registry's oct secrets against the user's list, as `check --secrets`
// has weak-secret try it. Run `npm run build` first.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('check-keys --secrets', () => {
  it("names a registry secret found in the user's list by list and line; without the list, nothing", () => {
    const dir = tempDir();
    const secret = 'team-shared-signing-secret-do-not-leak!';
    writeFileSync(join(dir, 'keys.jwks.json'), JSON.stringify({ keys: [{ kty: 'oct', kid: 'hs-team', alg: 'HS256', k: Buffer.from(secret).toString('base64url') }] }));
    const list = join(dir, 'pastebin.txt');
    writeFileSync(list, `admin\n${secret}\n`);
    const db = join(dir, 'case.duckdb');
    expect(cli(['--db', db, 'ingest', join(dir, 'keys.jwks.json')]).code).toBe(0);

    const without = JSON.parse(cli(['--db', db, '--format', 'json', 'check-keys', '--only', 'weak-key']).stdout);
    expect(without.findings).toEqual([]);
    const r = cli(['--db', db, '--format', 'json', 'check-keys', '--only', 'weak-key', '--secrets', list]);
    expect(r.code, r.stderr).toBe(0);
    const found = JSON.parse(r.stdout).findings;
    expect(found.map((f: { kid: string; evidence: { secret_list: string; secret_entry: number } }) => [f.kid, f.evidence.secret_list, f.evidence.secret_entry])).toEqual([['hs-team', list, 1]]);
    expect(r.stdout).not.toContain(secret);
    expect(cli(['check-keys', '--help']).stdout).toContain('--secrets <file>');
  });
});
