import { Command } from 'commander';
import { globals, outFor } from '../context.js';
import type { TimelineQuery } from '../../timeline/types.js';

export function timelineCommand(): Command {
  return new Command('timeline')
    .description('one ordered story of a token (its refresh family and session), subject, session or IP, findings inline')
    .option('--jti <jti>', 'a token by jti, with its refresh family (parents and children) and its session')
    .option('--sub <sub>', 'every event of a subject')
    .option('--sid <sid>', 'every event of a session')
    .option('--ip <ip>', 'every event from an IP address')
    .option('--token <fingerprint>', 'one token by fingerprint (12 hex digits, as check and inspect print it)')
    .option('--since <time>', 'only from this ISO-8601 date or time on (UTC unless it says otherwise)')
    .option('--until <time>', 'only up to this ISO-8601 date or time (a bare date includes that whole day)')
    .option('--secrets <file>', 'the lists of secrets the findings were checked with (as given to check or investigate), for a re-check under the same policy; repeatable', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (opts: TimelineQuery & { secrets?: string[] }, cmd: Command) => {
      const { runTimeline } = await import('../run-timeline.js');
      const g = globals(cmd);
      await runTimeline(opts, g, outFor(g));
    });
}
