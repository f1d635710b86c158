// PEM bundle → KeyRecords. A file may hold many blocks (public keys, certificates, even private keys
// pasted by mistake); each block stands alone, so one corrupt block costs only itself.
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { KeyRecord, KeyReject, X509Info } from '../types.js';
import { byIndex, buildRecord, duplicateKids, errorCode, reject, type ParsedKeys } from './record.js';
import { x509Info, x5tS256 } from './x509-info.js';

interface PemBlock {
  label: string;
  line: number; // 1-based line of -----BEGIN
  body: string[];
  encrypted: boolean; // legacy "Proc-Type: 4,ENCRYPTED" header
  problem: string | null; // set when the framing itself is broken
}

interface Outcome {
  key: KeyRecord | null;
  rejects: KeyReject[];
}

interface Loaded {
  key: KeyObject;
  cert: X509Certificate | null;
  isPrivate: boolean;
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]{1,40})-----$/;
const END = /^-----END ([A-Z0-9 ]{1,40})-----$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const PRIVATE_TYPES: Record<string, 'pkcs8' | 'pkcs1' | 'sec1'> = {
  'PRIVATE KEY': 'pkcs8',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
};
// `openssl ecparam -genkey` writes these before the key: noise, not a key, not an error.
const IGNORED = new Set(['EC PARAMETERS']);

export async function parsePem(text: string): Promise<ParsedKeys> {
  const keys: KeyRecord[] = [];
  const rejects: KeyReject[] = [];
  const blocks = scanBlocks(text);
  for (const [index, block] of blocks.entries()) {
    if (IGNORED.has(block.label)) continue;
    const out = await parseBlockSafely(block, index);
    if (out.key) keys.push(out.key);
    rejects.push(...out.rejects);
  }
  const parsed = { keys, rejects: byIndex([...rejects, ...duplicateKids(keys)]) };
  const unusable = noCompleteBlock(blocks);
  return unusable ? { ...parsed, unusable } : parsed;
}

/** Without one whole BEGIN…END block the file holds nothing to read: the file is unusable, not one bad key. */
function noCompleteBlock(blocks: readonly PemBlock[]): ParsedKeys['unusable'] {
  if (blocks.some((b) => b.problem === null)) return undefined;
  const first = blocks[0];
  if (!first) return { line: null, what: 'no PEM block (-----BEGIN …----- to -----END …-----) in it' };
  return { line: first.line, what: `no complete PEM block: ${first.label} block: ${first.problem}` };
}

/** Split the text into BEGIN/END blocks; text between blocks (openssl -text dumps, bag attributes) is skipped. */
function scanBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let open: PemBlock | null = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line.startsWith('-----BEGIN ')) {
      if (open) open.problem = 'no END line before the next BEGIN (truncated block)';
      const label = BEGIN.exec(line)?.[1];
      open = { label: label ?? 'PEM', line: i + 1, body: [], encrypted: false, problem: label ? null : 'malformed BEGIN line' };
      blocks.push(open);
    } else if (open && line.startsWith('-----END ')) {
      if (END.exec(line)?.[1] !== open.label) open.problem ??= 'END line does not match BEGIN';
      open = null;
    } else if (open && line.includes(':')) {
      if (/^Proc-Type:.*ENCRYPTED/i.test(line)) open.encrypted = true;
    } else if (open && line !== '') {
      open.body.push(line);
    }
  }
  if (open) open.problem ??= 'no END line (truncated block)';
  return blocks;
}

async function parseBlockSafely(block: PemBlock, index: number): Promise<Outcome> {
  try {
    return await parseBlock(block, index);
  } catch (err) {
    // Last resort: an input nobody thought of must cost one block, not the whole file.
    return { key: null, rejects: [reject(index, block.line, 'bad-pem', `${block.label} block: unexpected error (${errorCode(err)})`)] };
  }
}

async function parseBlock(block: PemBlock, index: number): Promise<Outcome> {
  const fail = (reason: string, detail: string) => ({ key: null, rejects: [reject(index, block.line, reason, detail)] });
  const what = block.label;
  if (block.problem) return fail('bad-pem', `${what} block: ${block.problem}`);
  if (what === 'ENCRYPTED PRIVATE KEY' || block.encrypted) {
    return fail('encrypted-key', `${what} block is encrypted; its public half cannot be derived without the passphrase`);
  }
  const body = block.body.join('');
  if (body === '' || !BASE64.test(body)) return fail('bad-pem', `${what} block: body is not base64`);
  let loaded: Loaded | null;
  try {
    loaded = load(what, Buffer.from(body, 'base64'));
  } catch (err) {
    return fail('bad-pem', `${what} block is corrupt (${errorCode(err)})`);
  }
  if (!loaded) return fail('unsupported-pem', `${what} blocks are not keys this tool reads`);
  let jwk: JWK;
  try {
    jwk = loaded.key.export({ format: 'jwk' }) as JWK;
  } catch {
    return fail('unsupported-kty', `${what} block holds a ${loaded.key.asymmetricKeyType ?? 'unknown'} key, which has no JWK form`);
  }
  return { key: await toRecord(jwk, loaded.cert, index), rejects: loaded.isPrivate ? [privateWarning(block, index)] : [] };
}

/** The public key in a block, or null for labels we do not read. Throws on corrupt DER. */
function load(label: string, der: Buffer): Loaded | null {
  if (label === 'PUBLIC KEY') return pub(createPublicKey({ key: der, format: 'der', type: 'spki' }));
  if (label === 'RSA PUBLIC KEY') return pub(createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
  if (label === 'CERTIFICATE' || label === 'X509 CERTIFICATE') {
    const cert = new X509Certificate(der);
    return { key: cert.publicKey, cert, isPrivate: false };
  }
  const type = Object.hasOwn(PRIVATE_TYPES, label) ? PRIVATE_TYPES[label] : undefined;
  if (!type) return null;
  // Only the derived public key leaves this function; the private KeyObject is dropped here.
  return { key: createPublicKey(createPrivateKey({ key: der, format: 'der', type })), cert: null, isPrivate: true };
}

function pub(key: KeyObject): Loaded {
  return { key, cert: null, isPrivate: false };
}

async function toRecord(jwk: JWK, cert: X509Certificate | null, index: number): Promise<KeyRecord> {
  if (!cert) return buildRecord({ jwk, kid: null, kidSource: 'thumbprint', x509: null, index });
  const x509: X509Info = x509Info(cert);
  // Keep the certificate with the key: expiry and issuer checks later need it, as a JWK would carry it.
  const withCert: JWK = { ...jwk, x5c: [cert.raw.toString('base64')] };
  return buildRecord({ jwk: withCert, kid: x5tS256(cert.raw), kidSource: 'x5t#S256', x509, index });
}

function privateWarning(block: PemBlock, index: number): KeyReject {
  const detail = `${block.label} block is a private key: only its public half was loaded; the private key is exposed in this file`;
  return reject(index, block.line, 'private-key', detail);
}
