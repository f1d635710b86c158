// Signing keys: JWKS JSON (public and oct keys) and PEM (SPKI public keys, certificates).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../errors.js';
import { parseJwks } from '../../keys/parse-jwks.js';
import { parsePem } from '../../keys/parse-pem.js';
import type { ParsedKeys } from '../../keys/record.js';
import { appendRows } from '../../store/append.js';
import type { Store } from '../../store/db.js';
import type { KeyRecord, KeyReject } from '../../types.js';
import type { FileScan } from '../events/file-scan.js';
import type { LoadResult } from '../load-result.js';

type KeyForm = 'jwks' | 'pem';

const MAX_KEY_FILE = 16 * 1024 * 1024;
// Not rejects: the key still loaded, the audit will want to know.
const WARNINGS = new Set(['duplicate-kid', 'private-key', 'bad-x5c', 'x5c-mismatch']);

export async function readKeys(store: Store, scan: FileScan, sourceId: number, form: KeyForm): Promise<LoadResult> {
  const parsed = await parse(scan, form);
  const added = await addKeys(store, parsed.keys, sourceId);
  const rejects = parsed.rejects
    .filter((r) => !WARNINGS.has(r.reason))
    .map((r) => ({ line: r.line, reason: r.reason, detail: describe(r) }));
  const warnings = parsed.rejects.filter((r) => WARNINGS.has(r.reason)).map(describe);
  const unusable = parsed.unusable ? { unusable: parsed.unusable } : {};
  return { rows: parsed.keys.length, rejects, newTokens: 0, warnings, kids: added, ...unusable };
}

/** Why a key file the store already holds is unusable, so a re-run fails as the first run did (null: it is fine). */
export async function keyFileProblem(scan: FileScan, form: KeyForm): Promise<LoadResult['unusable'] | null> {
  return (await parse(scan, form)).unusable ?? null;
}

async function parse(scan: FileScan, form: KeyForm): Promise<ParsedKeys> {
  const text = await readText(scan);
  return form === 'jwks' ? parseJwks(text, basename(scan.label ?? scan.path)) : parsePem(text);
}

async function readText(scan: FileScan): Promise<string> {
  if (scan.bytes > MAX_KEY_FILE) throw new InputError(`${scan.label ?? scan.path}: ${scan.bytes} bytes is too large for a key file`);
  let bytes = await readFile(scan.path);
  if (scan.gzip) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_KEY_FILE });
    } catch (err) {
      throw new InputError(`${scan.label ?? scan.path}: corrupt gzip (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/** Insert keys the store does not hold yet. The same material under a derived kid (a PEM copy of a JWKS key) is
 *  the same key: it is skipped, or, when the JWKS kid arrives second, it replaces the derived one. Set-based: one
 *  query for the keys the store holds with these thumbprints, one DELETE, one UPDATE, one append, whatever the
 *  number of keys (a query per key took 67–89 s for a 20,000-key JWKS). */
async function addKeys(store: Store, keys: readonly KeyRecord[], sourceId: number): Promise<string[]> {
  if (keys.length === 0) return [];
  const held = await store.all<{ kid: string; kid_source: string; thumbprint: string }>(
    `SELECT kid, kid_source, thumbprint FROM keys WHERE thumbprint IN (SELECT unnest($tps::VARCHAR[]))`,
    { tps: JSON.stringify([...new Set(keys.map((k) => k.thumbprint))]) },
  );
  // the store's keys by thumbprint, as the loop changes them (a JWKS kid removes the derived ones): how many, which
  // (thumbprint, kid) pairs, and the derived ones
  const storedCount = new Map<string, number>();
  const storedPairs = new Set<string>();
  const storedDerived = new Map<string, string[]>();
  for (const h of held) {
    storedCount.set(h.thumbprint, (storedCount.get(h.thumbprint) ?? 0) + 1);
    storedPairs.add(`${h.thumbprint}\u0000${h.kid}`);
    if (h.kid_source === 'jwk') continue;
    const derived = storedDerived.get(h.thumbprint);
    if (derived) derived.push(h.kid);
    else storedDerived.set(h.thumbprint, [h.kid]);
  }
  const fresh: KeyRecord[] = [];
  const freshTps = new Set<string>();
  const freshPairs = new Set<string>(); // thumbprint + kid of the keys taken from this file
  const replaced = new Set<string>(); // thumbprints whose derived keys go
  const unverified = new Set<string>(); // derived kids whose tokens lose their verdict
  for (const k of keys) {
    const pair = `${k.thumbprint}\u0000${k.kid}`;
    const dupInFile = freshPairs.has(pair) || (k.kidSource !== 'jwk' && freshTps.has(k.thumbprint));
    if (dupInFile || storedPairs.has(pair)) continue;
    if (k.kidSource !== 'jwk' && (storedCount.get(k.thumbprint) ?? 0) > 0) continue;
    const derived = k.kidSource === 'jwk' ? storedDerived.get(k.thumbprint) : undefined;
    if (derived) {
      replaced.add(k.thumbprint);
      for (const kid of derived) {
        unverified.add(kid);
        storedPairs.delete(`${k.thumbprint}\u0000${kid}`);
      }
      storedCount.set(k.thumbprint, storedCount.get(k.thumbprint)! - derived.length);
      storedDerived.delete(k.thumbprint);
    }
    fresh.push(k);
    freshTps.add(k.thumbprint);
    freshPairs.add(pair);
  }
  if (replaced.size) {
    await store.run(`DELETE FROM keys WHERE kid_source <> 'jwk' AND thumbprint IN (SELECT unnest($tps::VARCHAR[]))`, { tps: JSON.stringify([...replaced]) });
    await store.run(`UPDATE tokens SET sig_status = 'unknown-key', sig_kid = NULL WHERE sig_kid IN (SELECT unnest($kids::VARCHAR[]))`, {
      kids: JSON.stringify([...unverified]),
    });
  }
  await appendRows(
    store,
    'keys',
    ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'int', 'json', 'bool', 'json', 'int', 'int'],
    fresh.map((k) => [
      k.kid, k.thumbprint, k.kidSource, k.kty, k.alg, k.use, k.crv, k.bits, JSON.stringify(k.jwk), k.isSecret,
      k.x509 ? JSON.stringify(k.x509) : null, sourceId, k.index,
    ]),
  );
  return [...new Set(fresh.map((k) => k.kid))];
}

function describe(r: KeyReject): string {
  const where = r.line !== null ? `line ${r.line}` : r.index >= 0 ? `key #${r.index + 1}` : 'file';
  return `${where}: ${r.detail}`;
}
