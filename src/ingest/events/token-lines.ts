// The text of the new tokens of an events file (or part). Events carry only sha256(token); for each new sha256
// the first line that carries it is read again (by offset in a whole file, by a scan in a part) and projected the
// same way, which gives the token: tens of thousands of lines, not the file. Its sha256 must match the events'.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../../store/db.js';
import { lap } from '../../util/profile.js';
import { PlacementError } from './insert-part.js';
import { linesOf } from './line-scan.js';
import { distinctSql, READER, readerParams, type StageSpec } from './ndjson-stage.js';
import type { RawToken } from '../register-tokens.js';
import type { LinePart } from './split-lines.js';

const NEWLINE = Buffer.from('\n');

export interface TokenLine {
  sha: string;
  /** the first line of the part that carries the token */
  line: number;
}

/** The part's tokens (by sha256) that are neither in the store nor in `seen`, each with its first line. */
export async function newTokenLines(store: Store, part: LinePart, sid: number, seen: ReadonlySet<string>): Promise<TokenLine[]> {
  const firsts = await store.all<{ sha: string; line: bigint }>(
    `SELECT token_sha AS sha, min(line) AS line FROM events e
     WHERE source_id = $sid AND line BETWEEN $first AND $last AND token_sha IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.sha256 = e.token_sha)
     GROUP BY token_sha ORDER BY line`,
    { sid, first: part.firstLine, last: part.firstLine + part.lines - 1 },
  );
  return firsts.filter((r) => !seen.has(r.sha)).map((r) => ({ sha: r.sha, line: Number(r.line) }));
}

/** The texts of these tokens, read again from their lines; each is added to `seen`. */
export async function tokenTexts(
  store: Store,
  part: LinePart,
  spec: StageSpec,
  wanted: readonly TokenLine[],
  seen: Set<string>,
  recovered: ReadonlyMap<number, string>,
  dir: string,
): Promise<RawToken[]> {
  if (wanted.length === 0) return [];
  const picked = await linesOf(part, wanted.map((r) => r.line));
  lap(`tokens: ${wanted.length} first lines read again`);
  // The picked lines go through the same reader and projection, as a small file of their own.
  const lines = wanted.map((r) => (recovered.has(r.line) ? Buffer.from(recovered.get(r.line)!) : (picked.get(r.line) ?? Buffer.alloc(0))));
  const longest = lines.reduce((n, b) => Math.max(n, b.length), 0);
  const path = join(dir, `tokens-${wanted[0]!.line}.ndjson`);
  await writeFile(path, Buffer.concat(lines.flatMap((b) => [b, NEWLINE])), { mode: 0o600 });
  try {
    const { sql, params } = distinctSql(spec, 'token', READER);
    const rows = await store.all<{ sha: string; raw: string }>(`SELECT sha256(token) AS sha, token AS raw FROM (${sql})`, {
      ...params,
      ...readerParams({ path, gzip: false, longest }),
    });
    const raw = new Map(rows.map((r) => [r.sha, r.raw]));
    const out: RawToken[] = [];
    for (const r of wanted) {
      const token = raw.get(r.sha);
      if (token === undefined) throw new PlacementError(`the token of line ${r.line} was not there when the line was read again`);
      seen.add(r.sha);
      out.push({ sha256: r.sha, raw: token });
    }
    lap(`tokens: ${out.length} new`);
    return out.sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0));
  } finally {
    await rm(path, { force: true });
  }
}
