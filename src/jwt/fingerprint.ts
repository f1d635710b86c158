// Stable identity of a token: the sha256 of the exact compact string (not of its decoded parts,
// so two encodings of the same claims stay distinct pieces of evidence).
import * as nodeCrypto from 'node:crypto';

// crypto.hash (Node >= 20.12) is a one-shot digest without the Hash object overhead; fall back for older 20.x.
const oneShot: ((alg: string, data: string, enc: 'hex') => string) | undefined =
  typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined;

/** Lower-case hex sha256 of the UTF-8 encoding of `compact`. */
export function sha256Hex(compact: string): string {
  if (oneShot) return oneShot('sha256', compact, 'hex');
  return nodeCrypto.createHash('sha256').update(compact, 'utf8').digest('hex');
}

/** Short display id: the first 12 hex digits (48 bits) of the sha256. */
export function fingerprintOf(sha256hex: string): string {
  return sha256hex.slice(0, 12);
}
