import { Command } from 'commander';
import { globals, outFor, secretsOption } from '../context.js';

// `--format` is the program's global option (commander would read it before this command could), so the formats
// are named in the help text rather than declared again here.
export function reportCommand(): Command {
  return secretsOption(new Command('report'), false)
    .description('write the incident report: --format markdown (default), json, html, sarif or junit')
    .option('--out <file>', 'write the report to this file (without it, or with `-`: standard output)')
    .option('--fail-on <severity>', 'exit 1 (after writing) when a finding is at or above: critical, high, medium, low, info; JUnit failures start there too (default high)')
    .option('--include-raw', 'put the raw token of each finding in its evidence (raw_token), and the secret a weak-secret finding found (secret); never registry key secrets')
    .option('--strict', 'exit 2 (after writing) when a signature or use check could not be evaluated (what it needs is not in the store)')
    .option('--sign-key <file>', 'with --out: sign the report with this private key (JWK or PEM: Ed25519, ES256 or RS256) into <file>.jws, a detached JWS naming the ledger head (docs/evidence.md)')
    .addHelpText('after', '\nExamples:\n  jwt-forensics report --format sarif --out findings.sarif --fail-on high\n  jwt-forensics report --format html --out report.html')
    .action(async (opts: { out?: string; failOn?: string; includeRaw?: boolean; strict?: boolean; secrets?: string[]; signKey?: string }, cmd: Command) => {
      const { runReport } = await import('../run-report.js');
      const g = globals(cmd);
      await runReport(opts, g, outFor(g, { includeRaw: opts.includeRaw }));
    });
}
