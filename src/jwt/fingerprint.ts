// Stable identity of a token: the sha256 of the exact compact string (not of its decoded parts,
// so two encodings of the same claims stay distinct pieces of evidence).
// (The sha256 itself: src/util/sha256.ts.)

/** Short display id: the first 12 hex digits (48 bits) of the sha256. */
export function fingerprintOf(sha256hex: string): string {
  return sha256hex.slice(0, 12);
}
