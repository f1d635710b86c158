// A line that names a canonical field twice (`{"token":"A", …, "token":"B"}`): DuckDB's json_transform takes the
// FIRST value, json_merge_patch drops BOTH from `extra`, while a JSON.parse consumer (the service that logged it,
// most other tools) sees the LAST. Such lines are found while their bytes go by (file-scan.ts: the layout pass,
// or the count of a .gz), cheaply: one regular-expression search per chunk for the quoted canonical key names,
// each hit mapped to its line; a line with the same name twice is a candidate. Candidates are parsed after the
// bulk INSERT (duplicate-fix.ts): only those that really repeat a top-level canonical key are re-projected.
import { createReadStream, existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Top-level keys the canonical event stage reads (event-fields.ts); a repeat of any of them changes a column. */
export const CANONICAL_KEYS = [
  'ts', 'event', 'token', 'authorization', 'Authorization', 'jti', 'sub', 'sid', 'client_id', 'ip', 'ua',
  'app_version', 'aud', 'outcome', 'parent_jti', 'reason', 'geo',
] as const;

// A hit is known by its length and first two characters (unique among the names: checked below), without a copy of
// it: a small table, not a Map, since a file has about a dozen hits per line.
const slot = (len: number, c0: number, c1: number): number => ((len << 7) ^ (c0 << 2) ^ c1) & 4095;
const KEY_BIT = new Int32Array(4096);
CANONICAL_KEYS.forEach((k, i) => {
  const at = slot(k.length, k.charCodeAt(0), k.charCodeAt(1));
  if (KEY_BIT[at]) throw new Error(`duplicate-keys: ${k} shares a slot`);
  KEY_BIT[at] = 1 << i;
});
// Keys whose value is usually long (a JWT, a user agent): their string value is stepped over with one indexOf
// instead of being searched for key names, which halves the scan's time on token-heavy logs.
const LONG_VALUE = CANONICAL_KEYS.filter((k) => ['token', 'authorization', 'Authorization', 'ua'].includes(k))
  .reduce((bits, k) => bits | KEY_BIT[slot(k.length, k.charCodeAt(0), k.charCodeAt(1))]!, 0);
const HIT = new RegExp(`"(?:${CANONICAL_KEYS.join('|')})"`, 'g');
const TAIL = 16; // longer than any `"key"`: a hit cut by a chunk boundary is found in the joined tail

const blank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d;

/** Collects the lines (1-based) in which a quoted canonical key name occurs twice as a key (at any depth: the
 *  parse that follows keeps only top-level repeats). Feed it the bytes in order. */
export class DuplicateKeyScan {
  private readonly lines: number[] = [];
  private line = 1; // the line the next byte belongs to
  private seen = 0; // bits of the keys already hit on this line
  private flagged = false; // this line already is a candidate
  private tail = ''; // the last bytes of the previous chunk that belong to the current line (at most TAIL)

  push(buf: Buffer): void {
    if (buf.length === 0) return;
    const s = this.tail ? this.tail + buf.toString('latin1') : buf.toString('latin1');
    const skip = this.tail.length; // hits that end inside the tail were counted with the previous chunk
    let nl = s.indexOf('\n', skip);
    HIT.lastIndex = 0;
    while (HIT.test(s)) {
      const end = HIT.lastIndex; // just after the closing quote
      if (end <= skip) continue;
      let after = end; // a key is followed by `:` (after blanks); a value that happens to be a key name is not
      while (after < s.length && blank(s.charCodeAt(after))) after++;
      if (after < s.length && s.charCodeAt(after) !== 0x3a) continue;
      const start = s.lastIndexOf('"', end - 2);
      while (nl !== -1 && nl < start) {
        this.endLine();
        nl = s.indexOf('\n', nl + 1);
      }
      const bit = KEY_BIT[slot(end - start - 2, s.charCodeAt(start + 1), s.charCodeAt(start + 2))]!;
      if (this.seen & bit && !this.flagged) {
        this.flagged = true;
        this.lines.push(this.line);
      }
      this.seen |= bit;
      if (bit & LONG_VALUE) {
        // step over a string value to its closing quote; one that may be escaped (a backslash before it), or not in
        // this chunk, is searched as usual
        do after++;
        while (after < s.length && blank(s.charCodeAt(after)));
        if (s.charCodeAt(after) === 0x22) {
          const close = s.indexOf('"', after + 1);
          if (close !== -1 && s.charCodeAt(close - 1) !== 0x5c && (nl === -1 || close < nl)) HIT.lastIndex = close + 1;
        }
      }
    }
    while (nl !== -1) {
      this.endLine();
      nl = s.indexOf('\n', nl + 1);
    }
    const lastNl = s.lastIndexOf('\n');
    this.tail = s.slice(Math.max(lastNl + 1, s.length - TAIL));
  }

  /** the candidate lines, in order */
  finish(): number[] {
    return this.lines;
  }

  private endLine(): void {
    this.line++;
    this.seen = 0;
    this.flagged = false;
  }
}

/** The candidate lines of a file, read in the background (while the layout pass and DuckDB read the same file): a
 *  .gz has them from its count (file-scan.ts), a plain file is read once more, on a worker thread when the built
 *  worker is there (dist/), else on this one. */
export async function scanDuplicateKeys(path: string): Promise<number[]> {
  const worker = new URL('./duplicate-worker.js', import.meta.url);
  if (existsSync(worker)) {
    return new Promise<number[]>((resolve, reject) => {
      const w = new Worker(worker, { workerData: { path } });
      w.once('message', (lines: number[]) => resolve(lines));
      w.once('error', reject);
      // an exit before the message (whatever its code) settles the scan too: never a promise left hanging
      w.once('exit', (code) => reject(new Error(`the duplicate-key scan of ${path} stopped (exit ${code}) before it answered`)));
    });
  }
  const scan = new DuplicateKeyScan();
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) scan.push(chunk as Buffer);
  return scan.finish();
}

