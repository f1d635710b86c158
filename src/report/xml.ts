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

const LINE_BREAK = /\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/g;
const LINE_BREAK_SHOWN: Record<string, string> = {
  '\r\n': '\\r\\n', '\n': '\\n', '\r': '\\r', '\u000b': '\\v', '\u000c': '\\f', '\u0085': '\\u0085', '\u2028': '\\u2028', '\u2029': '\\u2029',
};

/**
 * A value for one line of a multi-line text node (a failure's body, <system-out>), before xmlText: a line break
 * inside it (a file named `a\nevent: forged`, a title from a log) is shown as `\n`, so no value starts a line of its
 * own. `&#10;` would not do in a text node: a parser reads it back as a line break.
 */
export function oneLine(value: unknown): string {
  return String(value ?? '').replace(LINE_BREAK, (c) => LINE_BREAK_SHOWN[c] ?? ' ');
}
