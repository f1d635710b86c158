// Edge cases of header-injection: which kids are hostile and which are merely unusual, crit forms, x5c of a
// registry certificate. Tokens are only captured here, so nothing depends on signatures.
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { headerInjection } from '../../src/checks/header-injection.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { fingerprintOf } from '../../src/jwt/fingerprint.js';
import { sha256Hex } from '../../src/util/sha256.js';
import { DEFAULT_POLICY } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';

const CERT = new URL('../../fixtures/keys/generated/cert-rsa.pem', import.meta.url).pathname;
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = (header: Record<string, unknown>): string =>
  `${b64({ alg: 'RS256', ...header })}.${b64({ sub: 'x', iat: 1773482400 })}.${Buffer.alloc(256, 3).toString('base64url')}`;

/** Flags per header, from one store holding every header as a captured token. */
async function flagsOf(headers: Record<string, unknown>[]): Promise<(string[] | null)[]> {
  const dir = tempDir();
  copyFileSync(CERT, join(dir, 'cert.pem'));
  const tokens = headers.map(token);
  writeFileSync(join(dir, 'captures.txt'), tokens.join('\n') + '\n');
  const store = await Store.open(':memory:');
  try {
    await ingestPaths(store, [dir]);
    const findings = await runChecks(store, DEFAULT_POLICY, [headerInjection]);
    return tokens.map((t) => (findings.find((f) => f.token === fingerprintOf(sha256Hex(t)))?.evidence.flags as string[]) ?? null);
  } finally {
    store.close();
  }
}

describe('header-injection kid rules', () => {
  it('leaves ordinary and URL kids alone', async () => {
    const kids = ['2026-03-rsa_key.v2', 'https://keys.example/k1', 'http://idp.example:8443/keys/2', 'key--v2', 'a.b-c_d:1', 'kid=3+x@y'];
    expect(await flagsOf(kids.map((kid) => ({ kid })))).toEqual(kids.map(() => null));
  });

  it('leaves kids that merely contain an SQL word alone (near misses: SQL syntax is required)', async () => {
    const kids = ['key-update-1', 'select-2024', 'drop-zone', 'insert-key', 'delete_me-2', 'union-select-v3', 'key-or-1',
      'https://keys.example/jwks#k1', 'update.2026-03'];
    expect(await flagsOf(kids.map((kid) => ({ kid })))).toEqual(kids.map(() => null));
  });

  it('flags SQL syntax in a kid: comments, separators, UNION SELECT, tautologies, blind probes', async () => {
    const kids = ["x' UNION SELECT 'attacker-secret' --", 'k1/**/UNION/**/SELECT/**/1', '0 OR 1=1', 'k1 --', "k1'#",
      'k1 and sleep(5)', "k1' or 'a'='a", '(SELECT k FROM keys)', 'k1; waitfor delay 1', 'k1 or true'];
    const got = await flagsOf(kids.map((kid) => ({ kid })));
    got.forEach((flags, i) => expect(flags, kids[i]).toContain('kid-sql'));
  });

  it('flags traversal, absolute paths and encoded separators, also inside URLs', async () => {
    const kids = ['../../etc/passwd', '..\\..\\keys', '/dev/null', 'C:\\keys\\k1', 'keys/k1', '%2e%2e%2fsecret', 'https://keys.example/../../etc/passwd', 'file:///etc/passwd'];
    for (const flags of await flagsOf(kids.map((kid) => ({ kid })))) expect(flags).toContain('kid-path-traversal');
  });

  it('names quotes, SQL, shell and control characters', async () => {
    const got = await flagsOf([{ kid: "k1' OR 1=1" }, { kid: 'k1 UNION SELECT key FROM keys' }, { kid: 'k1; drop' },
      { kid: 'k1|nc x 1' }, { kid: 'k1$(id)' }, { kid: 'k1`id`' }, { kid: 'k1&&x' }, { kid: 'k1\u0007' }, { kid: 42 }]);
    expect(got).toEqual([
      ['kid-quote', 'kid-sql'],
      ['kid-sql'],
      ['kid-sql', 'kid-shell'],
      ['kid-shell'],
      ['kid-shell'],
      ['kid-shell'],
      ['kid-shell'],
      ['kid-control-character'],
      ['kid-not-a-string'],
    ]);
  });
});

describe('header-injection crit and x5c', () => {
  it('accepts crit naming b64 only; flags unknown, empty, non-array and non-string members', async () => {
    const got = await flagsOf([{ crit: ['b64'], b64: false }, { crit: ['exp'], exp: 1 }, { crit: [] }, { crit: 'b64' }, { crit: ['b64', 5] }]);
    expect(got).toEqual([null, ['crit-unknown-extension'], ['crit-malformed'], ['crit-malformed'], ['crit-malformed', 'crit-unknown-extension']]);
  });

  it('accepts an x5c whose leaf is a registry certificate, flags any other', async () => {
    const der = new X509Certificate(readFileSync(CERT)).raw.toString('base64');
    expect(await flagsOf([{ x5c: [der] }, { x5c: ['MIIBbm90YWNlcnQ='] }, { x5c: 'not-an-array' }])).toEqual([
      null, ['x5c-not-in-registry'], ['x5c-not-in-registry'],
    ]);
  });

  it('records jku and x5u without fetching them, and never the embedded key material', async () => {
    const dir = tempDir();
    const t = token({ jku: 'https://evil.example/jwks', jwk: { kty: 'oct', k: 'c2VjcmV0LXNlY3JldA' } });
    writeFileSync(join(dir, 'captures.txt'), `${t}\n`);
    const store = await Store.open(':memory:');
    try {
      await ingestPaths(store, [dir]);
      const [f] = await runChecks(store, DEFAULT_POLICY, [headerInjection]);
      expect(f?.evidence).toMatchObject({ flags: ['embedded-jwk', 'jku'], jku: 'https://evil.example/jwks', fetched: false });
      expect(JSON.stringify(f)).not.toContain('c2VjcmV0LXNlY3JldA');
    } finally {
      store.close();
    }
  });
});