export interface Member {
  key: string;
  /** the member as written: `"key": value` */
  text: string;
  /** the value as written (JSON text) */
  value: string;
}

/** The top-level members of a JSON object line, as written (no value parsed, so numbers keep their digits); null
 *  when the line is not one well-formed object. */
export function topLevelMembers(line: string): Member[] | null {
  let i = 0;
  const n = line.length;
  const ws = (): void => {
    while (i < n && (line[i] === ' ' || line[i] === '\t' || line[i] === '\r' || line[i] === '\n' || line[i] === '\uFEFF')) i++;
  };
  const str = (): boolean => {
    if (line[i] !== '"') return false;
    for (i++; i < n; i++) {
      if (line[i] === '\\') i++;
      else if (line[i] === '"') {
        i++;
        return true;
      }
    }
    return false;
  };
  const value = (): boolean => {
    if (line[i] === '"') return str();
    let depth = 0;
    while (i < n) {
      const c = line[i]!;
      if (c === '"') {
        if (!str()) return false;
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) return true;
        depth--;
      } else if (c === ',' && depth === 0) return true;
      i++;
      if (depth === 0 && (c === '}' || c === ']')) return true;
    }
    return depth === 0;
  };
  ws();
  if (line[i] !== '{') return null;
  i++;
  const members: Member[] = [];
  ws();
  if (line[i] === '}') return members;
  for (;;) {
    ws();
    const k0 = i;
    if (!str()) return null;
    let key: string;
    try {
      key = JSON.parse(line.slice(k0, i)) as string;
    } catch {
      return null;
    }
    ws();
    if (line[i] !== ':') return null;
    i++;
    ws();
    const v0 = i;
    if (!value()) return null;
    const value_ = line.slice(v0, i).trimEnd();
    members.push({ key, text: line.slice(k0, v0) + value_, value: value_ });
    ws();
    if (line[i] === ',') {
      i++;
      continue;
    }
    if (line[i] === '}') return members;
    return null;
  }
}

const CANONICAL = new Set<string>(CANONICAL_KEYS);

export interface Deduplicated {
  /** the object with each repeated canonical key's last member only (what a JSON.parse consumer reads) */
  json: string;
  /** JSON: repeated key → every value in line order */
  duplicates: string;
  keys: string[];
}

/** The line with each repeated top-level canonical key kept once, at its last value; null when none repeats. */
export function deduplicate(line: string): Deduplicated | null {
  const members = topLevelMembers(line);
  if (!members) return null;
  const byKey = new Map<string, Member[]>();
  for (const m of members) {
    if (!CANONICAL.has(m.key)) continue;
    const group = byKey.get(m.key); // pushed, not copied: a line repeating one key 1M times must stay linear
    if (group) group.push(m);
    else byKey.set(m.key, [m]);
  }
  const repeated = [...byKey].filter(([, ms]) => ms.length > 1);
  if (repeated.length === 0) return null;
  const drop = new Set<Member>(repeated.flatMap(([, ms]) => ms.slice(0, -1)));
  return {
    json: `{${members.filter((m) => !drop.has(m)).map((m) => m.text).join(',')}}`,
    duplicates: `{${repeated.map(([k, ms]) => `${JSON.stringify(k)}:[${ms.map((m) => m.value).join(',')}]`).join(',')}}`,
    keys: repeated.map(([k]) => k),
  };
}
