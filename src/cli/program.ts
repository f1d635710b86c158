// The commander program: global options once, one file per command, each loaded only when it runs
// (so `--help` and `inspect` never start DuckDB).
import { Command, Option } from 'commander';
import { TOOL_VERSION } from '../version.js';
import { formatsHelp, type CommandName } from './formats.js';
import { guardOutput } from './output.js';
import { checkCommand, checkKeysCommand } from './commands/check.js';
import { ingestCommand } from './commands/ingest.js';
import { inspectCommand } from './commands/inspect.js';
import { investigateCommand } from './commands/investigate.js';
import { queryCommand } from './commands/query.js';
import { timelineCommand } from './commands/timeline.js';
import { reportCommand } from './commands/report.js';
import { verifyCommand } from './commands/verify.js';
import { actionsCommand } from './commands/actions.js';

export function buildProgram(): Command {
  const program = new Command('jwt-forensics')
    .description('Forensic investigation of JWT-based authentication: tokens, auth logs, keys, findings.')
    .version(TOOL_VERSION)
    .addOption(new Option('--db <file>', 'the DuckDB store').env('JWT_FORENSICS_DB').default('./jwt-forensics.duckdb'))
    .option('--config <file>', 'policy file (JSON)')
    .option('--format <format>', 'output format (each command\'s --help lists the formats it takes)')
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('--quiet', 'no status messages on stderr')
    .option('--min-severity <level>', 'show only findings at or above: critical, high, medium, low, info (the --fail-on gate still counts every finding)')
    // GeoIP is read from local MaxMind files only (never fetched); ingest, check and investigate use them
    .addOption(new Option('--geoip <file>', 'MaxMind City database (.mmdb) to place event IPs').env('JWT_FORENSICS_GEOIP'))
    .addOption(new Option('--asn <file>', 'MaxMind ASN database (.mmdb) for network owners').env('JWT_FORENSICS_ASN'))
    .showHelpAfterError()
    .configureOutput(GUARDED)
    .exitOverride();
  for (const make of [investigateCommand, ingestCommand, checkCommand, checkKeysCommand, reportCommand, inspectCommand, queryCommand, timelineCommand, actionsCommand, verifyCommand]) {
    // addCommand does not pass the output settings on: each command gets them itself. Its help shows the global
    // options (--db, --format, …) and the formats it takes.
    const cmd = make().configureOutput(GUARDED).exitOverride().configureHelp({ showGlobalOptions: true });
    program.addCommand(cmd.addHelpText('after', formatsHelp(cmd.name() as CommandName)));
  }
  return program;
}

/**
 * Commander's own messages echo argv (`unknown option '…'`), which may hold control sequences or a token: they go
 * through the output guard like every other message.
 */
const GUARDED = {
  writeOut: (text: string) => void process.stdout.write(guardOutput(text)),
  writeErr: (text: string) => void process.stderr.write(guardOutput(text)),
  outputError: (text: string, write: (text: string) => void) => write(text),
};
