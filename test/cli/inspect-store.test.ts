// `inspect TOKEN` with a store: the bundled incident's forged tokens are shown with the findings that involve them
// and their full signature result (a confirmed algorithm confusion named; an undecodable signature said, never as
// "-1 bytes"); a genuine token is the near miss. On the built CLI, in the table and in JSON.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { jwks, makeKey } from '../helpers/tokens.js';

const BUNDLE = new URL('../../fixtures/incident-acme/', import.meta.url).pathname;
const CONFUSED_JTI = '300cda34-a0a3-4c3b-b9b6-6cc6a7f0f6fb'; // README scenario 2: HS256 keyed with the RSA public key PEM
const NONE_JTI = '5c2af73f-e6e8-4fc1-9ff8-ba1ec2cf589f'; // scenario 1a: alg "None", accepted
const BURST_IP = '175.16.199.23'; // scenario 12: the probing burst, with a token whose signature is not base64url
const RAW_JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;

interface LogLine {
  token?: string;
  ip?: string;
  event?: string;
  outcome?: string;
  sub?: string;
}
// a log line carries its token as `token` or as an `authorization: Bearer …` header
const LOG = readFileSync(join(BUNDLE, 'logs/auth-events.ndjson'), 'utf8').trim().split('\n').map((l) => {
  const line = JSON.parse(l) as LogLine & { authorization?: string };
  return { ...line, token: line.token ?? line.authorization?.replace(/^bearer\s+/i, '') };
});

