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

/**
 * Decode base64url as a lenient verifier does (jose on Node, i.e. the WHATWG forgiving-base64 decoder behind `atob`):
 * ASCII whitespace is skipped, one or two trailing `=` are allowed when they complete a 4-character group, and the
 * unused low bits of the last character are ignored. `+` and `/` (plain base64) are refused, as jose refuses them.
 * Returns the bytes and whether `s` was canonical, or null when no such verifier would decode it either.
 */
export function decodeBase64urlLenient(s: string): { bytes: Buffer; canonical: boolean } | null {
  if (isStrictBase64url(s)) return { bytes: Buffer.from(s, 'base64url'), canonical: true };
  const clean = forgivingClean(s);
  if (clean === null) return null;
  return { bytes: Buffer.from(clean, 'base64url'), canonical: false };
}

/** Byte length a lenient verifier decodes `s` to, or -1 when it would refuse it (no allocation for canonical input). */
export function lenientDecodedLength(s: string): number {
  if (isStrictBase64url(s)) return Math.floor((s.length * 3) / 4);
  const clean = forgivingClean(s);
  return clean === null ? -1 : Math.floor((clean.length * 3) / 4);
}

// The forgiving-base64 steps (WHATWG Infra §4.7.4): drop whitespace, then padding that completes a group; what is
// left must be alphabet only and not leave 6 lone bits. One pass over the string.
function forgivingClean(s: string): string | null {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20) {
      if (i > start) out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (start < s.length) out.push(s.slice(start));
  let clean = out.length === 1 ? out[0]! : out.join('');
  if (clean.length % 4 === 0) {
    if (clean.endsWith('==')) clean = clean.slice(0, -2);
    else if (clean.endsWith('=')) clean = clean.slice(0, -1);
  }
  if (clean.length % 4 === 1 || !ALPHABET.test(clean)) return null;
  return clean;
}
