// The output formats each command accepts, the first its default: one list for the command's own check (formatOf)
// and for its --help. Imports nothing, so `--help` stays as light as it is.
export const COMMAND_FORMATS = {
  investigate: ['table', 'json'],
  ingest: ['table', 'json'],
  check: ['table', 'json', 'ndjson', 'markdown'],
  'check-keys': ['table', 'json', 'ndjson', 'markdown'],
  report: ['markdown', 'json', 'html', 'sarif', 'junit'],
  actions: ['table', 'json', 'csv', 'ndjson', 'markdown'],
  inspect: ['table', 'json'],
  query: ['table', 'json', 'ndjson', 'csv'],
  timeline: ['table', 'json', 'ndjson', 'markdown', 'csv'],
  verify: ['table', 'json'],
} as const;

export type CommandName = keyof typeof COMMAND_FORMATS;

/** The help line: "--format: table (default), json". */
export function formatsHelp(command: CommandName): string {
  const [first, ...rest] = COMMAND_FORMATS[command];
  return `\n--format here: ${[`${first} (default)`, ...rest].join(', ')}`;
}
