// What writes to the process: stdout for results, stderr for status, colour only on a terminal (and never the input's).
import { Chalk, type ChalkInstance } from 'chalk';
import { stripControl, stripControlKeepColour } from '../util/sanitize.js';

export interface Out {
  /** results: stdout */
  write(text: string): void;
  /** status and progress: stderr */
  status(text: string): void;
  color: ChalkInstance;
  quiet: boolean;
}

export function makeOut(opts: { color?: boolean; quiet?: boolean }): Out {
  const useColor = opts.color !== false && !process.env.NO_COLOR && process.stdout.isTTY === true;
  return {
    // Values from logs are stripped where they enter a cell or line; what reaches here may carry our own colours.
    write: (text) => void process.stdout.write(useColor ? stripControlKeepColour(text) : stripControl(text)),
    status: (text) => {
      if (!opts.quiet) process.stderr.write(stripControl(text));
    },
    color: new Chalk({ level: useColor ? 1 : 0 }),
    quiet: opts.quiet === true,
  };
}