function claimsOf(token: string): Record<string, unknown> | null {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}
const tokenWithJti = (jti: string): string => LOG.find((l) => l.token && claimsOf(l.token)?.jti === jti)!.token!;

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jwtf-inspect-'));
  db = join(dir, 'case.duckdb');
  const inv = cli(['--db', db, '--quiet', 'investigate', BUNDLE]);
  if (inv.code !== 0) throw new Error(`investigate failed: ${inv.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inspectJson = (token: string, store = db): Record<string, any> => {
  const r = cli(['--db', store, '--format', 'json', 'inspect', '-'], { input: token });
  expect(r.code).toBe(0);
  expect(r.stdout).not.toMatch(RAW_JWT);
  return JSON.parse(r.stdout) as Record<string, any>;
};

describe('a confirmed algorithm confusion', () => {
  it('says so on the signature line and lists the critical alg-confusion finding', () => {
    const r = cli(['--db', db, 'inspect', tokenWithJti(CONFUSED_JTI)]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW_JWT);
    expect(r.stdout).toMatch(/^signature: invalid \(alg-key-mismatch\) against /m);
    expect(r.stdout).toMatch(/algorithm confusion confirmed: the HMAC verifies with public key acme-2026-rsa \([A-Za-z0-9_-]{43}\) as the secret, in its pem-spki form/);
    expect(r.stdout).toMatch(/^findings involving this token: \d+$/m);
    expect(r.stdout).toMatch(/^ {2}critical +alg-confusion +2026-03-14T11:20:05Z +HMAC token forged with public key acme-2026-rsa/m);
    expect(r.stdout).toMatch(/^in the logs: 2 events \(2 accepted\), 2026-03-14T11:20:05Z to /m);
  });

  it('carries the same in JSON', () => {
    const out = inspectJson(tokenWithJti(CONFUSED_JTI));
    expect(out.verification).toMatchObject({ status: 'invalid', detail: 'alg-key-mismatch', alg_confusion: { kid: 'acme-2026-rsa', form: 'pem-spki' } });
    expect(out.signature).toEqual({ segment: 'present', bytes: 32 });
    expect(out.store.checks_run).toBe(true);
    expect(out.store.findings).toContainEqual(expect.objectContaining({ check: 'alg-confusion', severity: 'critical', link: 'token' }));
    expect(out.store.events).toMatchObject({ total: 2, accepted: 2 });
  });
});

describe('an alg-none token', () => {
  it('is unsigned, with its alg-none finding', () => {
    const token = tokenWithJti(NONE_JTI);
    const r = cli(['--db', db, 'inspect', token]);
    expect(r.stdout).toMatch(/^signature: unsigned \(alg-none\)/m);
    expect(r.stdout).toMatch(/critical +alg-none/);
    const out = inspectJson(token);
    expect(out.verification.alg_confusion).toBeNull();
    expect(out.store.findings).toContainEqual(expect.objectContaining({ check: 'alg-none', severity: 'critical', link: 'token' }));
    // near miss: not an algorithm confusion
    expect(out.store.findings.map((f: { check: string }) => f.check)).not.toContain('alg-confusion');
  });
});

describe('a signature segment that is not base64url', () => {
  it('is said to be undecodable, never "-1 bytes", and the burst that cites it is listed', () => {
    const token = LOG.find((l) => l.ip === BURST_IP && l.token?.split('.').length === 3 && /[^A-Za-z0-9_=-]/.test(l.token.split('.')[2]!))!.token!;
    const r = cli(['--db', db, 'inspect', token]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/-1 bytes/);
    expect(r.stdout).toMatch(/signature segment not base64url: undecodable, not shown/);
    expect(r.stdout).toMatch(/^signature: malformed \(bad-base64url-signature\)/m);
    expect(r.stdout).toMatch(/failure-burst .*\(cites an event carrying it\)/);
    const out = inspectJson(token);
    expect(out.signature).toEqual({ segment: 'not-base64url', bytes: null });
    expect(out.signature_bytes).toBeNull();
    expect(out.store.findings).toContainEqual(expect.objectContaining({ check: 'failure-burst', link: 'event' }));
  });
});

describe('near miss: a genuine token', () => {
  it('verifies, names no confusion, and carries no signature finding', () => {
    // u-1001's usual token (one of its uses carries a forgery: the most frequent is the genuine one)
    const uses = LOG.filter((l) => l.event === 'use' && l.outcome === 'success' && l.sub === 'u-1001' && l.token).map((l) => l.token!);
    const genuine = uses.sort((a, b) => uses.filter((x) => x === b).length - uses.filter((x) => x === a).length)[0]!;
    const out = inspectJson(genuine);
    expect(out.verification).toMatchObject({ status: 'valid', kid: 'acme-2026-rsa', alg_confusion: null });
    const checks = out.store.findings.map((f: { check: string }) => f.check);
    for (const c of ['alg-confusion', 'alg-none', 'bad-signature']) expect(checks).not.toContain(c);
    expect(out.store.events.total).toBeGreaterThan(0);
    const r = cli(['--db', db, 'inspect', genuine]);
    expect(r.stdout).not.toMatch(/algorithm confusion/);
  });
});

describe('what the store cannot say', () => {
  it('before any check: the signature still, and that no check has run', () => {
    const fresh = join(tempDir(), 'fresh.duckdb');
    expect(cli(['--db', fresh, '--quiet', 'ingest', BUNDLE]).code).toBe(0);
    const r = cli(['--db', fresh, 'inspect', tokenWithJti(CONFUSED_JTI)]);
    expect(r.stdout).toMatch(/algorithm confusion confirmed/);
    expect(r.stdout).toMatch(/findings: no checks have been run on this store/);
    expect(inspectJson(tokenWithJti(CONFUSED_JTI), fresh).store).toMatchObject({ checks_run: false, findings: [] });
  });

  it('after a check that found nothing: checks have run, and none involve the token (inspect and timeline)', async () => {
    const dir = tempDir();
    const key = await makeKey('k-quiet', 'ES256');
    const token = await key.sign({ sub: 'u-7', jti: 'j-quiet', iat: 1773482400, exp: 1773486000 });
    writeFileSync(join(dir, 'keys.jwks.json'), jwks(key));
    writeFileSync(join(dir, 'events.ndjson'), `${JSON.stringify({ ts: 1773482500, event: 'use', sub: 'u-7', ip: '81.2.69.9', outcome: 'success', token })}\n`);
    const quiet = join(dir, 'quiet.duckdb');
    expect(cli(['--db', quiet, '--quiet', 'ingest', dir]).code).toBe(0);
    const c = cli(['--db', quiet, '--format', 'json', 'check', '--only', 'alg-none']);
    expect(JSON.parse(c.stdout).findings).toEqual([]);
    const r = cli(['--db', quiet, 'inspect', '-'], { input: token });
    expect(r.stdout).toMatch(/findings: none involve this token/);
    expect(r.stdout).not.toMatch(/no checks have been run/);
    expect(inspectJson(token, quiet).store).toMatchObject({ checks_run: true, findings: [] });
    const t = cli(['--db', quiet, 'timeline', '--jti', 'j-quiet']);
    expect(t.code).toBe(0);
    expect(t.stdout).not.toMatch(/No checks have been run/);
  });

  it('without a store: decoded only, store null', () => {
    const out = inspectJson(tokenWithJti(CONFUSED_JTI), join(tempDir(), 'none.duckdb'));
    expect(out.verification.status).toBe('not-checked');
    expect(out.store).toBeNull();
  });
});
