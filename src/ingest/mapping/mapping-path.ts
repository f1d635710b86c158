// A mapping file's JSON paths (docs/presets.md): keys (`$.user.username`), quoted keys that hold dots or slashes
// (`$.user.extra["authentication.kubernetes.io/credential-id"]`, single quotes too), array indexes (`$.sourceIPs[0]`,
// `$.records[-1]` = the last), and a pick in a list of name–value objects (`$.attributes[key=user.id].value`).
// Parsed here by a scanner (no regex over the whole path: linear, bounded), compiled to SQL in mapping.ts.
import { stripControlInline } from '../../util/sanitize.js';

export type Segment =
  | { kind: 'key'; key: string; quoted: boolean }
  | { kind: 'index'; n: number }
  | { kind: 'select'; key: string; value: string }
  | { kind: 'all' };

/** deeper than this is no log's shape: a hostile path is refused before it reaches DuckDB */
export const MAX_SEGMENTS = 64;
export const MAX_PATH_CHARS = 1000;
/** an index beyond this is refused (no list in a 16 MiB line has a billion elements) */
const MAX_INDEX = 999_999_999;
// no control characters in a key: a path is printed in messages and reject details (the mapping file is input too)
const PLAIN_KEY = /^[^.[\]"'\s\\\u0000-\u001f\u007f-\u009f]+$/;
const SELECT_KEY = /^[A-Za-z0-9_-]{1,60}$/;

/** The segments of `path`, or the reason it is not a path. `all` (`[*]`) is allowed only where `wildcards` says. */
export function parsePath(path: string, wildcards = false): Segment[] | string {
  if (typeof path !== 'string' || !path.startsWith('$')) return 'a path starts with $';
  if (path.length > MAX_PATH_CHARS) return `longer than ${MAX_PATH_CHARS} characters`;
  const segs: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    if (segs.length >= MAX_SEGMENTS) return `deeper than ${MAX_SEGMENTS} steps`;
    const c = path[i];
    if (c === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      const key = path.slice(i + 1, j);
      if (!PLAIN_KEY.test(key)) return `"${stripControlInline(key.slice(0, 80))}" is not a key (quote a key holding dots, quotes or spaces: ["a.b"])`;
      segs.push({ kind: 'key', key, quoted: false });
      i = j;
    } else if (c === '[') {
      const q = path[i + 1];
      if (q === '"' || q === "'") {
        const end = path.indexOf(`${q}]`, i + 2);
        if (end < 0) return `a quoted key opened at character ${i + 1} is not closed with ${q}]`;
        const key = path.slice(i + 2, end);
        // the key goes into DuckDB's JSON path as "key": no quote, backslash or control character inside it
        if (key.length === 0 || key.length > 200 || /["'\\\u0000-\u001f]/.test(key)) return `a quoted key is 1 to 200 characters without quotes, backslashes or control characters`;
        segs.push({ kind: 'key', key, quoted: true });
        i = end + 2;
      } else {
        const end = path.indexOf(']', i);
        if (end < 0) return `a [ at character ${i + 1} is not closed`;
        const inner = path.slice(i + 1, end);
        if (inner === '*') {
          if (!wildcards) return '[*] is for `each` only';
          segs.push({ kind: 'all' });
        } else if (/^-?\d+$/.test(inner)) {
          if (inner.replace('-', '').length > 9 || Math.abs(Number(inner)) > MAX_INDEX) return `the index ${inner.slice(0, 20)} is out of range (at most ${MAX_INDEX})`;
          segs.push({ kind: 'index', n: Number(inner) });
        } else {
          const eq = inner.indexOf('=');
          const key = inner.slice(0, eq);
          const value = inner.slice(eq + 1);
          if (eq < 1 || !SELECT_KEY.test(key) || value.length === 0 || value.length > 100 || /[\u0000-\u001f\u007f-\u009f]/.test(value)) {
            return `[${stripControlInline(inner.slice(0, 40))}] is not an index ([0], [-1]), a quoted key (["a.b"]) or a pick ([Name=Value])`;
          }
          segs.push({ kind: 'select', key, value });
        }
        i = end + 1;
      }
    } else {
      return `unexpected "${stripControlInline(c!)}" at character ${i + 1}`;
    }
  }
  if (segs.length === 0) return 'a path names at least one key';
  return segs;
}

/** Plain keys only (`$.a.b`): the NDJSON reader's json_transform shape can read it directly. */
export const isPlain = (segs: Segment[]): boolean => segs.every((s) => s.kind === 'key' && !s.quoted);

export const plainPath = (segs: Segment[]): string => `$${segs.map((s) => `.${(s as { key: string }).key}`).join('')}`;

/** DuckDB JSON path text for key and index segments: `$."a.b"[0][#-1]`. */
export function jsonPath(segs: Segment[]): string {
  return `$${segs
    .map((s) => {
      if (s.kind === 'key') return `."${s.key}"`;
      if (s.kind === 'index') return s.n < 0 ? `[#${s.n}]` : `[${s.n}]`;
      throw new Error('jsonPath: keys and indexes only');
    })
    .join('')}`;
}
