// The signer a verified report is said to be signed by is the key that verified it, never only what the header
// claims; and `verify` refuses an option it would otherwise ignore (a mistyped run must not come out "intact").
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerify } from '../../src/cli/run-verify.js';
import type { Out } from '../../src/cli/output.js';
import { UsageError } from '../../src/errors.js';
import { loadSigningKey, signDetached, verifyDetached } from '../../src/report/sign-report.js';

let dir: string;
let priv: string;
let pub: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jwtf-sign-kid-'));
  const p = generateKeyPairSync('ed25519');
  priv = join(dir, 'ed.key');
  pub = join(dir, 'ed.pub.jwk');
  writeFileSync(priv, JSON.stringify(p.privateKey.export({ format: 'jwk' })));
  writeFileSync(pub, JSON.stringify(p.publicKey.export({ format: 'jwk' })));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verifyDetached', () => {
  const bytes = Buffer.from('# report\n');
  const head = 'a'.repeat(64);

  it('accepts a signature whose header names the key that verifies it', async () => {
    const signer = await loadSigningKey(priv);
    const check = await verifyDetached(await signDetached(bytes, signer, { ledger_head: head }), bytes, pub);
    expect(check).toMatchObject({ ok: true, header: { kid: signer.kid } });
  });

  it('refuses a header that names another signer than the key that verifies it', async () => {
    const signer = await loadSigningKey(priv);
    const forged = await signDetached(bytes, { ...signer, kid: 'trusted-ca-key\nverified: x' }, { ledger_head: head });
    const check = await verifyDetached(forged, bytes, pub);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toContain(`the key that verifies it is ${signer.kid}`);
  });
});

describe('verify options', () => {
  const out: Out = { write: () => {}, status: () => {}, color: undefined as never, quiet: true, includeRaw: false };
  const g = (): { db: string; color: boolean } => ({ db: join(dir, 'none.duckdb'), color: false });

  it('--signature without --report is a usage error, not a store verification', async () => {
    await expect(runVerify({ signature: join(dir, 'x.jws') }, g(), out)).rejects.toThrow(UsageError);
  });

  it('--inputs with --report is a usage error, not ignored', async () => {
    await expect(runVerify({ report: join(dir, 'r.md'), key: pub, inputs: [dir] }, g(), out)).rejects.toThrow(UsageError);
  });
});
