// XML 1.0 text and attribute values from hostile input: markup escaped, and the characters XML 1.0 forbids
// (most C0 controls, lone surrogates, U+FFFE/U+FFFF) removed, since a parser rejects the whole file on one of them.
// DEL, C1 controls (discouraged by XML 1.0) and bidi overrides go too: a CI page must show the text as it is.

const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]|[\u007F-\u009F\u202A-\u202E\u2066-\u2069]/gu;

export function xmlText(value: unknown): string {
  return String(value ?? '')
    .replace(FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Attribute values also keep their quotes and whitespace (a parser would fold raw newlines and tabs to spaces). */
export function xmlAttr(value: unknown): string {
  return xmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
