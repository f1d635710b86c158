// What every command needs from the global options.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { makeOut, type Out } from './output.js';

export interface Globals {
  db: string;
  config?: string;
  format?: string;
  color: boolean;
  quiet?: boolean;
  /** MaxMind City / ASN databases for GeoIP lookups (src/cli/geoip.ts) */
  geoip?: string;
  asn?: string;
}

export function globals(cmd: Command): Globals {
  return cmd.optsWithGlobals() as Globals;
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
