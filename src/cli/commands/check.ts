import { Command } from 'commander';
import { globals, outFor, secretsOption } from '../context.js';

export function checkCommand(): Command {
  return secretsOption(new Command('check'), true)
    .description('run the detection checks over the store and print the findings')
    .option('--only <ids>', 'comma-separated check ids to run')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above: critical, high, medium, low, info')
    .option('--strict', 'exit 2 when a signature or use check could not be evaluated (what it needs is not in the store)')
    .action(async (opts: { only?: string; failOn?: string; strict?: boolean; secrets?: string[] }, cmd: Command) => {
      const { runCheckCommand } = await import('../run-check.js');
      const g = globals(cmd);
      await runCheckCommand('detection', opts, g, outFor(g));
    });
}

export function checkKeysCommand(): Command {
  return secretsOption(new Command('check-keys'), 'keys')
    .description('audit the key registry: rotation gaps, overdue, retired/revoked/unknown keys still signing, weak keys')
    .option('--only <ids>', 'comma-separated check ids to run')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above: critical, high, medium, low, info')
    .option('--strict', 'exit 2 when a signature or use check could not be evaluated (what it needs is not in the store)')
    .action(async (opts: { only?: string; failOn?: string; strict?: boolean; secrets?: string[] }, cmd: Command) => {
      const { runCheckCommand } = await import('../run-check.js');
      const g = globals(cmd);
      await runCheckCommand('keys', opts, g, outFor(g));
    });
}
