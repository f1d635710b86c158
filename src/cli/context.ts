// What every command needs from the global options.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseSeverity, type Severity } from '../findings/finding.js';
import { makeOut, type Out } from './output.js';

export interface Globals {
  db: string;
  config?: string;
  format?: string;
  color: boolean;
  quiet?: boolean;
  /** `--min-severity`: findings below it are not shown (still counted, and still gated by --fail-on) */
  minSeverity?: string;
  /** MaxMind City / ASN databases for GeoIP lookups (src/cli/geoip.ts) */
  geoip?: string;
  asn?: string;
}

export function globals(cmd: Command): Globals {
  return cmd.optsWithGlobals() as Globals;
}

/** The `--min-severity` level, checked: null when not given. */
export function minSeverityOf(g: Globals): Severity | null {
  if (g.minSeverity === undefined) return null;
  try {
    return parseSeverity(g.minSeverity);
  } catch (err) {
    throw new UsageError(`--min-severity: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** `includeRaw`: the command's `--include-raw` (report, query); every other output never carries raw tokens. */
export function outFor(g: Globals, opts: { includeRaw?: boolean } = {}): Out {
  return makeOut({ color: g.color, quiet: g.quiet, includeRaw: opts.includeRaw });
}

export function formatOf<T extends string>(g: Globals, allowed: readonly T[], fallback: T): T {
  const f = (g.format ?? fallback) as T;
  if (!allowed.includes(f)) throw new UsageError(`--format must be one of ${allowed.join(', ')} here; got '${f}'`);
  return f;
}

/** `--secrets FILE`, repeatable, on the commands that run (or re-run) the weak-secret check: `runs` for check and
 *  investigate, which try the lists; otherwise report and timeline, which re-check under the policy the findings were
 *  made with. */
export function secretsOption(cmd: Command, runs: boolean | 'keys'): Command {
  const help = runs === 'keys'
    ? "a list of secrets (one a line) the registry's oct keys are held against (weak-key) besides the shipped list; repeatable"
    : runs
      ? 'a list of secrets (one a line) the weak-secret check tries besides its own; repeatable'
      : 'the lists of secrets the findings were checked with (as given to check or investigate), for a re-check under the same policy; repeatable';
  return cmd.option('--secrets <file>', help, (v: string, acc: string[]) => [...acc, v], [] as string[]);
}
