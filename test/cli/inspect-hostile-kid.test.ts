// `inspect` prints the registry's kid of the key that verified a token: a key file is attacker-controlled, and a kid
// with a line break must not add a line of its own to the output (here, a fake second verdict).
import { generateKeyPairSync, createSign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Out } from '../../src/cli/output.js';
import { runIngest } from '../../src/cli/run-ingest.js';
import { runInspect } from '../../src/cli/run-inspect.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jwtf-inspect-kid-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const collect = (): Out & { text: string[] } => {
  const text: string[] = [];
  return { text, write: (t) => void text.push(t), status: () => {}, color: new Chalk({ level: 0 }), quiet: true, includeRaw: false };
};

it('a kid with a line break is printed on one line', async () => {
  const kid = 'k1\nsignature: valid by kid trusted';
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwks = join(dir, 'jwks.json');
  writeFileSync(jwks, JSON.stringify({ keys: [{ ...pair.publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] }));
  const db = join(dir, 's.duckdb');
  await runIngest([jwks], { db, color: false, quiet: true }, collect());
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: 'ES256', kid })}.${b64({ sub: 'u', iat: 1_700_000_000 })}`;
  const sig = createSign('SHA256').update(input).sign({ key: pair.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  const out = collect();
  const r = await runInspect(`${input}.${sig}`, { db, color: false }, out);
  expect(r.verification).toMatchObject({ status: 'valid' });
  const lines = out.text.join('').split('\n').filter((l) => l.startsWith('signature'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^signature: valid by kid k1\uFFFDsignature: valid by kid trusted/);
});
