// The investigation policy (`--config FILE`, JSON). Every default is here and in the README.
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

export type TokenKind = 'access' | 'refresh' | 'id';

export interface Policy {
  /** leeway for exp/nbf/iat comparisons, seconds */
  clock_skew_seconds: number;
  /** longest acceptable exp - iat per token kind, seconds; `other` for tokens of unknown kind */
  max_lifetime_seconds: Record<TokenKind | 'other', number>;
  /** issuer → allowed `alg` values; `*` applies to issuers not listed. Empty: any asymmetric or HMAC alg jose supports. */
  allowed_algorithms: Record<string, string[]>;
  /** issuers the investigated services trust; empty: any issuer seen in a key-verified token */
  trusted_issuers: string[];
  /** audiences the investigated APIs accept; empty: not checked */
  trusted_audiences: string[];
  /** a key older than this (since created/activated) is overdue for rotation */
  key_max_age_days: number;
  /** two keys of one issuer active together longer than this is a rotation gap */
  key_overlap_max_days: number;
  /** lowest app version allowed to refresh or use tokens; null: not checked */
  min_app_version: string | null;
  impossible_travel: { max_speed_kmh: number; min_distance_km: number; trusted_networks: string[] };
  failure_burst: { window_seconds: number; min_failures: number };
  /** RSA keys below this many bits are weak */
  min_rsa_bits: number;
  /** oct (HMAC) secrets below this many bits are weak */
  min_hmac_bits: number;
  /**
   * Is a retired key still trusted for tokens it signed before its retirement, for the rest of their lifetime? true
   * (the default): that is rotation overlap, what OpenID Connect's published-but-retired keys are for; false: a
   * retirement ends trust, so any acceptance after it is a finding.
   */
  retired_key_trusted: boolean;
  /** distinct keys (by material) tried for one token: its kid's keys, or every key fitting its alg when it names no
   *  kid; past this many without a match, the token is left sig_status 'unknown-key', sig_detail
   *  'too-many-candidates' (verification costs tokens × candidates) */
  max_verify_candidates: number;
}

export const DEFAULT_POLICY: Policy = {
  clock_skew_seconds: 60,
  max_lifetime_seconds: { access: 86_400, id: 86_400, refresh: 7_776_000, other: 86_400 },
  allowed_algorithms: {},
  trusted_issuers: [],
  trusted_audiences: [],
  key_max_age_days: 365,
  key_overlap_max_days: 30,
  min_app_version: null,
  impossible_travel: { max_speed_kmh: 900, min_distance_km: 500, trusted_networks: [] },
  failure_burst: { window_seconds: 120, min_failures: 10 },
  min_rsa_bits: 2048,
  min_hmac_bits: 256,
  retired_key_trusted: true,
  max_verify_candidates: 32,
};

/** What verification takes from the policy (src/jwt/verify.ts). */
export function verifyOptions(policy: Policy): { maxCandidates: number } {
  return { maxCandidates: policy.max_verify_candidates };
}

export function loadPolicy(path: string | undefined): Policy {
  if (!path) return DEFAULT_POLICY;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path}: cannot read the policy (${err instanceof Error ? err.message : String(err)})`);
  }
  return mergePolicy(raw, path);
}

/** Defaults, overridden by what the file sets; unknown keys and wrong types are errors that name the key. */
export function mergePolicy(raw: unknown, path = 'policy'): Policy {
  if (!isObject(raw)) throw new InputError(`${path}: the policy must be a JSON object`);
  const out = structuredClone(DEFAULT_POLICY) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(raw)) {
    if (key === '$schema' || key === 'comment') continue;
    if (!(key in out)) throw new InputError(`${path}: unknown policy key '${key}' (known: ${Object.keys(out).join(', ')})`);
    out[key] = mergeValue(out[key], value, `${path}: ${key}`);
  }
  return out as unknown as Policy;
}

function mergeValue(def: unknown, value: unknown, where: string): unknown {
  if (def === null) {
    if (value !== null && typeof value !== 'string') throw new InputError(`${where} must be a string or null`);
    return value;
  }
  if (typeof def === 'boolean') {
    if (typeof value !== 'boolean') throw new InputError(`${where} must be true or false`);
    return value;
  }
  if (typeof def === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InputError(`${where} must be a non-negative number`);
    return value;
  }
  if (Array.isArray(def)) {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new InputError(`${where} must be an array of strings`);
    return value;
  }
  if (isObject(def)) {
    if (!isObject(value)) throw new InputError(`${where} must be an object`);
    const merged: Record<string, unknown> = { ...def };
    const open = Object.keys(def).length === 0; // a map such as allowed_algorithms: any key
    for (const [k, v] of Object.entries(value)) {
      if (open) {
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new InputError(`${where}.${k} must be an array of strings`);
        merged[k] = v;
      } else {
        if (!(k in def)) throw new InputError(`${where}: unknown key '${k}' (known: ${Object.keys(def).join(', ')})`);
        merged[k] = mergeValue(def[k], v, `${where}.${k}`);
      }
    }
    return merged;
  }
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
