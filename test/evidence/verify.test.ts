// The ledger and `verify`, as a user runs them (the built CLI: `npm run build` first): the bundled incident verifies
// intact; tampering with events, findings, sources and the ledger itself is caught and named; a re-ordered ingest is
// a different chain, not an error; the original inputs are re-hashed; signed reports round-trip for Ed25519, ES256
// and RS256, and a changed byte, another key or a ledger head not in the store each fail with one line.
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const BUNDLE = new URL('../../fixtures/incident-acme/', import.meta.url).pathname;
let dir: string;
let db: string;
let investigated: ReturnType<typeof cli>;

const keys: Record<string, { priv: string; pub: string }> = {};
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jwtf-verify-'));
  const pairs = {
    ed: generateKeyPairSync('ed25519'),
    es: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    rs: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  };
  for (const [name, p] of Object.entries(pairs)) {
    const priv = join(dir, `${name}.key`);
    const pub = join(dir, `${name}.pub.jwk`);
    // Ed25519 as a private JWK, the others as PKCS#8 PEM: both forms are read
    writeFileSync(priv, name === 'ed' ? JSON.stringify(p.privateKey.export({ format: 'jwk' })) : (p.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string));
    writeFileSync(pub, JSON.stringify(p.publicKey.export({ format: 'jwk' })));
    keys[name] = { priv, pub };
  }
  db = join(dir, 'case.duckdb');
  investigated = cli(['--db', db, 'investigate', BUNDLE, '--out', join(dir, 'reports'), '--sign-key', keys.es!.priv]);
  expect(investigated.code, investigated.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the store with one SQL statement run on it behind the tool's back. */
async function tampered(name: string, sql: string): Promise<string> {
  const copy = join(dir, `${name}.duckdb`);
  copyFileSync(db, copy);
  const instance = await DuckDBInstance.create(copy);
  const conn = await instance.connect();
  await conn.run(sql);
  conn.closeSync();
  instance.closeSync();
  return copy;
}

const headOf = (text: string): string => /ledger head ([0-9a-f]{64})/.exec(text)?.[1] ?? '';

describe('the ledger', () => {
  it('the bundled incident verifies intact; the head investigate printed is the head verify finds', () => {
    const r = cli(['--db', db, 'verify']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^intact: .*, \d+ ledger entries, head [0-9a-f]{64}/);
    expect(r.stdout).toContain(headOf(investigated.stdout));
    const json = JSON.parse(cli(['--db', db, '--format', 'json', 'verify']).stdout);
    expect(json).toMatchObject({ intact: true, problems: [] });
    // one entry per input, one check run, five reports
    expect(json.entries).toBeGreaterThanOrEqual(8 + 1 + 5);
  });

  it('every report names the ledger head it was made from, and that head is in the chain', () => {
    const report = JSON.parse(readFileSync(join(dir, 'reports', 'report.json'), 'utf8'));
    expect(report.ledger_head).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(dir, 'reports', 'report.md'), 'utf8')).toContain(report.ledger_head);
    const r = cli(['--db', db, 'verify', '--report', join(dir, 'reports', 'report.json'), '--key', keys.es!.pub]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`ledger head ${report.ledger_head} is in the chain`);
  });

  it.each([
    ['an event edited', `UPDATE events SET ip = '203.0.113.66' WHERE line = 300`, /\[events\] .*ingest of .*auth-events\.ndjson\): events changed: [\d,]+ rows, as recorded, but their content differs; in lines 0–16,383/],
    ['an event deleted', `DELETE FROM events WHERE line = 300`, /\[events\] .*events changed: [\d,]+ rows now, [\d,]+ recorded/],
    ['a finding deleted', `DELETE FROM findings WHERE check_id = 'alg-none' AND severity = 'critical'`, /\[findings\] entry \d+ \(check run \d+\): alg-none findings 1 deleted/],
    ['a finding softened', `UPDATE findings SET severity = 'low' WHERE check_id = 'alg-confusion'`, /\[findings\] .*alg-confusion findings 1 changed/],
    ['a source re-pointed', `UPDATE sources SET path = 'elsewhere.ndjson' WHERE kind = 'revocations'`, /\[sources\] .*its sources row changed: path "elsewhere\.ndjson"/],
    ['the ledger edited', `UPDATE ledger SET entry = replace(entry, '"rejected":0', '"rejected":1') WHERE seq = 1`, /entry 1 \[ledger\] entry 1 \(ingest\) does not hash to its recorded hash/],
    ['a ledger entry removed', `DELETE FROM ledger WHERE seq = 2`, /\[ledger\] entry 3 is number 2 in the chain/],
    ['rows slipped in', `INSERT INTO revocations SELECT * REPLACE (line + 50 AS line) FROM revocations`, /\[revocations\] .*revocations changed: 8 rows now, 4 recorded/],
  ])('catches %s, names where, exit 1', async (name, sql, said) => {
    const copy = await tampered(name.replaceAll(' ', '-'), sql);
    const r = cli(['--db', copy, 'verify']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^NOT INTACT/);
    expect(r.stdout).toMatch(said);
    expect(r.stderr).toMatch(/verify: \d+ mismatch/);
  });

  it('a re-ordered ingest is a different chain (another head), each intact', () => {
    const a = join(dir, 'order-a.duckdb');
    const b = join(dir, 'order-b.duckdb');
    const files = [join(BUNDLE, 'keys/jwks.json'), join(BUNDLE, 'revocations.ndjson')];
    expect(cli(['--db', a, 'ingest', ...files]).code).toBe(0);
    expect(cli(['--db', b, 'ingest', files[1]!]).code).toBe(0);
    expect(cli(['--db', b, 'ingest', files[0]!]).code).toBe(0);
    const [va, vb] = [a, b].map((x) => JSON.parse(cli(['--db', x, '--format', 'json', 'verify']).stdout));
    expect(va.intact && vb.intact).toBe(true);
    expect(va.head).not.toBe(vb.head);
  });

  it('--inputs: which files still match, which changed and which are missing', () => {
    const ok = cli(['--db', db, 'verify', '--inputs', BUNDLE]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/match +fixtures|match +\//);
    expect(ok.stdout).not.toMatch(/changed|missing|unknown/);
    expect(ok.stdout).toMatch(/passed +.*README\.md \(documentation or script/);
    const copy = join(dir, 'evidence');
    cpSync(BUNDLE, copy, { recursive: true });
    appendFileSync(join(copy, 'revocations.ndjson'), '\n');
    rmSync(join(copy, 'keys', 'rotation.ndjson'));
    const bad = cli(['--db', db, 'verify', '--inputs', copy], { cwd: dir });
    expect(bad.code, bad.stdout).toBe(1);
    expect(bad.stdout).toMatch(/missing +.*rotation\.ndjson/);
    expect(bad.stdout).toMatch(/unknown .*revocations\.ndjson \(no ingest recorded these bytes\)/);
    expect(bad.stdout).toMatch(/match +.*auth-events\.ndjson/);
  });

  it('--inputs: a file changed in place since its ingest is named changed', () => {
    const evidence = join(dir, 'inplace');
    cpSync(join(BUNDLE, 'keys'), evidence, { recursive: true });
    const store = join(dir, 'inplace.duckdb');
    expect(cli(['--db', store, 'ingest', evidence]).code).toBe(0);
    appendFileSync(join(evidence, 'rotation.ndjson'), '\n');
    const r = cli(['--db', store, 'verify', '--inputs', evidence]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/changed +.*inplace\/rotation\.ndjson/);
    expect(r.stdout).toMatch(/match +.*inplace\/jwks\.json/);
    expect(r.stderr).toMatch(/inputs that do not match/);
  });

  it('says what it cannot use: no store, or an --inputs path that is not there, is exit 2', () => {
    const r = cli(['--db', join(dir, 'nothing.duckdb'), 'verify']);
    expect(r.code).toBe(2);
    const gone = cli(['--db', db, 'verify', '--inputs', join(dir, 'no-such-folder')]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/--inputs .*no-such-folder: no such file or folder/);
    expect(gone.stderr).not.toMatch(/internal error/);
  });
});

