// The private folder a file's parts are cut into (they hold raw tokens). Its name carries the process id, so a
// folder left by a killed ingest is found and removed by the next one.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'jwt-forensics-parts-';

export async function makePartDir(): Promise<string> {
  await sweepStale();
  return mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`)); // mkdtemp makes it 0700
}

async function sweepStale(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^jwt-forensics-parts-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
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
