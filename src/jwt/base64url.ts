// Strict base64url (RFC 7515 §2 / RFC 4648 §5). Node's Buffer decoder is lenient: it skips
// whitespace and junk, accepts '=' padding and ignores non-zero trailing bits, so two different
// strings can decode to the same bytes. For forensics that matters — a token that only verifies
// after lenient decoding was not produced by a conforming signer — so we validate first.

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** Value (0..63) of a base64url character; caller guarantees the char is in the alphabet. */
function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  return code === 45 ? 62 : 63; // '-' or '_'
}

/** True when `s` is canonical unpadded base64url: the only encoding a conforming JOSE signer emits. */
export function isStrictBase64url(s: string): boolean {
  if (!ALPHABET.test(s)) return false;
  const rem = s.length % 4;
  if (rem === 0) return true;
  if (rem === 1) return false; // 6 bits cannot form a byte
  // 2 chars carry 12 bits for 1 byte (4 spare bits); 3 chars carry 18 bits for 2 bytes (2 spare).
  const spare = rem === 2 ? 0x0f : 0x03;
  return (sextet(s.charCodeAt(s.length - 1)) & spare) === 0;
}

/** Decode canonical base64url, or null when `s` is not exactly what a conforming encoder would produce. */
export function decodeBase64urlStrict(s: string): Buffer | null {
  if (!isStrictBase64url(s)) return null;
  return Buffer.from(s, 'base64url');
}

/** Byte length a canonical base64url string decodes to, or -1 if it is not canonical (no allocation). */
export function strictDecodedLength(s: string): number {
  return isStrictBase64url(s) ? Math.floor((s.length * 3) / 4) : -1;
}
