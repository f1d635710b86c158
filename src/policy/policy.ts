// The investigation policy (`--config FILE`, JSON). Every default is here and in the README.
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

export type TokenKind = 'access' | 'refresh' | 'id' | 'offline';

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
  min_app_version: MinAppVersion | null;
  impossible_travel: {
    max_speed_kmh: number;
    min_distance_km: number;
    trusted_networks: string[];
    /** the uncertainty given to a place a log supplied (its `geo`), by how precise it is: coordinates with a city
     *  (city level), or only a country (country level). Geolocation is not a GPS fix. */
    log_geo_accuracy_km: { city: number; country: number };
  };
  failure_burst: {
    window_seconds: number;
    min_failures: number;
    /** on one IP, a burst needs this many distinct subjects or failure reasons besides min_failures (a NAT'd office
     *  waking with expired tokens is many failures from few reasons) */
    min_distinct_on_ip: number;
    /** a failure followed within this many seconds by a successful refresh for the same subject/client is a client
     *  renewing its token, not probing */
    refresh_followup_seconds: number;
  };
  /** same client and user agent presenting one refresh token again within this many seconds: a client retry (IdP
   *  reuse/grace intervals: Auth0, Okta, Cognito allow up to 60 s) */
  refresh_reuse_grace_seconds: number;
  /** how late after `exp` a resource server's framework may still accept a token (ASP.NET Core's default ClockSkew
   *  is 5 minutes); use later than clock_skew_seconds but within this is low, beyond it critical */
  verifier_skew_seconds: number;
  /** audience → its own verifier skew, seconds (overrides verifier_skew_seconds for uses at that audience) */
  verifier_skew_by_audience: Record<string, number>;
  /** private and internal networks (CIDR): a token presented from here by a server is relayed, not a new device */
  internal_networks: string[];
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
  /** weak-secret: user lists of secrets (paths, one secret a line) tried besides the shipped list, and the most HMACs
   *  (candidate secrets × distinct tokens) computed before the check stops and says how far it got */
  weak_secret: { lists: string[]; max_attempts: number };
}

/** A version floor (one version, or a comma-separated list of per-app minimums) and, optionally, when it takes effect:
 *  before `from` (ISO-8601) older builds are in their grace period. */
export type MinAppVersion = string | { version: string; from: string | null };

export const DEFAULT_POLICY: Policy = {
  clock_skew_seconds: 60,
  max_lifetime_seconds: { access: 86_400, id: 86_400, refresh: 7_776_000, offline: 7_776_000, other: 86_400 },
  allowed_algorithms: {},
  trusted_issuers: [],
  trusted_audiences: [],
  key_max_age_days: 365,
  key_overlap_max_days: 30,
  min_app_version: null,
  impossible_travel: {
    max_speed_kmh: 900,
    min_distance_km: 500,
    trusted_networks: [],
    log_geo_accuracy_km: { city: 100, country: 1000 },
  },
  failure_burst: { window_seconds: 120, min_failures: 10, min_distinct_on_ip: 3, refresh_followup_seconds: 60 },
  refresh_reuse_grace_seconds: 30,
  verifier_skew_seconds: 300,
  verifier_skew_by_audience: {},
  internal_networks: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '100.64.0.0/10', '::1/128', 'fc00::/7'],
  min_rsa_bits: 2048,
  min_hmac_bits: 256,
  retired_key_trusted: true,
  max_verify_candidates: 32,
  weak_secret: { lists: [], max_attempts: 5_000_000 },
};

/** What verification takes from the policy (src/jwt/verify.ts). */
export function verifyOptions(policy: Policy): { maxCandidates: number } {
  return { maxCandidates: policy.max_verify_candidates };
}

/** The policy with `--secrets FILE` lists appended to weak_secret.lists (the weak-secret check reads them). */
export function withSecretLists(policy: Policy, files: readonly string[] | undefined): Policy {
  if (!files?.length) return policy;
  return { ...policy, weak_secret: { ...policy.weak_secret, lists: [...policy.weak_secret.lists, ...files] } };
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
  if (def === null) return minAppVersion(value, where); // min_app_version, the one key defaulting to null
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
      if (open && NUMBER_MAPS.has(where.slice(where.lastIndexOf(' ') + 1))) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InputError(`${where}.${k} must be a non-negative number`);
        merged[k] = v;
      } else if (open) {
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

/** Open maps whose values are numbers (the others hold arrays of strings). */
const NUMBER_MAPS = new Set(['verifier_skew_by_audience']);

function minAppVersion(value: unknown, where: string): MinAppVersion | null {
  if (value === null || typeof value === 'string') return value;
  if (isObject(value) && typeof value.version === 'string') {
    const extra = Object.keys(value).filter((k) => k !== 'version' && k !== 'from');
    if (extra.length) throw new InputError(`${where}: unknown key '${extra[0]}' (known: version, from)`);
    const from = value.from ?? null;
    if (from !== null && (typeof from !== 'string' || Number.isNaN(Date.parse(from)))) {
      throw new InputError(`${where}.from must be an ISO-8601 time`);
    }
    return { version: value.version, from };
  }
  throw new InputError(`${where} must be a version string, {"version": ..., "from": ...} or null`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** policy.min_app_version in its object form (a bare string takes effect at once). */
export function appVersionFloor(policy: Policy): { version: string; from: string | null } | null {
  const v = policy.min_app_version;
  if (v === null) return null;
  return typeof v === 'string' ? { version: v, from: null } : v;
}
