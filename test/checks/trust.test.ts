// Issue 13 §1–§2 and issue 14 §1: "no findings" must mean something. A forgery without a kid is found; what counts
// as a *use* is one definition everywhere (an issue, a refresh's new token, a revoke or a logout is no use); a token
// made non-canonical by a flipped padding bit is examined like any other.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { CHECKS } from '../../src/checks/registry.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { DEFAULT_POLICY } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';
import type { Finding } from '../../src/findings/finding.js';
import { severityRank } from '../../src/findings/finding.js';
import { jwks, makeKey, unsigned } from '../helpers/tokens.js';
import { ndjson, rec } from './key-audit-helpers.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const iso = (s: number): string => new Date(s * 1000).toISOString();
const atLeast = (fs: Finding[], sev: Finding['severity']) => fs.filter((f) => severityRank(f.severity) <= severityRank(sev));
/** Every check over the files, ingested once. */
async function all(files: Record<string, string>): Promise<Finding[]> {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const store = await Store.open(':memory:');
  try {
    await ingestPaths(store, [dir]);
    return await runChecks(store, DEFAULT_POLICY, CHECKS);
  } finally {
    store.close();
  }
}

/** Flip the unused low bit(s) of a base64url segment's last character: same bytes, different text. */
function flipPadding(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const spare = segment.length % 4 === 2 ? 0x0f : segment.length % 4 === 3 ? 0x03 : 0;
  if (spare === 0) throw new Error('segment has no spare bits');
  const last = alphabet.indexOf(segment.at(-1)!);
  return segment.slice(0, -1) + alphabet[last | 1]!;
}
/** A segment of `bytes` length encodes with spare bits unless bytes % 3 === 0: pad the claims until it does. */
function withSpareBits(claims: Record<string, unknown>): Record<string, unknown> {
  for (let pad = ''; ; pad += 'x') {
    const c = { ...claims, pad };
    if (Buffer.byteLength(JSON.stringify(c)) % 3 !== 0) return c;
  }
}

describe('a forgery without kid (§1)', () => {
  it('an RS256 token with no kid whose signature matches no registry key, accepted: critical bad-signature, keys tried listed', async () => {
    const real = await makeKey('only', 'RS256');
    const attacker = await makeKey('x', 'RS256');
    const forged = await attacker.sign({ sub: 'admin', iat: T0, exp: T0 + 3600 }, { kid: undefined });
    const genuine = await real.sign({ sub: 'alice', iat: T0, exp: T0 + 3600 }, { kid: undefined });
    const files = {
      'jwks.json': jwks(real),
      'events.ndjson': ndjson([
        { ts: iso(T0 + 60), event: 'use', token: forged, outcome: 'success', ip: '203.0.113.9' },
        { ts: iso(T0 + 90), event: 'use', token: genuine, outcome: 'success', ip: '198.51.100.7' },
      ]),
    };
    const findings = await all(files);
    const bad = findings.filter((f) => f.check === 'bad-signature');
    expect(bad.map((f) => [f.sub, f.severity])).toEqual([['admin', 'critical']]);
    expect(bad[0]!.evidence).toMatchObject({ token_kid: null, registry_keys_tried: 1, candidate_keys: [{ kid: 'only' }] });
    // the genuine kid-less token stays quiet
    expect(findings.filter((f) => f.sub === 'alice' && severityRank(f.severity) <= severityRank('medium'))).toEqual([]);
  });

  it('an HS256 token with no kid and the wrong secret, accepted: critical; the genuine one (registry secret) quiet', async () => {
    const real = await makeKey('hmac', 'HS256');
    const other = await makeKey('other', 'HS256');
    const forged = await other.sign({ sub: 'root', iat: T0, exp: T0 + 600 }, { kid: undefined });
    const genuine = await real.sign({ sub: 'bob', iat: T0, exp: T0 + 600 }, { kid: undefined });
    const findings = await all({
      'jwks.json': jwks(real),
      'events.ndjson': ndjson([
        { ts: iso(T0 + 60), event: 'use', token: forged, outcome: 'success' },
        { ts: iso(T0 + 61), event: 'use', token: genuine, outcome: 'success' },
      ]),
    });
    expect(findings.filter((f) => f.check === 'bad-signature').map((f) => [f.sub, f.severity])).toEqual([['root', 'critical']]);
    const candidate = (findings.find((f) => f.check === 'bad-signature')!.evidence.candidate_keys as { thumbprint: unknown }[])[0]!;
    expect(candidate.thumbprint).toBeNull(); // an oct key's thumbprint is never shown
    expect(atLeast(findings.filter((f) => f.sub === 'bob'), 'medium')).toEqual([]);
  });
});

