// sha256 as lower-case hex: of a string's UTF-8 bytes, or of bytes. The one digest helper: token identities
// (src/jwt/fingerprint.ts), ledger entries and row digests, report files.
import * as nodeCrypto from 'node:crypto';

// crypto.hash (Node >= 20.12) is a one-shot digest without the Hash object overhead; fall back for older 20.x.
const oneShot: ((alg: string, data: string | Uint8Array, enc: 'hex') => string) | undefined =
  typeof nodeCrypto.hash === 'function' ? (nodeCrypto.hash as (alg: string, data: string | Uint8Array, enc: 'hex') => string) : undefined;

export function sha256Hex(data: string | Uint8Array): string {
  if (oneShot) return oneShot('sha256', data, 'hex');
  return nodeCrypto.createHash('sha256').update(data).digest('hex');
}
