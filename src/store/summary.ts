// The store at a glance: what was loaded, and the tokens whose signatures do not hold but were accepted anyway.
import type { Store } from './db.js';
import { createUseViews } from './uses.js';
import { isoSeconds } from './iso-sql.js';

export interface StoreSummary {
  sources: number;
  events: number;
  rejects: number;
  first_event: string | null;
  last_event: string | null;
  subjects: number;
  ips: number;
  keys: number;
  key_events: number;
  revocations: number;
  captures: number;
  tokens: number;
  by_signature: Record<string, number>;
  /** the first SHOWN_SUSPICIOUS of them, by first acceptance */
  suspicious_accepted: SuspiciousToken[];
  /** how many there are in all (the list is cut) */
  suspicious_total: number;
  /** accepted tokens under a kid the rotation records know but the registry lacks: not verifiable, not forged by
   *  that alone (the unknown-key check's low finding), counted per kid apart from the list */
  unverifiable_known_kids: { kid: string; tokens: number; accepted_uses: number }[];
  /** accepted tokens known only by the claims a log recorded (sig_status not-captured): no signature to judge, not
   *  suspicious by that alone; counted apart from the list (a claims set tied to its raw token is that token) */
  claims_only_accepted: { tokens: number; accepted_uses: number };
}

export interface SuspiciousToken {
  token: string;
  alg: string | null;
  kid: string | null;
  sig_status: string;
  sig_detail: string | null;
  sub: string | null;
  accepted_uses: number;
  /** ISO-8601 UTC */
  first_accepted: string;
  /** the addresses that presented it (accepted or not), sorted; null for events without one left out */
  ips: string[];
}

const n = (v: unknown): number => Number(v ?? 0);

/** `skewSeconds`: the policy's clock-skew leeway, for placing a token's iat within its key's recorded life. */
export async function summarize(store: Store, skewSeconds = 0): Promise<StoreSummary> {
  const counts = await store.json<Record<string, unknown>>(`SELECT
      (SELECT count(*) FROM sources) AS sources, (SELECT count(*) FROM events) AS events,
      (SELECT count(*) FROM rejects) AS rejects, ${isoSeconds('(SELECT min(ts) FROM events)')} AS first_event,
      ${isoSeconds('(SELECT max(ts) FROM events)')} AS last_event, (SELECT count(DISTINCT sub) FROM events) AS subjects,
      (SELECT count(DISTINCT ip) FROM events) AS ips, (SELECT count(*) FROM keys) AS keys,
      (SELECT count(*) FROM key_events) AS key_events, (SELECT count(*) FROM revocations) AS revocations,
      (SELECT count(*) FROM captures) AS captures, (SELECT count(*) FROM tokens) AS tokens`);
  const c = counts[0]!;
  const sig = await store.json<{ sig_status: string; n: string }>(
    `SELECT sig_status, count(*) AS n FROM tokens GROUP BY sig_status ORDER BY sig_status`,
  );
  return {
    sources: n(c.sources),
    events: n(c.events),
    rejects: n(c.rejects),
    first_event: (c.first_event as string | null) ?? null,
    last_event: (c.last_event as string | null) ?? null,
    subjects: n(c.subjects),
    ips: n(c.ips),
    keys: n(c.keys),
    key_events: n(c.key_events),
    revocations: n(c.revocations),
    captures: n(c.captures),
    tokens: n(c.tokens),
    by_signature: Object.fromEntries(sig.map((r) => [r.sig_status, n(r.n)])),
    ...(await suspiciousAccepted(store, skewSeconds)),
  };
}

const SHOWN_SUSPICIOUS = 50;

/** Tokens without a valid signature that an event shows the server accepted: the first thing to look at. A token
 *  left unverified only because its kid, known from the rotation records, is missing from the registry is counted
 *  apart (the registry is incomplete, the token is not shown to be forged), as the unknown-key check tells them: signed
 *  within the key's recorded life (± the leeway), by a kid never revoked or compromised; every other is listed. */
async function suspiciousAccepted(
  store: Store,
  skew: number,
): Promise<Pick<StoreSummary, 'suspicious_accepted' | 'suspicious_total' | 'unverifiable_known_kids' | 'claims_only_accepted'>> {
  await createUseViews(store); // accepted means what it means in every finding: presented (src/store/uses.ts)
  await store.run(`CREATE OR REPLACE TEMP TABLE summary_accepted AS
     WITH life AS (
       SELECT kid, iss, min(ts) FILTER (WHERE action IN ('created', 'activated')) AS started,
         min(ts) FILTER (WHERE action = 'retired') AS retired,
         bool_or(action IN ('revoked', 'compromised')) AS ended
       FROM key_events GROUP BY kid, iss)
     SELECT t.fingerprint AS token, t.alg, t.kid, t.sig_status, t.sig_detail, t.sub,
            count(*) FILTER (WHERE e.outcome = 'success') AS accepted_uses,
            ${isoSeconds("min(e.ts) FILTER (WHERE e.outcome = 'success')")} AS first_accepted,
            list_sort(list_distinct(list(e.ip) FILTER (WHERE e.ip IS NOT NULL))) AS ips,
            coalesce(t.sig_status = 'unknown-key' AND t.sig_detail = 'no-key-for-kid' AND t.iat IS NOT NULL AND EXISTS (
              SELECT 1 FROM life l WHERE l.kid = t.kid AND (l.iss IS NULL OR l.iss = t.iss)
                AND NOT l.ended AND NOT EXISTS (SELECT 1 FROM life x WHERE x.kid = t.kid AND x.ended)
                AND (l.started IS NULL OR t.iat >= epoch(l.started) - $skew)
                AND (l.retired IS NULL OR t.iat <= epoch(l.retired) + $skew)), false) AS known_kid,
            t.sig_status = 'not-captured' AS claims_only
     FROM tokens t JOIN uses e ON e.used_sha = t.sha256
     WHERE t.sig_status <> 'valid'
     GROUP BY ALL HAVING count(*) FILTER (WHERE e.outcome = 'success') > 0`, { skew });
  try {
    const rows = await store.json<Record<string, unknown>>(
      `SELECT * EXCLUDE (known_kid, claims_only) FROM summary_accepted WHERE NOT known_kid AND NOT claims_only
       ORDER BY first_accepted, token LIMIT ${SHOWN_SUSPICIOUS}`,
    );
    const total = await store.json<{ n: unknown }>(`SELECT count(*) AS n FROM summary_accepted WHERE NOT known_kid AND NOT claims_only`);
    const claims = await store.json<{ tokens: unknown; accepted_uses: unknown }>(
      `SELECT count(*) AS tokens, sum(accepted_uses) AS accepted_uses FROM summary_accepted WHERE claims_only`,
    );
    const known = await store.json<{ kid: string; tokens: unknown; accepted_uses: unknown }>(
      `SELECT kid, count(*) AS tokens, sum(accepted_uses) AS accepted_uses FROM summary_accepted WHERE known_kid AND NOT claims_only
       GROUP BY kid ORDER BY kid`,
    );
    return {
      suspicious_accepted: rows.map((r) => ({ ...(r as unknown as SuspiciousToken), accepted_uses: n(r.accepted_uses) })),
      suspicious_total: n(total[0]?.n),
      unverifiable_known_kids: known.map((k) => ({ kid: k.kid, tokens: n(k.tokens), accepted_uses: n(k.accepted_uses) })),
      claims_only_accepted: { tokens: n(claims[0]?.tokens), accepted_uses: n(claims[0]?.accepted_uses) },
    };
  } finally {
    await store.run(`DROP TABLE IF EXISTS summary_accepted`);
  }
}
