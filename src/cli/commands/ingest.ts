import { Command } from 'commander';
import { globals, outFor } from '../context.js';

export function ingestCommand(): Command {
  return new Command('ingest')
    .description('load logs, token captures, keys, rotation records and revocations into the store (`-` = NDJSON on stdin)')
    .argument('<path...>', 'files or folders; `-` reads standard input')
    .option('--kind <kind>', 'skip detection: events, captures, jwks, pem, key-events, revocations')
    .action(async (paths: string[], opts: { kind?: string }, cmd: Command) => {
      const { runIngest } = await import('../run-ingest.js');
      const g = globals(cmd);
      await runIngest(paths, { ...g, kind: opts.kind }, outFor(g));
    });
}
