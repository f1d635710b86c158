// The lists of secrets: the shipped one, then the user's (policy weak_secret.lists, --secrets). Tried against HMAC
// tokens by weak-secret, held against the registry's own secrets by weak-key; a user list is read again by `report
// --include-raw` (src/app/raw-secrets.ts).
import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import type { Policy } from '../../policy/policy.js';
import { BUILTIN_LIST, WEAK_SECRETS } from './list.js';

/** A secret to try, named without its value: the list (builtin, a user file, or `token` for its own claims) and entry. */
export interface Candidate {
  list: string;
  /** index in the list, or the claim whose value was tried ('iss', 'aud', 'kid') */
  entry: number | string;
  bytes: Buffer;
}

/** The shipped list, then each user list in order (one secret a line; blank lines skipped, a trailing CR dropped). */
export function listedCandidates(policy: Policy): Candidate[] {
  const out: Candidate[] = WEAK_SECRETS.map((s, i) => ({ list: BUILTIN_LIST, entry: i, bytes: Buffer.from(s, 'utf8') }));
  for (const path of new Set(policy.weak_secret.lists)) { // a list named twice is tried once
    for (const { entry, bytes } of listEntries(path)) out.push({ list: path, entry, bytes });
  }
  return out;
}

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

