// Cheap content checks for ingest kind detection: is this text a PEM bundle or a JWKS?

/** A line that opens a PEM block (leading blanks allowed: keys pasted from YAML are indented). */
export function looksLikePem(text: string): boolean {
  return /^[ \t]*-----BEGIN /m.test(text);
}

/** A JSON object with a `keys` array, or a single JWK (an object with a string `kty`). */
export function looksLikeJwks(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return false;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const obj = value as Record<string, unknown>;
  return Array.isArray(obj.keys) || typeof obj.kty === 'string';
}
