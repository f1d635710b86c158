import { Command } from 'commander';
import { globals, outFor } from '../context.js';

export function queryCommand(): Command {
  return new Command('query')
    .description('read-only SQL over the store (tables: sources, events, tokens, keys, key_events, revocations, captures, rejects, findings, ip_locations)')
    .argument('<sql>', 'one SQL statement; writes are refused')
    .action(async (sql: string, _opts: unknown, cmd: Command) => {
      const { runQuery } = await import('../run-query.js');
      const g = globals(cmd);
      await runQuery(sql, g, outFor(g));
    });
}
