// Issue 14 §6: a kid-less `oct` key was named by its RFC 7638 thumbprint — sha256 of {"k":…,"kty":"oct"}, an offline
// oracle for the HMAC secret — and that name was printed in every report. Such a key is now named by its file and
// place (`oct#<file>#<n>`); the thumbprint stays in the store (beside the secret) and is never printed.
// Runs the built CLI: `npm run build` first.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, generateKeyPair, exportJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseJwks } from '../../src/keys/parse-jwks.js';
import { Store } from '../../src/store/db.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('a kid-less oct key', () => {
  it('is named by its file and place, not by its thumbprint', async () => {
    const k = randomBytes(32).toString('base64url');
    const out = await parseJwks(JSON.stringify({ keys: [{ kty: 'oct', k, kid: 'named' }, { kty: 'oct', k: randomBytes(32).toString('base64url') }] }), 'keys.jwks.json');
    expect(out.keys.map((x) => [x.kid, x.kidSource])).toEqual([['named', 'jwk'], ['oct#keys.jwks.json#2', 'position']]);
    expect(out.keys[1]!.thumbprint).toBe(await calculateJwkThumbprint(out.keys[1]!.jwk));
  });

  it('never has its thumbprint printed: not by ingest, check-keys, check, investigate, report or inspect', async () => {
    const dir = tempDir();
    const strong = new Uint8Array(randomBytes(32));
    const weak = new Uint8Array(randomBytes(8)); // 64 bits: a weak-key finding names it
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const rsaJwk = await exportJWK(rsa.publicKey); // kid-less too: a public key may keep its thumbprint name
    const octs = [strong, weak].map((s) => ({ kty: 'oct', k: Buffer.from(s).toString('base64url') }));
    const thumbprints = await Promise.all(octs.map((o) => calculateJwkThumbprint(o)));
    writeFileSync(join(dir, 'keys.jwks.json'), JSON.stringify({ keys: [...octs, rsaJwk] }));
    // kid-less HS256 tokens: each verifies with an oct key, and events name it
    const tokens = await Promise.all(
      [strong, weak].map((s, i) => new SignJWT({ sub: `u-${i}`, jti: `j-${i}`, iat: 1773482400, exp: 1773486000 }).setProtectedHeader({ alg: 'HS256' }).sign(s)),
    );
    const events = tokens.map((token, i) => JSON.stringify({ ts: 1773482400 + i, event: 'use', token, outcome: 'success', ip: '10.0.0.1' }));
    writeFileSync(join(dir, 'events.ndjson'), events.join('\n') + '\n');
    const stores = tempDir(); // not in the evidence folder that investigate walks
    const db = join(stores, 'case.duckdb');
    const outputs: Record<string, string> = {};
    const run = (name: string, args: string[]): void => {
      const r = cli(['--db', db, ...args]);
      expect(r.code, `${name}: ${r.stderr}`).toBeLessThan(2);
      outputs[name] = r.stdout + r.stderr;
    };
    run('ingest', ['--format', 'json', 'ingest', dir]);
    run('check-keys', ['--format', 'json', 'check-keys']);
    run('check', ['--format', 'json', 'check']);
    run('report', ['report', '--format', 'json']);
    run('report-md', ['report', '--format', 'markdown']);
    run('inspect', ['--format', 'json', 'inspect', tokens[0]!]);
    run('investigate', ['--db', join(stores, 'again.duckdb'), '--format', 'json', 'investigate', dir]);

    // the keys are there, under their place names, and the weak one is reported by that name
    const store = await Store.open(db, { readOnly: true });
    try {
      const keys = await store.all<{ kid: string; thumbprint: string }>(`SELECT kid, thumbprint FROM keys WHERE kty = 'oct' ORDER BY idx`);
      expect(keys).toEqual([
        { kid: 'oct#keys.jwks.json#1', thumbprint: thumbprints[0] },
        { kid: 'oct#keys.jwks.json#2', thumbprint: thumbprints[1] },
      ]);
    } finally {
      store.close();
    }
    expect(outputs['check-keys']).toContain('oct#keys.jwks.json#2');
    expect(outputs['inspect']).toContain('oct#keys.jwks.json#1');
    expect(outputs['check-keys']).toContain(await calculateJwkThumbprint(rsaJwk)); // a public key's name is no secret
    for (const [name, text] of Object.entries(outputs)) {
      for (const tp of thumbprints) expect(text.includes(tp), `${name} prints an oct thumbprint`).toBe(false);
    }
  });
});
