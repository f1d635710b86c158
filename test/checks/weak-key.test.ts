import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { kidReuse } from '../../src/checks/kid-reuse.js';
import { weakKey } from '../../src/checks/weak-key.js';
import { audit } from './key-audit-helpers.js';

const oct = (kid: string, secret: string) => ({ kty: 'oct', kid, alg: 'HS256', k: Buffer.from(secret).toString('base64url') });

describe('weak-key and kid-reuse with secrets', () => {
  it('reports an HMAC secret by its bits only: no k, no thumbprint (a hash of the secret), in evidence or ids', async () => {
    const key = oct('short', 'hunter2!');
    const secondMaterial = oct('short', 'another-secret-same-kid');
    const files = { 'a.json': JSON.stringify({ keys: [key] }), 'b.json': JSON.stringify({ keys: [secondMaterial] }) };
    const findings = [...(await audit(weakKey, files)), ...(await audit(kidReuse, files))];
    expect(findings.map((f) => `${f.check} ${f.severity}`).sort()).toEqual(['kid-reuse medium', 'weak-key medium', 'weak-key medium']);
    const text = JSON.stringify(findings);
    for (const k of [key, secondMaterial]) {
      expect(text).not.toContain(k.k);
      expect(text).not.toContain(await calculateJwkThumbprint({ kty: 'oct', k: k.k }));
    }
    const weak = findings.filter((f) => f.check === 'weak-key').map((f) => f.evidence);
    expect(weak.map((e) => e.bits).sort()).toEqual([184, 64]);
    expect(weak[0]).toMatchObject({ min_bits: 256, weakness: 'hmac-secret-too-short', kty: 'oct' });
  });

  it('takes its minimums from the policy', async () => {
    const files = { 'k.json': JSON.stringify({ keys: [oct('hs-256', 'x'.repeat(32))] }) };
    expect(await audit(weakKey, files)).toEqual([]);
    const strict = await audit(weakKey, files, { min_hmac_bits: 384 });
    expect(strict.map((f) => [f.kid, f.evidence.bits, f.evidence.min_bits])).toEqual([['hs-256', 256, 384]]);
  });
});
