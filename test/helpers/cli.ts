// Run the built CLI (bin/ → dist/) as a user would, capturing stdout, stderr and the exit code.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/jwt-forensics.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { input?: string; env?: Record<string, string>; cwd?: string } = {}): CliResult {
  // tables fit COLUMNS when it is set: a test's output must not depend on the terminal it was started from
  const { COLUMNS: _columns, ...env } = process.env;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: opts.input ?? '',
    encoding: 'utf8',
    cwd: opts.cwd,
    env: { ...env, NO_COLOR: '1', ...opts.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
