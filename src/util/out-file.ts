// Writing a file the user named (`report --out FILE`, the files of `investigate --out DIR`): never through a link
// someone planted at that name. The text goes into a fresh file beside it (exclusive create, no link followed) and is
// renamed over the name, which replaces whatever entry is there rather than writing where it points; a name that
// already is a symbolic link, or not a regular file, is refused with a message instead.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, lstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

/** `mode` (less the umask) is the new file's: a fresh file, whatever the mode of the one it replaces. */
export function writeOutFile(path: string, text: string, mode = 0o644): void {
  refuseLink(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  // O_EXCL with O_CREAT fails on any existing entry, a link included; O_NOFOLLOW says so twice where it exists
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode);
  try {
    try {
      const bytes = Buffer.from(text, 'utf8');
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    } finally {
      closeSync(fd);
    }
    refuseLink(path); // planted while we wrote: say so rather than replace it silently
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function refuseLink(path: string): void {
  const entry = lstatSync(path, { throwIfNoEntry: false });
  if (entry?.isSymbolicLink()) {
    throw new UsageError(`${path} is a symbolic link: a report is never written through a link (remove it, or choose another --out)`);
  }
  if (entry && !entry.isFile()) throw new UsageError(`${path} exists and is not a regular file: not overwritten (choose another --out)`);
}
