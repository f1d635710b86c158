import { Command } from 'commander';
import { globals, outFor } from '../context.js';

export function investigateCommand(): Command {
  return new Command('investigate')
    .description('ingest an incident bundle and summarise what happened (the main job)')
    .argument('<path...>', 'files or folders of logs, captures, keys, rotation records and revocations')
    .action(async (paths: string[], _opts: unknown, cmd: Command) => {
      const { runInvestigate } = await import('../run-investigate.js');
      const g = globals(cmd);
      await runInvestigate(paths, g, outFor(g));
    });
}
