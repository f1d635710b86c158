// A .gz input is decompressed in JS (the scan, the splitter, the line reader); what it may expand to is capped, so
// a small file cannot become hours of ingest or a full disk: a 400 KB .gz of one repeated line is 23 million
// events. Refused past a total (JWT_FORENSICS_MAX_GUNZIP, default 64 GiB) or, once more than 64 MiB has come out,
// past 100 times its size on disk (JWT_FORENSICS_MAX_GUNZIP_RATIO; real logs compress 5–30×). The file is
// refused whole (nothing of it loads, exit 2 at the end) and the other files load.
import { InputError } from '../errors.js';

/** Decompressed bytes past which the ratio is enforced: a small file is quick whatever its ratio. */
export const RATIO_FLOOR = 64 * 1024 * 1024;
const DEFAULT_RATIO = 100;
const DEFAULT_TOTAL = 64 * 1024 ** 3;

/** The file's content is more than the limits allow: refused whole, the other files still load. */
export class GunzipLimitError extends InputError {}

export interface GunzipLimits {
  total: number;
  ratio: number;
}

const UNITS: Record<string, number> = { '': 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4 };

export function gunzipLimits(env: NodeJS.ProcessEnv = process.env): GunzipLimits {
  return { total: sizeEnv(env, 'JWT_FORENSICS_MAX_GUNZIP', DEFAULT_TOTAL), ratio: ratioEnv(env, 'JWT_FORENSICS_MAX_GUNZIP_RATIO', DEFAULT_RATIO) };
}

function sizeEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name]?.trim();
  if (!v) return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?$/i.exec(v);
  if (!m) throw new InputError(`${name} must be a size such as 100GB or 512MiB, not ${JSON.stringify(v.slice(0, 20))}`);
  return Number(m[1]) * UNITS[(m[2] ?? '').toUpperCase()]!;
}

function ratioEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name]?.trim();
  if (!v) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`${name} must be a positive number (the most a .gz may expand, as a multiple of its size), not ${JSON.stringify(v.slice(0, 20))}`);
  return n;
}

/** A check to call with the decompressed byte count so far: throws GunzipLimitError naming the file when over. */
export function gunzipGuard(label: string, storedBytes: number, limits: GunzipLimits = gunzipLimits()): (outBytes: number) => void {
  const ratioCap = Math.max(RATIO_FLOOR, limits.ratio * storedBytes);
  const cap = Math.min(limits.total, ratioCap);
  return (outBytes) => {
    if (outBytes <= cap) return;
    const why = cap === limits.total
      ? `more than the ${size(limits.total)} a .gz input may expand to (JWT_FORENSICS_MAX_GUNZIP)`
      : `more than ${limits.ratio}× its ${size(storedBytes)} on disk (JWT_FORENSICS_MAX_GUNZIP_RATIO): a decompression bomb?`;
    throw new GunzipLimitError(`${label}: refused: it decompresses to ${why}; nothing was loaded from it`);
  };
}

function size(n: number): string {
  for (const [unit, f] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (n >= f) return `${+(n / f).toFixed(1)} ${unit}`;
  return `${n} bytes`;
}
