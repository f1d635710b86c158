import { Command } from 'commander';
import { globals, outFor } from '../context.js';

export function queryCommand(): Command {
  return new Command('query')
    .description('read-only SQL over the store (tables: sources, events, tokens, keys, key_events, revocations, captures, rejects, findings, ip_locations)')
    .argument('<sql>', 'one SQL statement that reads (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); writes are refused')
    .option('--include-raw', 'show raw tokens and key secrets as stored (otherwise fingerprints and [redacted])')
    .action(async (sql: string, opts: { includeRaw?: boolean }, cmd: Command) => {
      const { runQuery } = await import('../run-query.js');
      const g = globals(cmd);
      await runQuery(sql, opts, g, outFor(g, { includeRaw: opts.includeRaw }));
    });
}
