// `inspect`: what one token says about itself and what the store knows of it — the registry's verdict on its
// signature (with a confirmed algorithm confusion named), the stored findings that involve it, and where the logs
// saw it. Without a store it only decodes, and DuckDB is never started.
import { existsSync } from 'node:fs';
import type { Finding, Severity } from '../findings/finding.js';
import type { VerifyOptions } from '../jwt/verify.js';
import type { Policy } from '../policy/policy.js';
import type { Store } from '../store/db.js';
import type { TokenLink } from '../store/findings.js';
import { isoSeconds } from '../store/iso-sql.js';
import type { DecodedToken, KeyRecord, VerifyResult } from '../types.js';

/** The signature segment: its decoded size, or why it has none. `bytes` is null when it is not base64url. */
export interface SignatureSegment {
  segment: 'present' | 'empty' | 'missing' | 'not-base64url';
  bytes: number | null;
}

/** A confirmed algorithm confusion: the token's HMAC verifies with this registry public key as the secret. */
export interface AlgConfusion {
  kid: string;
  thumbprint: string;
  /** the byte form of the public key used as the secret (pem-spki, der-spki, jwk-json, …) */
  form: string;
}

export type Verification =
  | (VerifyResult & { store: string; alg_confusion: AlgConfusion | null })
  | { status: 'not-checked'; why: string };

/** One stored finding involving the token, and how it does (store/findings.ts `TokenLink`). */
export interface InspectFinding {
  id: string;
  severity: Severity;
  check: string;
  title: string;
  first_seen: string | null;
  last_seen: string | null;
  link: TokenLink;
}

/** What the store knows of the token beyond its signature; null without a store. */
export interface StoreKnowledge {
  path: string;
  /** false when no check has run on the store: no findings is then no news */
  checks_run: boolean;
  /** checks whose stored findings were made from other sources, another policy or tool version, with why */
  stale: { check: string; why: string }[];
  findings: InspectFinding[];
  /** events carrying the token, how many were accepted, first and last (ISO-8601 UTC) */
  events: { total: number; accepted: number; first: string | null; last: string | null };
  captures: number;
}

export async function verifyIfStore(d: DecodedToken, db: string, policy: Policy, opts: VerifyOptions):
Promise<{ verification: Verification; store: StoreKnowledge | null }> {
  if (db !== ':memory:' && !existsSync(db)) return { verification: { status: 'not-checked', why: `no store at ${db}` }, store: null };
  const { Store } = await import('../store/db.js');
  const store = await Store.open(db, { readOnly: true });
  try {
    return { verification: await verifyAgainst(store, d, db, opts), store: await knowledge(store, d, db, policy) };
  } finally {
    store.close();
  }
}

async function verifyAgainst(store: Store, d: DecodedToken, db: string, opts: VerifyOptions): Promise<Verification> {
  const [{ loadKeys }, { verifyTokens }] = await Promise.all([import('../store/key-registry.js'), import('../jwt/verify.js')]);
  const keys = await loadKeys(store);
  const v = (await verifyTokens([d], keys, opts)).get(d.sha256);
  if (!v) return { status: 'not-checked', why: 'verifier returned nothing' };
  // an oct key's thumbprint is a hash of the secret (an offline oracle for it): named by its kid only
  const secret = v.jkt ? keys.some((k) => k.isSecret && k.thumbprint === v.jkt) : false;
  return { ...v, ...(secret ? { jkt: null } : {}), store: db, alg_confusion: await algConfusion(d, v, keys) };
}

/** As the alg-confusion check decides it: an HMAC token no registry key verified, tried with every public key. */
async function algConfusion(d: DecodedToken, v: VerifyResult, keys: readonly KeyRecord[]): Promise<AlgConfusion | null> {
  if (!d.ok || v.status === 'valid' || d.signatureLength <= 0 || !/^HS(256|384|512)$/i.test(d.alg ?? '')) return null;
  const { confirmWithPublicKeys } = await import('../checks/alg-confusion.js');
  const publicKeys = keys.filter((k) => k.kty !== 'oct').map((k) => ({ kid: k.kid, thumbprint: k.thumbprint, jwk: JSON.stringify(k.jwk) }));
  return confirmWithPublicKeys(d.raw, d.alg!, publicKeys);
}

const SEEN_SQL = `SELECT count(*) AS total, count(*) FILTER (WHERE outcome = 'success') AS accepted,
  ${isoSeconds('min(ts)')} AS first, ${isoSeconds('max(ts)')} AS last,
  (SELECT count(*) FROM captures WHERE token_sha = $sha) AS captures
FROM events WHERE token_sha = $sha`;

async function knowledge(store: Store, d: DecodedToken, db: string, policy: Policy): Promise<StoreKnowledge> {
  const [{ countFindings, findingsForToken }, { staleChecks }, { anyRun }] = await Promise.all([
    import('../store/findings.js'), import('./check-store.js'), import('../store/runs.js'),
  ]);
  // a check run that found nothing leaves no finding: the runs say whether any check ran
  const checksRun = (await countFindings(store)) > 0 || (await anyRun(store));
  const linked = checksRun ? await findingsForToken(store, { sha256: d.sha256, fingerprint: d.fingerprint, jti: d.jti }) : [];
  const stale = checksRun ? (await staleChecks(store, policy)).map((s) => ({ check: s.check.id, why: s.why })) : [];
  const seen = await store.one<{ total: bigint; accepted: bigint; first: string | null; last: string | null; captures: bigint }>(
    SEEN_SQL, { sha: d.sha256 },
  );
  return {
    path: db,
    checks_run: checksRun,
    stale,
    findings: linked.map(({ finding, link }) => inspectFinding(finding, link)),
    events: { total: Number(seen?.total ?? 0), accepted: Number(seen?.accepted ?? 0), first: seen?.first ?? null, last: seen?.last ?? null },
    captures: Number(seen?.captures ?? 0),
  };
}

function inspectFinding(f: Finding, link: TokenLink): InspectFinding {
  return { id: f.id, severity: f.severity, check: f.check, title: f.title, first_seen: f.first_seen, last_seen: f.last_seen, link };
}
