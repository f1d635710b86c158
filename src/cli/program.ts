// The commander program: global options once, one file per command, each loaded only when it runs
// (so `--help` and `inspect` never start DuckDB).
import { Command, Option } from 'commander';
import { TOOL_VERSION } from '../version.js';
import { checkCommand, checkKeysCommand } from './commands/check.js';
import { ingestCommand } from './commands/ingest.js';
import { inspectCommand } from './commands/inspect.js';
import { investigateCommand } from './commands/investigate.js';
import { queryCommand } from './commands/query.js';

export function buildProgram(): Command {
  const program = new Command('jwt-forensics')
    .description('Forensic investigation of JWT-based authentication: tokens, auth logs, keys, findings.')
    .version(TOOL_VERSION)
    .addOption(new Option('--db <file>', 'the DuckDB store').env('JWT_FORENSICS_DB').default('./jwt-forensics.duckdb'))
    .option('--config <file>', 'policy file (JSON)')
    .option('--format <format>', 'output format: table, json, ndjson, markdown, csv (where it makes sense)')
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('--quiet', 'no status messages on stderr')
    .showHelpAfterError()
    .exitOverride();
  for (const make of [investigateCommand, ingestCommand, checkCommand, checkKeysCommand, inspectCommand, queryCommand]) {
    program.addCommand(make().exitOverride());
  }
  return program;
}
