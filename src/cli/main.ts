// The one exit point: commands throw typed errors, this maps them to exit codes 0/1/2 (DESIGN.md).
import { CommanderError } from 'commander';
import { GateFailed, InputError, UsageError } from '../errors.js';
import { guardOutput } from './output.js';
import { buildProgram } from './program.js';

export async function main(argv: string[]): Promise<number> {
  // Everything this tool writes holds evidence (the store, its WAL and spill files, reports): owner-only.
  process.umask(0o077);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    return report(err);
  }
}

/** Messages name files, lines and values from the input: the output guard strips controls and raw tokens. */
const say = (text: string): void => void process.stderr.write(guardOutput(text));

function report(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander has already printed its message (or the help/version text)
    return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
  }
  if (err instanceof GateFailed) {
    say(`jwt-forensics: ${err.message}\n`);
    return 1;
  }
  if (err instanceof UsageError || err instanceof InputError) {
    say(`jwt-forensics: ${err.message}\n`);
    return 2;
  }
  const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
  say(`jwt-forensics: internal error: ${msg}\n`);
  if (process.env.JWT_FORENSICS_DEBUG && err instanceof Error) say(`${err.stack}\n`);
  return 2;
}
