import { calculateJwkThumbprint } from 'jose';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
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

  it("flags a long secret that is in the user's list of secrets, by list and line, never by value", async () => {
    const secret = 'correct-horse-battery-staple-2026!'; // 272 bits: long enough, but written down
    const list = join(tempDir(), 'leaked.txt');
    writeFileSync(list, `first\r\nsecond\n\n${secret}\nlast\n`);
    const files = { 'k.json': JSON.stringify({ keys: [oct('hs-listed', secret), oct('hs-other', 'another-long-secret-not-in-any-list-0001')] }) };
    const found = await audit(weakKey, files, { weak_secret: { lists: [list, list] } });
    expect(found.map((f) => [f.kid, f.severity])).toEqual([['hs-listed', 'medium']]);
    expect(found[0]!.evidence).toMatchObject({
      weakness: 'hmac-secret-in-secret-list', reason: 'in a list of secrets given (policy weak_secret.lists, --secrets)', secret_list: list, secret_entry: 3, bits: 272,
    });
    const text = JSON.stringify(found);
    for (const v of [secret, Buffer.from(secret).toString('base64url')]) expect(text).not.toContain(v);
  });

  it('near miss: no list, or a list holding the secret only with other bytes, flags nothing', async () => {
    const secret = 'correct-horse-battery-staple-2026!';
    const list = join(tempDir(), 'near.txt');
    writeFileSync(list, `${secret} \nCorrect-horse-battery-staple-2026!\n${secret.slice(0, -1)}\n`);
    const files = { 'k.json': JSON.stringify({ keys: [oct('hs-listed', secret)] }) };
    expect(await audit(weakKey, files)).toEqual([]);
    expect(await audit(weakKey, files, { weak_secret: { lists: [list] } })).toEqual([]);
  });

  it('names the list for a short secret too, and knows a listed secret by its bytes, however its k is written', async () => {
    const list = join(tempDir(), 'team.txt');
    writeFileSync(list, 'hunter2!\n');
    // 'your-256-bit-secret' (jwt.io's, in the shipped list) with its k padded, as some tools write base64
    const padded = { kty: 'oct', kid: 'hs-padded', alg: 'HS256', k: `${Buffer.from('your-256-bit-secret').toString('base64url')}=` };
    const files = { 'k.json': JSON.stringify({ keys: [oct('hs-short', 'hunter2!'), padded] }) };
    const found = await audit(weakKey, files, { weak_secret: { lists: [list] } });
    const byKid = new Map(found.map((f) => [f.kid, f.evidence]));
    expect(byKid.get('hs-short')).toMatchObject({ weakness: 'hmac-secret-too-short', secret_list: list, secret_entry: 0 });
    expect(byKid.get('hs-padded')).toMatchObject({ weakness: 'hmac-secret-too-short', reason: 'in a public list of secrets', secret_list: 'builtin' });
  });
});
