// Private temp folders that hold raw tokens (the parts a big file is cut into, the copy of standard input). Each
// name carries the process id, so a folder left by a run that was killed (or could not clean up) is found and
// removed by the next run that makes one of its kind, and never one a live run is using.
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder `<TMPDIR>/<prefix><pid>-XXXXXX` (0700), after removing the ones of `prefix` whose process is gone. */
export async function makePidDir(prefix: string): Promise<string> {
  await sweepStale(prefix);
  return mkdtemp(join(tmpdir(), `${prefix}${process.pid}-`)); // mkdtemp makes it 0700
}

/** Removes the folders of `prefix` left by processes that are no longer alive. */
export async function sweepStale(prefix: string): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Removes a folder now, synchronously: usable in `finally` and in an `exit` handler, where async work never runs. */
export function removeNow(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // left for the next run's sweep
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // someone else's live process
  }
}