describe('signed reports', () => {
  it.each(['ed', 'es', 'rs'])('%s: report --sign-key writes a detached JWS that verify accepts', (name) => {
    const out = join(dir, `report-${name}.md`);
    const w = cli(['--db', db, 'report', '--out', out, '--sign-key', keys[name]!.priv]);
    expect(w.code, w.stderr).toBe(0);
    const jws = readFileSync(`${out}.jws`, 'utf8').trim();
    const [header, payload, signature] = jws.split('.');
    expect(payload).toBe('');
    expect(signature!.length).toBeGreaterThan(20);
    const h = JSON.parse(Buffer.from(header!, 'base64url').toString('utf8'));
    expect(h).toMatchObject({ alg: { ed: 'EdDSA', es: 'ES256', rs: 'RS256' }[name], typ: 'jwt-forensics-report+jws' });
    expect(h.ledger_head).toMatch(/^[0-9a-f]{64}$/);
    expect(h.report_sha256).toMatch(/^[0-9a-f]{64}$/);
    const v = cli(['--db', db, 'verify', '--report', out, '--key', keys[name]!.pub]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^verified: /);
  });

  it('fails with one line: a byte changed, another key, a ledger head not in the store', () => {
    const out = join(dir, 'signed.md');
    expect(cli(['--db', db, 'report', '--out', out, '--sign-key', keys.ed!.priv]).code).toBe(0);
    const changed = join(dir, 'changed.md');
    const bytes = readFileSync(out);
    bytes[100] = bytes[100] === 0x41 ? 0x42 : 0x41;
    writeFileSync(changed, bytes);
    copyFileSync(`${out}.jws`, `${changed}.jws`);
    const one = cli(['--db', db, 'verify', '--report', changed, '--key', keys.ed!.pub]);
    expect(one.code).toBe(1);
    expect(one.stdout).toMatch(/^NOT VERIFIED: .*the report changed since it was signed/);
    expect(one.stdout.trim().split('\n')).toHaveLength(1);

    const other = generateKeyPairSync('ed25519');
    const otherPub = join(dir, 'other.pub.jwk');
    writeFileSync(otherPub, JSON.stringify(other.publicKey.export({ format: 'jwk' })));
    const two = cli(['--db', db, 'verify', '--report', out, '--key', otherPub]);
    expect(two.code).toBe(1);
    expect(two.stdout).toMatch(/^NOT VERIFIED: .*the signature does not verify with the key given/);

    const elsewhere = join(dir, 'elsewhere.duckdb');
    expect(cli(['--db', elsewhere, 'ingest', join(BUNDLE, 'revocations.ndjson')]).code).toBe(0);
    const three = cli(['--db', elsewhere, 'verify', '--report', out, '--key', keys.ed!.pub]);
    expect(three.code).toBe(1);
    expect(three.stdout).toMatch(/^NOT VERIFIED: .*is not in the chain of/);
  });

  it('refuses a weak or unsupported signing key, and --sign-key without --out', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const path = join(dir, 'weak.pem');
    writeFileSync(path, weak.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const r = cli(['--db', db, 'report', '--out', join(dir, 'w.md'), '--sign-key', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/1024 bits is too weak/);
    expect(cli(['--db', db, 'report', '--sign-key', keys.es!.priv]).stderr).toMatch(/--sign-key signs a report file: give --out FILE/);
  });
});
