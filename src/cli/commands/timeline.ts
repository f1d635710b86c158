import { Command } from 'commander';
import { globals, outFor, secretsOption } from '../context.js';
import type { TimelineQuery } from '../../timeline/types.js';

export function timelineCommand(): Command {
  return secretsOption(new Command('timeline'), false)
    .description('one ordered story of a token (its refresh family and session), subject, session or IP, findings inline')
    .option('--jti <jti>', 'a token by jti, with its refresh family (parents and children) and its session')
    .option('--sub <sub>', 'every event of a subject')
    .option('--sid <sid>', 'every event of a session')
    .option('--ip <ip>', 'every event from an IP address')
    .option('--token <fingerprint>', 'one token by fingerprint (12 hex digits, as check and inspect print it)')
    .option('--since <time>', 'only from this ISO-8601 date or time on (UTC unless it says otherwise)')
    .option('--until <time>', 'only up to this ISO-8601 date or time (a bare date includes that whole day)')
    .action(async (opts: TimelineQuery & { secrets?: string[] }, cmd: Command) => {
      const { runTimeline } = await import('../run-timeline.js');
      const g = globals(cmd);
      await runTimeline(opts, g, outFor(g));
    });
}
