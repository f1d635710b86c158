import { Command } from 'commander';
import { globals, outFor } from '../context.js';

export function inspectCommand(): Command {
  return new Command('inspect')
    .description('decode one token without trusting it, and verify it against the store’s key registry when there is one')
    .argument('<token>', 'a compact JWT, or `-` to read it from standard input')
    .action(async (token: string, _opts: unknown, cmd: Command) => {
      const { runInspect } = await import('../run-inspect.js');
      const g = globals(cmd);
      await runInspect(token, g, outFor(g));
    });
}
