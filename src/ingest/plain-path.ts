// DuckDB's readers expand glob patterns (`*`, `?`, `[…]`) and read URLs in the paths they are given: a file
// called `events[1].ndjson` would be read as `events1.ndjson`, one called `*.ndjson` as every file beside it.
// A path that could be taken for either is handed to DuckDB as a symlink with a plain name in a private folder.
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface PlainPath {
  /** what to give DuckDB: the path itself, or the symlink */
  path: string;
  release(): Promise<void>;
}

const SPECIAL = /[*?[\]{}]|:\/\//;

export async function plainPath(path: string): Promise<PlainPath> {
  if (!SPECIAL.test(path)) return { path, release: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), 'jwt-forensics-alias-'));
  const alias = join(dir, 'input');
  await symlink(resolve(path), alias);
  return { path: alias, release: () => rm(dir, { recursive: true, force: true }) };
}
