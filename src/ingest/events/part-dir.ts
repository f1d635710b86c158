// The private folder a file's parts are cut into (they hold raw tokens). Its name carries the process id, so a
// folder left by a killed ingest is found and removed by the next one (src/util/pid-dir.ts).
import { makePidDir } from '../../util/pid-dir.js';

export function makePartDir(): Promise<string> {
  return makePidDir('jwt-forensics-parts-');
}
