// A user's list of secrets (policy weak_secret.lists, --secrets): read by weak-secret (tried against HMAC tokens),
// weak-key (held against the registry's secrets) and `report --include-raw` (src/app/raw-secrets.ts).
import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';

/** A user's list of secrets, one a line: each non-blank line's bytes (a trailing CR dropped) and its 0-based line
 *  number, which is how a finding names it. */
export function listEntries(path: string): { entry: number; bytes: Buffer }[] {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new InputError(`${path}: cannot read the list of secrets (${err instanceof Error ? err.message : String(err)})`);
  }
  // split as bytes, not decoded text: a secret that is not UTF-8 (a latin1 line) is tried as written, where a
  // decode would have replaced its bytes with U+FFFD and it could never match; each entry is a view, not a copy
  const out: { entry: number; bytes: Buffer }[] = [];
  for (let start = 0, i = 0; start < buf.length; i++) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl < 0 ? buf.length : nl;
    const stop = end > start && buf[end - 1] === 0x0d ? end - 1 : end;
    if (stop > start) out.push({ entry: i, bytes: buf.subarray(start, stop) });
    start = end + 1;
  }
  return out;
}

