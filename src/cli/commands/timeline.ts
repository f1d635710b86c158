import { Command } from 'commander';
import { globals, outFor, secretsOption } from '../context.js';
import type { TimelineQuery } from '../../timeline/types.js';

export function timelineCommand(): Command {
  return secretsOption(new Command('timeline'), false)
    .description(
      'one ordered story of a token (its refresh family and session), subject, session or IP, findings inline; ' +
        '--format table, json, ndjson, markdown or csv (one row per event, for Timeline Explorer and spreadsheets)',
    )
    .option(
      '--jti <jti>',
      'a token by jti, with its refresh family (parents and children) and its session; ' +
        'the start of a jti is enough when only one jti starts so (as tables print it: 8cc10cd7…)',
    )
    .option('--sub <sub>', 'every event of a subject (or the one subject starting so)')
    .option('--sid <sid>', 'every event of a session')
    .option('--ip <ip>', 'every event from an IP address')
    .option('--token <fingerprint>', 'one token by fingerprint (12 hex digits, as check and inspect print it, or the start of one; or its sha256)')
    .option('--since <time>', 'only from this ISO-8601 date or time on (UTC unless it says otherwise)')
    .option('--until <time>', 'only up to this ISO-8601 date or time (a bare date includes that whole day)')
    .action(async (opts: TimelineQuery & { secrets?: string[] }, cmd: Command) => {
      const { runTimeline } = await import('../run-timeline.js');
      const g = globals(cmd);
      await runTimeline(opts, g, outFor(g));
    });
}
