// alg-confusion confirmation: every public-key form a confused verifier could use as the HMAC secret is tried and
// named in the evidence; an HMAC token that matches none and names no asymmetric key is not reported.
import { createHmac, createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { algConfusion } from '../../src/checks/alg-confusion.js';
import { runChecks } from '../../src/checks/engine.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { fingerprintOf } from '../../src/jwt/fingerprint.js';
import { sha256Hex } from '../../src/util/sha256.js';
import { DEFAULT_POLICY } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { jwks, makeKey } from '../helpers/tokens.js';
import { tempDir } from '../helpers/tmp.js';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

function hmac(alg: 'HS256' | 'HS384' | 'HS512', kid: string | null, secret: Buffer | string): string {
  const input = `${b64({ alg, ...(kid ? { kid } : {}) })}.${b64({ sub: 'admin', jti: `${alg}-${kid}` })}`;
  return `${input}.${createHmac(`sha${alg.slice(2)}`, secret).update(input).digest('base64url')}`;
}

describe('alg-confusion', () => {
  it('names the matching form, for every hash and with or without a kid', async () => {
    const ec = await makeKey('ec-k', 'ES256');
    const hs = await makeKey('hs-k', 'HS256');
    const { kid: _kid, alg: _alg, ...core } = ec.publicJwk;
    const pub = createPublicKey({ key: core as never, format: 'jwk' });
    const pem = pub.export({ type: 'spki', format: 'pem' }).toString();
    const cases: [string, string][] = [
      [hmac('HS256', 'ec-k', pem), 'pem-spki'],
      [hmac('HS384', 'ec-k', pem.trimEnd()), 'pem-spki-no-trailing-newline'],
      [hmac('HS512', null, pub.export({ type: 'spki', format: 'der' })), 'der-spki'],
      [hmac('HS256', 'hs-k', JSON.stringify(ec.publicJwk)), 'jwk-json'],
      [hmac('HS384', 'ec-k', JSON.stringify({ crv: core.crv, kty: core.kty, x: core.x, y: core.y })), 'jwk-json-public-members'],
    ];
    const genuine = await hs.sign({ sub: 'svc' });
    const unrelated = hmac('HS256', 'hs-k', 'some-other-secret');
    const dir = tempDir();
    writeFileSync(join(dir, 'keys.json'), jwks(ec, hs));
    writeFileSync(join(dir, 'captures.txt'), [...cases.map(([t]) => t), genuine, unrelated].join('\n') + '\n');
    const store = await Store.open(':memory:');
    try {
      await ingestPaths(store, [dir]);
      const findings = await runChecks(store, DEFAULT_POLICY, [algConfusion]);
      const byToken = new Map(findings.map((f) => [f.token, f]));
      for (const [t, form] of cases) {
        expect(byToken.get(fingerprintOf(sha256Hex(t)))?.evidence).toMatchObject({ confirmed: true, matched_kid: 'ec-k', matched_form: form });
      }
      expect(findings).toHaveLength(cases.length); // neither the genuine nor the wrong-secret hs-k token
      expect(findings.every((f) => f.severity === 'high')).toBe(true); // confirmed, only captured
      expect(JSON.stringify(findings)).not.toContain('BEGIN PUBLIC KEY');
    } finally {
      store.close();
    }
  });
});

describe('alg-confusion: PKCS#1 and certificate forms (issue 14 §8)', () => {
  it('an RSA key as its PKCS#1 PEM, and a certificate key as the certificate PEM, are tried as HMAC secrets', async () => {
    const { readFileSync } = await import('node:fs');
    const certPem = readFileSync(new URL('../../fixtures/keys/generated/cert-rsa.pem', import.meta.url), 'utf8');
    const rsa = await makeKey('rsa-k', 'RS256');
    const { kid: _kid, alg: _alg, ...core } = rsa.publicJwk;
    const pkcs1 = createPublicKey({ key: core as never, format: 'jwk' }).export({ type: 'pkcs1', format: 'pem' }).toString();
    const certBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(certPem)![0];
    const viaPkcs1 = hmac('HS256', 'rsa-k', pkcs1);
    const viaCert = hmac('HS256', null, certBlock.endsWith('\n') ? certBlock : `${certBlock}\n`);
    const dir = tempDir();
    writeFileSync(join(dir, 'keys.json'), jwks(rsa));
    writeFileSync(join(dir, 'cert.pem'), certPem);
    writeFileSync(join(dir, 'captures.txt'), `${viaPkcs1}\n${viaCert}\n`);
    const store = await Store.open(':memory:');
    try {
      await ingestPaths(store, [dir]);
      const findings = await runChecks(store, DEFAULT_POLICY, [algConfusion]);
      const form = (t: string) => findings.find((f) => f.token === fingerprintOf(sha256Hex(t)))?.evidence.matched_form;
      expect(form(viaPkcs1)).toBe('pem-pkcs1');
      expect(form(viaCert)).toBe('pem-certificate');
      expect(JSON.stringify(findings)).not.toContain('BEGIN');
    } finally {
      store.close();
    }
  });
});
