// What the generator accumulates besides the event log: the answer key (planted incidents and near
// misses, for the README and tests), captures and revocations.
import type { IncidentKey } from './keys.js';
import type { Ctx } from './traffic.js';
import type { Minted } from './tokens.js';
import type { TsForm } from './world.js';

export interface Planted {
  /** "1a", "7", "N3" … as numbered in the README. */
  id: string;
  title: string;
  /** Expected check ids, the primary one first; empty for a near miss. */
  checks: string[];
  /** Checks that may also (rightly) fire on the same evidence. */
  alsoChecks?: string[];
  jti?: string;
  sub?: string;
  ts: number;
  outcome: string;
  detail: string;
}

export interface Capture {
  captured_at: number;
  token: string;
  source: string;
  note: string;
}

export interface Revocation {
  ts: number;
  tsForm?: TsForm;
  jti?: string;
  sub?: string;
  sid?: string;
  reason: string;
}

export interface Scenario extends Ctx {
  keys: Map<string, IncidentKey>;
  /** The exact bytes of keys/acme-2026-rsa.pem: the algorithm-confusion attacker's HMAC secret. */
  rsaPem: string;
  planted: Planted[];
  nearMisses: Planted[];
  /** captures/tokens.txt lines. */
  capturedTokens: string[];
  /** captures/proxy-capture.ndjson records. */
  proxyCaptures: Capture[];
  revocations: Revocation[];
}

export function capture(s: Scenario, t: Minted | string, captured_at: number, source: string, note: string): void {
  s.proxyCaptures.push({ captured_at, token: typeof t === 'string' ? t : t.token, source, note });
}
