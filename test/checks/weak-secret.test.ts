// weak-secret (issue 20): the third-party attack tokens are found with the right entry of the shipped list, the
// secret never appears in a finding, user lists are read, and the attempt limit is said on the coverage line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { runCoveredChecks } from '../../src/checks/engine.js';
import { weakSecret } from '../../src/checks/weak-secret.js';
import { WEAK_SECRETS } from '../../src/checks/weak-secrets/list.js';
import type { Finding } from '../../src/findings/finding.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { DEFAULT_POLICY, mergePolicy, type Policy } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { scenarioFindings } from '../helpers/scenarios.js';
import { tempDir } from '../helpers/tmp.js';

const ATTACK = new URL('../../fixtures/attack-tokens/', import.meta.url).pathname;
const jwtPwn = [...readFileSync(join(ATTACK, 'jwt-pwn/jwt-example-tokens.md'), 'utf8').matchAll(/`(eyJ[\w-]+\.[\w-]+\.[\w-]*)`/g)].map((m) => m[1]!);
const jwtHack = readFileSync(join(ATTACK, 'jwt-hack/jwt.txt'), 'utf8').trim();

async function check(captured: string[], policy: Policy = DEFAULT_POLICY, events: unknown[] = []) {
  const dir = tempDir();
  writeFileSync(join(dir, 'captures.txt'), captured.join('\n') + '\n');
  if (events.length) writeFileSync(join(dir, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const store = await Store.open(':memory:');
  try {
    await ingestPaths(store, [dir]);
    return await runCoveredChecks(store, policy, [weakSecret]);
  } finally {
    store.close();
  }
}

const entryOf = (secret: string): number => WEAK_SECRETS.indexOf(secret);

describe('weak-secret', () => {
  it('finds the MIT attack tokens with the right entry, one finding per secret and issuer', async () => {
    expect(jwtPwn).toHaveLength(4); // Example 1 is alg none: not an HMAC token
    const { findings } = await check([...jwtPwn, jwtHack]);
    const by = (entry: number): Finding | undefined => findings.find((f) => f.evidence.secret_entry === entry);
    const pwn = by(entryOf('1234'))!;
    expect(pwn.evidence).toMatchObject({ secret_list: 'builtin', secret_length: 4, tokens: 3, algs: ['HS256', 'HS384', 'HS512'] });
    expect(pwn.severity).toBe('high'); // only captured
    const hack = by(entryOf('test'))!;
    expect(hack.evidence).toMatchObject({ secret_list: 'builtin', secret_length: 4, tokens: 1 });
    expect(findings).toHaveLength(2);
  });

  it('never puts the secret in a finding', async () => {
    const secret = 'your-secret-key-change-in-production';
    const token = await new SignJWT({ iss: 'https://x.example', sub: 'a' }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from(secret));
    const { findings } = await check([token], DEFAULT_POLICY, [{ ts: '2026-03-24T10:00:00Z', event: 'use', token, outcome: 'success' }]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe('critical');
    const json = JSON.stringify(findings);
    expect(json).not.toContain(secret);
    expect(json).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(findings[0]!.evidence).toMatchObject({ secret_entry: entryOf(secret), secret_length: secret.length });
  });

  it('reads user lists and tries the token\'s own claims', async () => {
    const mine = await new SignJWT({ sub: 'a' }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from('corp-2019-key'));
    const own = await new SignJWT({ sub: 'b' }).setProtectedHeader({ alg: 'HS256', kid: 'my-kid' }).sign(Buffer.from('my-kid'));
    const service = await new SignJWT({ iss: 'https://billing.corp.example', sub: 'c' }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from('billing'));
    const list = join(tempDir(), 'secrets.txt');
    writeFileSync(list, 'first\r\ncorp-2019-key\r\n');
    const { findings } = await check([mine, own, service], mergePolicy({ weak_secret: { lists: [list] } }));
    expect(findings.map((f) => [f.evidence.secret_list, f.evidence.secret_entry]).sort()).toEqual([
      [list, 1], ['token-claims', 'iss-service'], ['token-claims', 'kid'],
    ]);
    expect(JSON.stringify(findings)).not.toContain('corp-2019-key');
  });

  it('a list named twice, and a claim both iss and aud, count each token once', async () => {
    const iss = 'https://dup.example';
    const t1 = await new SignJWT({ iss, aud: iss, sub: 'a' }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from(iss));
    const t2 = await new SignJWT({ sub: 'b' }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from('corp-2020-key'));
    const list = join(tempDir(), 'secrets.txt');
    writeFileSync(list, 'corp-2020-key\n');
    const { findings } = await check([t1, t2], mergePolicy({ weak_secret: { lists: [list, list] } }));
    expect(findings.map((f) => [f.evidence.secret_list, f.evidence.secret_entry, f.evidence.tokens]).sort()).toEqual([
      [list, 0, 1], ['token-claims', 'iss', 1],
    ]);
  });

  it('tries a user list\'s lines as bytes: a secret that is not UTF-8 still matches, at its line', async () => {
    const latin1 = Buffer.from('clé-secrète', 'latin1');
    const token = await new SignJWT({ sub: 'a' }).setProtectedHeader({ alg: 'HS256' }).sign(latin1);
    const list = join(tempDir(), 'secrets.txt');
    writeFileSync(list, Buffer.concat([Buffer.from('first\r\n\r\n'), latin1, Buffer.from('\r\nlast')]));
    const { findings } = await check([token], mergePolicy({ weak_secret: { lists: [list] } }));
    expect(findings.map((f) => [f.evidence.secret_list, f.evidence.secret_entry, f.evidence.secret_length])).toEqual([[list, 2, latin1.length]]);
  });

  it('stops at max_attempts and says how far it got on the coverage line', async () => {
    const tokens = await Promise.all(
      [0, 1, 2].map((i) => new SignJWT({ sub: `u${i}` }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from(`strong-secret-${i}-not-listed-anywhere`))),
    );
    const policy = mergePolicy({ weak_secret: { max_attempts: WEAK_SECRETS.length * 2 } });
    const { findings, coverage } = await check(tokens, policy);
    expect(findings).toEqual([]);
    expect(coverage[0]!.unit).toContain(`stopped at weak_secret.max_attempts (${WEAK_SECRETS.length * 2}): 2 of 3 distinct HMAC tokens tried`);
  });

  it('the scenario: weak-key gives a listed registry secret its reason, and no finding carries a secret', async () => {
    const findings = await scenarioFindings('weak-secret');
    const key = findings.find((f) => f.check === 'weak-key' && f.kid === 'hs-public')!;
    const secret = 'your-secret-key-change-in-production';
    expect(key.evidence).toMatchObject({ weakness: 'hmac-secret-in-public-list', reason: 'in a public list of secrets', secret_list: 'builtin', secret_entry: entryOf(secret) });
    const json = JSON.stringify(findings);
    for (const s of ['your-256-bit-secret', secret, Buffer.from(secret).toString('base64url'), '"secret"']) expect(json).not.toContain(s);
    const legacy = findings.find((f) => f.check === 'weak-secret' && f.kid === 'legacy-hs')!;
    expect(legacy.evidence).toMatchObject({ secret_entry: entryOf('secret'), secret_length: 6, tokens: 2, accepted_tokens: 2, algs: ['HS256', 'HS512'] });
  });
});
