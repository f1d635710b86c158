import { Command } from 'commander';
import { globals, outFor, secretsOption } from '../context.js';

// `--format` and `--min-severity` are the program's global options: named in the help text, not declared again.
export function actionsCommand(): Command {
  return secretsOption(new Command('actions'), false)
    .description('what to act on: keys to revoke or rotate, token ids to deny-list, sessions and subjects to revoke, addresses to block or review, client builds to upgrade; --format table (default), json, csv, ndjson, markdown; from findings at high or above (--min-severity moves it)')
    .addHelpText('after', [
      '',
      'Examples:',
      '  jwt-forensics actions',
      '  jwt-forensics actions --min-severity critical --format csv > actions.csv',
      "  jwt-forensics actions --format ndjson | jq -r 'select(.action == \"revoke-subject\") | .sub'",
      '',
      'docs/containment.md: what each action means, and revocation scripts for Okta, Auth0, Keycloak and Entra ID.',
    ].join('\n'))
    .action(async (opts: { secrets?: string[] }, cmd: Command) => {
      const { runActions } = await import('../run-actions.js');
      const g = globals(cmd);
      await runActions(opts, g, outFor(g));
    });
}
