// What writes to the process: stdout for results, stderr for status, colour only on a terminal (and never the input's).
// Every text passes the one output guard on its way: no control character a terminal would obey, and no raw token
// (a JWT anywhere in the text becomes its fingerprint) unless the user asked for raw tokens (`--include-raw`).
import { Chalk, type ChalkInstance } from 'chalk';
import { redactOutput } from '../util/redact.js';
import { stripControl, stripControlKeepColour } from '../util/sanitize.js';

export interface Out {
  /** results: stdout */
  write(text: string): void;
  /** status and progress: stderr (never raw tokens, whatever the options) */
  status(text: string): void;
  color: ChalkInstance;
  quiet: boolean;
  /** `--include-raw`: results may carry raw tokens (status lines never do) */
  includeRaw: boolean;
}

export interface OutOptions {
  color?: boolean;
  quiet?: boolean;
  /** `--include-raw` where a command has it: write() leaves raw tokens in */
  includeRaw?: boolean;
}

/** The guard every output goes through: `includeRaw` keeps raw tokens, nothing keeps control characters. */
export function guardOutput(text: string, opts: { includeRaw?: boolean; colour?: boolean } = {}): string {
  const clean = opts.colour ? stripControlKeepColour(text) : stripControl(text);
  return opts.includeRaw ? clean : redactOutput(clean);
}

export function makeOut(opts: OutOptions): Out {
  const useColor = opts.color !== false && !process.env.NO_COLOR && process.stdout.isTTY === true;
  const includeRaw = opts.includeRaw === true;
  return {
    // Values from logs are stripped where they enter a cell or line; what reaches here may carry our own colours.
    write: (text) => void process.stdout.write(guardOutput(text, { includeRaw, colour: useColor })),
    status: (text) => {
      if (!opts.quiet) process.stderr.write(guardOutput(text));
    },
    color: new Chalk({ level: useColor ? 1 : 0 }),
    quiet: opts.quiet === true,
    includeRaw,
  };
}
