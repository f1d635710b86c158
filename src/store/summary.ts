// The store at a glance: what was loaded, and the tokens whose signatures do not hold but were accepted anyway.
import type { Store } from './db.js';
import { createUseViews } from './uses.js';

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
  suspicious_accepted: SuspiciousToken[];
}

export interface SuspiciousToken {
  token: string;
  alg: string | null;
  kid: string | null;
  sig_status: string;
  sig_detail: string | null;
  sub: string | null;
  accepted_uses: number;
  first_accepted: string;
}

const n = (v: unknown): number => Number(v ?? 0);

export async function summarize(store: Store): Promise<StoreSummary> {
  const counts = await store.json<Record<string, unknown>>(`SELECT
      (SELECT count(*) FROM sources) AS sources, (SELECT count(*) FROM events) AS events,
      (SELECT count(*) FROM rejects) AS rejects, (SELECT min(ts) FROM events) AS first_event,
      (SELECT max(ts) FROM events) AS last_event, (SELECT count(DISTINCT sub) FROM events) AS subjects,
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
    suspicious_accepted: await suspiciousAccepted(store),
  };
}

/** Tokens without a valid signature that an event shows the server accepted: the first thing to look at. */
async function suspiciousAccepted(store: Store): Promise<SuspiciousToken[]> {
  await createUseViews(store); // accepted means what it means in every finding: presented (src/store/uses.ts)
  const rows = await store.json<Record<string, unknown>>(
    `SELECT t.fingerprint AS token, t.alg, t.kid, t.sig_status, t.sig_detail, t.sub,
            count(*) AS accepted_uses, min(e.ts) AS first_accepted
     FROM tokens t JOIN uses e ON e.used_sha = t.sha256
     WHERE t.sig_status <> 'valid' AND e.outcome = 'success'
     GROUP BY ALL ORDER BY first_accepted, token LIMIT 50`,
  );
  return rows.map((r) => ({ ...(r as unknown as SuspiciousToken), accepted_uses: n(r.accepted_uses) }));
}