describe('one definition of a use (§2)', () => {
  it('a bad-signature token seen only in an issue event is not "accepted": medium (captured, never presented), not critical', async () => {
    const real = await makeKey('k1', 'ES256');
    const attacker = await makeKey('k1', 'ES256'); // same kid, other material: a forgery under a real kid
    const forged = await attacker.sign({ sub: 'eve', iat: T0, exp: T0 + 600 });
    const findings = await all({
      'jwks.json': jwks(real),
      'events.ndjson': ndjson([{ ts: iso(T0), event: 'issue', token: forged, outcome: 'success' }]),
    });
    const bad = findings.filter((f) => f.check === 'bad-signature');
    expect(bad.map((f) => f.severity)).toEqual(['medium']);
    expect(bad[0]!.evidence).toMatchObject({ uses: 0, accepted: 0 });
  });

  it('a genuine token carried after its key was compromised only by an admin revoke and the user logout: no critical', async () => {
    const key = await makeKey('sig-1', 'RS256');
    const token = await key.sign({ sub: 'carol', jti: 'c1', iat: T0, exp: T0 + 7200 });
    const files = {
      'jwks.json': jwks(key),
      'rotation.ndjson': ndjson([rec('sig-1', 'created', iso(T0 - 86400)), rec('sig-1', 'activated', iso(T0 - 86400)), rec('sig-1', 'compromised', iso(T0 + 600))]),
      'events.ndjson': ndjson([
        { ts: iso(T0 + 60), event: 'use', token, outcome: 'success', ip: '198.51.100.7', sub: 'carol' },
        { ts: iso(T0 + 900), event: 'revoke', token, outcome: 'success', ip: '10.0.0.5', sub: 'admin' },
        { ts: iso(T0 + 960), event: 'logout', token, outcome: 'success', ip: '198.51.100.7', sub: 'carol' },
      ]),
    };
    const findings = await all(files);
    const revokedKey = findings.filter((f) => f.check === 'revoked-key');
    expect(atLeast(revokedKey, 'critical')).toEqual([]);
    expect(JSON.stringify(revokedKey)).not.toContain('10.0.0.5');
    // the planted positive: the same token presented after the compromise is still critical
    const replayed = await all({
      ...files,
      'events.ndjson': files['events.ndjson'] + ndjson([{ ts: iso(T0 + 1200), event: 'use', token, outcome: 'success', ip: '203.0.113.66' }]),
    });
    expect(replayed.filter((f) => f.check === 'revoked-key').map((f) => f.severity)).toContain('critical');
  });
});

