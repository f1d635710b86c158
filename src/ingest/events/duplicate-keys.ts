// A line that names a canonical field twice (`{"token":"A", …, "token":"B"}`): DuckDB's json_transform takes the
// FIRST value, json_merge_patch drops BOTH from `extra`, while a JSON.parse consumer (the service that logged it,
// most other tools) sees the LAST. DuckDB finds the lines that repeat a top-level canonical key while it reads them
// (ndjson-stage.ts `dup`: json_keys lists repeats); those lines are parsed after the bulk INSERT
// (duplicate-fix.ts) and only those that really repeat a canonical key are re-projected.

/** Top-level keys the canonical event stage reads (event-fields.ts); a repeat of any of them changes a column. */
export const CANONICAL_KEYS = [
  'ts', 'event', 'token', 'authorization', 'Authorization', 'jti', 'sub', 'sid', 'client_id', 'ip', 'ua',
  'app_version', 'aud', 'outcome', 'parent_jti', 'reason', 'geo', 'claims', 'header',
] as const;

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