describe('non-canonical base64url (issue 14 §1)', () => {
  it('alg none with a flipped padding bit, accepted → critical alg-none and a non-canonical-encoding finding; rejected → lower', async () => {
    const none = unsigned(withSpareBits({ sub: 'mallory', iat: T0, exp: T0 + 600 }));
    const [h, p] = none.split('.') as [string, string];
    const altered = `${h}.${flipPadding(p)}.`;
    const accepted = await all({ 'events.ndjson': ndjson([{ ts: iso(T0), event: 'use', token: altered, outcome: 'success' }]) });
    expect(accepted.filter((f) => f.check === 'alg-none').map((f) => f.severity)).toEqual(['critical']);
    expect(accepted.filter((f) => f.check === 'non-canonical-encoding').map((f) => f.evidence.segments)).toEqual([['payload']]);
    const rejected = await all({ 'events.ndjson': ndjson([{ ts: iso(T0), event: 'use', token: altered, outcome: 'failure' }]) });
    expect(atLeast(rejected.filter((f) => f.check === 'alg-none'), 'high')).toEqual([]);
    expect(rejected.filter((f) => f.check === 'alg-none')).toHaveLength(1);
  });

  it('an RS256 token with a bad signature and a flipped bit in its signature, accepted → critical bad-signature', async () => {
    const real = await makeKey('rs', 'RS256');
    const attacker = await makeKey('rs', 'RS256');
    const forged = await attacker.sign({ sub: 'admin', iat: T0, exp: T0 + 600 });
    const [h, p, s] = forged.split('.') as [string, string, string];
    const altered = `${h}.${p}.${flipPadding(s)}`; // 256-byte signature: 342 chars, 4 spare bits
    const findings = await all({ 'jwks.json': jwks(real), 'events.ndjson': ndjson([{ ts: iso(T0), event: 'use', token: altered, outcome: 'success' }]) });
    expect(findings.filter((f) => f.check === 'bad-signature').map((f) => f.severity)).toEqual(['critical']);
    expect(findings.some((f) => f.check === 'non-canonical-encoding')).toBe(true);
  });

  it('an alg-confusion forgery (HS256 keyed with the RSA public key) with a flipped bit, accepted → critical alg-confusion', async () => {
    const { createHmac, createPublicKey } = await import('node:crypto');
    const real = await makeKey('rsa-1', 'RS256');
    const pem = createPublicKey({ key: real.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const header = b64({ alg: 'HS256', kid: 'rsa-1', typ: 'JWT' });
    const payload = flipPadding(b64(withSpareBits({ sub: 'admin', iat: T0, exp: T0 + 600 })));
    const mac = createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url');
    const findings = await all({
      'jwks.json': jwks(real),
      'events.ndjson': ndjson([{ ts: iso(T0), event: 'use', token: `${header}.${payload}.${mac}`, outcome: 'success' }]),
    });
    expect(findings.filter((f) => f.check === 'alg-confusion').map((f) => f.severity)).toEqual(['critical']);
  });

  it('a token no decoder can read, accepted → critical undecodable-token; only captured → low', async () => {
    const junk = 'eyJhbGciOiJub25lIn0*.e30.';
    const accepted = await all({ 'events.ndjson': ndjson([{ ts: iso(T0), event: 'use', token: junk, outcome: 'success' }]) });
    expect(accepted.filter((f) => f.check === 'undecodable-token').map((f) => f.severity)).toEqual(['critical']);
    const rejected = await all({ 'events.ndjson': ndjson([{ ts: iso(T0), event: 'use', token: junk, outcome: 'failure' }]) });
    expect(rejected.filter((f) => f.check === 'undecodable-token').map((f) => f.severity)).toEqual(['low']);
  });
});

describe('keys are known by their material (§3)', () => {
  it('a weak key under a kid shared with a strong one is not charged with the tokens the strong one verified', async () => {
    const strong = await makeKey('shared', 'HS256');
    const weakJwk = { kty: 'oct', kid: 'shared', k: Buffer.alloc(16, 7).toString('base64url') };
    const token = await strong.sign({ sub: 'gina', iat: T0, exp: T0 + 600 });
    const findings = await all({
      'jwks.json': JSON.stringify({ keys: [strong.publicJwk, weakJwk] }),
      'events.ndjson': ndjson([{ ts: iso(T0 + 5), event: 'use', token, outcome: 'success' }]),
    });
    const weak = findings.filter((f) => f.check === 'weak-key');
    expect(weak).toHaveLength(1);
    expect(weak[0]!.evidence).toMatchObject({ tokens_verified: 0, accepted_uses: 0 });
  });

  it('a rotation record naming only a kid that several keys share applies to all, and says it was ambiguous', async () => {
    const a = await makeKey('dup', 'ES256');
    const b = await makeKey('dup', 'ES256');
    const token = await b.sign({ sub: 'hal', iat: T0 + 7200, exp: T0 + 9000 });
    const findings = await all({
      'jwks.json': JSON.stringify({ keys: [a.publicJwk, b.publicJwk] }),
      'rotation.ndjson': ndjson([rec('dup', 'retired', iso(T0))]),
      'events.ndjson': ndjson([{ ts: iso(T0 + 7260), event: 'use', token, outcome: 'success' }]),
    });
    const retired = findings.filter((f) => f.check === 'retired-key');
    expect(retired.length).toBeGreaterThan(0);
    for (const f of retired) expect(f.evidence.rotation_record_ambiguous).toMatch(/several keys/);
  });
});

describe('findings say only what the evidence says (§4)', () => {
  it('a forged token: the subject the log recorded, else its claim labelled unverified', async () => {
    const real = await makeKey('k', 'RS256');
    const attacker = await makeKey('k', 'RS256');
    const a = await attacker.sign({ sub: 'admin', jti: 'f1', iat: T0, exp: T0 + 600 });
    const b = await attacker.sign({ sub: 'admin', jti: 'f2', iat: T0, exp: T0 + 600 });
    const genuine = await real.sign({ sub: 'ivy', jti: 'g1', iat: T0, exp: T0 + 60 });
    const findings = await all({
      'jwks.json': jwks(real),
      'events.ndjson': ndjson([
        { ts: iso(T0 + 1), event: 'use', token: a, outcome: 'success', sub: 'eve' },
        { ts: iso(T0 + 2), event: 'use', token: b, outcome: 'success' },
        { ts: iso(T0 + 600), event: 'use', token: genuine, outcome: 'success' },
      ]),
    });
    const bad = Object.fromEntries(findings.filter((f) => f.check === 'bad-signature').map((f) => [f.jti, f]));
    expect([bad.f1!.sub, bad.f1!.evidence.subject_source, bad.f1!.evidence.claimed_sub]).toEqual(['eve', 'log', 'admin']);
    expect([bad.f2!.sub, bad.f2!.evidence.subject_source]).toEqual(['admin', 'unverified-claim']);
    const late = findings.find((f) => f.check === 'expired-use' && f.jti === 'g1');
    expect([late!.sub, late!.evidence.subject_source]).toEqual(['ivy', 'verified-claim']);
  });
});

describe('verification that gave up is a finding (issue 14 §5)', () => {
  it('a token under a kid with more keys than max_verify_candidates: unknown-key says verification gave up', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => ({ kty: 'oct', kid: 'many', k: Buffer.alloc(32, i + 1).toString('base64url') }));
    const attacker = await makeKey('many', 'HS256');
    const token = await attacker.sign({ sub: 'jo', iat: T0, exp: T0 + 600 });
    const findings = await all({
      'jwks.json': JSON.stringify({ keys }),
      'events.ndjson': ndjson([{ ts: iso(T0 + 1), event: 'use', token, outcome: 'success' }]),
    });
    const unknown = findings.filter((f) => f.check === 'unknown-key');
    expect(unknown.map((f) => [f.severity, f.evidence.verification_gave_up])).toEqual([['high', 1]]);
    expect(unknown[0]!.title).toMatch(/gave up/);
  });
});
