// HMAC tokens signed with a publicly known secret (issue 20): every HS256/384/512 token no registry key verified is
// tried against the shipped list (./weak-secrets/list.ts), the user's lists (policy weak_secret.lists, --secrets) and
// its own obvious candidates (its iss, aud and kid used as the secret). Whoever knows such a secret can mint tokens,
// so a hit is about the secret and its issuer, not one token: one finding per (secret, issuer) covering every token
// it verifies. The secret itself is never in a finding: its list, entry and length are.
//
// The HMAC is computed with node:crypto's createHmac over `header.payload` and compared with the decoded signature
// bytes using timingSafeEqual: that is the HMAC primitive (RFC 7518 §3.2), not JWS parsing or verification — the
// tokens were decoded and their signatures settled with jose at ingest; jose per candidate would cost an import of
// a key and a full parse for each of (tokens × candidates) attempts. Linear and bounded: each candidate is tried once
// per distinct (header.payload, alg), never per event, and the run stops at policy weak_secret.max_attempts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EventRef } from '../findings/finding.js';
import { columns, typedRows, type RowOf } from '../store/rows.js';
import type { Check, CheckContext, FindingDraft } from './check.js';
import { acceptanceLevels, byAcceptance, describe, type LadderCase } from './ladder.js';
import { TOKEN_USAGE_COLUMNS, severityByAcceptance, tokensWithUsage } from './token-usage.js';
import { listedCandidates, type Candidate } from './weak-secrets/list-file.js';

const LADDER: LadderCase = {
  rungs: byAcceptance(
    { accepted: 'critical', unknown: 'high', unused: 'high', rejected: 'high' },
    { accepted: 'anyone can mint tokens the server accepts', unknown: 'the secret is known: anyone can mint tokens for this issuer' },
  ),
};

const HASH: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

// Tokens a registry key verified are genuine: only the others are candidates (the registry's own `oct` keys are
// judged by weak-key, which knows the same list).
const TOKENS_SQL = tokensWithUsage(
  `t.decode_ok AND upper(t.alg) IN ('HS256', 'HS384', 'HS512') AND t.sig_status <> 'valid' AND t.sig_len > 0`,
  `t.raw, coalesce(t.aud, []::VARCHAR[]) AS auds`,
);
const TOKEN_COLS = columns({ ...TOKEN_USAGE_COLUMNS, alg: 'text', raw: 'text', auds: 'text[]' });
type TokenRow = RowOf<typeof TOKEN_COLS>;

/** The token's own obvious candidates: its iss, each aud, its kid, and the service its issuer names (the issuer
 *  URL's host, and that host's first label: `legacy` for https://legacy.example.com). */
function ownCandidates(row: TokenRow): Candidate[] {
  const own: Candidate[] = [];
  const seen = new Set<string>();
  const add = (entry: string, v: string | null | undefined): void => {
    if (!v || seen.has(v)) return;
    seen.add(v);
    own.push({ list: 'token-claims', entry, bytes: Buffer.from(v, 'utf8') });
  };
  add('iss', row.iss);
  for (const a of row.auds) add('aud', a);
  add('kid', row.kid);
  const host = hostOf(row.iss);
  add('iss-host', host);
  add('iss-service', host?.split('.')[0]);
  return own;
}

function hostOf(iss: string | null): string | null {
  if (!iss) return null;
  try {
    return new URL(iss).hostname || null;
  } catch {
    return null;
  }
}

interface Hit {
  candidate: Candidate;
  rows: TokenRow[];
}

export interface SearchResult {
  hits: Map<string, Hit>;
  attempts: number;
  /** distinct signing inputs tried against every candidate, out of all */
  inputsDone: number;
  inputsTotal: number;
  stopped: boolean;
}

/** Each candidate once per distinct (header.payload, alg); all tokens sharing it are compared with that one MAC. */
export function search(tokens: readonly TokenRow[], listed: readonly Candidate[], maxAttempts: number): SearchResult {
  const groups = new Map<string, { input: string; alg: string; rows: { row: TokenRow; sig: Buffer }[] }>();
  for (const row of tokens) {
    const alg = row.alg.toUpperCase();
    const dot = row.raw.lastIndexOf('.');
    const input = row.raw.slice(0, dot);
    const g = groups.get(`${alg} ${input}`) ?? { input, alg, rows: [] };
    g.rows.push({ row, sig: Buffer.from(row.raw.slice(dot + 1), 'base64url') });
    groups.set(`${alg} ${input}`, g);
  }
  const hits = new Map<string, Hit>();
  let attempts = 0;
  let done = 0;
  let stopped = false;
  for (const g of groups.values()) {
    // the tokens of a group share header.payload, so their claims: one set of own candidates per group
    const candidates = [...listed, ...ownCandidates(g.rows[0]!.row)];
    if (attempts + candidates.length > maxAttempts) {
      stopped = true;
      break;
    }
    const input = Buffer.from(g.input, 'utf8');
    for (const c of candidates) {
      attempts++;
      const mac = createHmac(HASH[g.alg]!, c.bytes).update(input).digest();
      for (const { row, sig } of g.rows) {
        if (mac.length !== sig.length || !timingSafeEqual(mac, sig)) continue;
        // one finding per secret and issuer; a token-claims secret is named by its claim (its value varies by token)
        const key = JSON.stringify([c.list, c.entry, c.list === 'token-claims' ? c.bytes.toString('base64url') : '', row.iss]);
        // each (candidate, row) pair is met once (distinct candidates per group, each row in one group), so no
        // membership scan: a secret that signed a million tokens stays linear
        const hit = hits.get(key) ?? { candidate: c, rows: [] };
        hit.rows.push(row);
        hits.set(key, hit);
      }
    }
    done++;
  }
  return { hits, attempts, inputsDone: done, inputsTotal: groups.size, stopped };
}

function draft(hit: Hit): FindingDraft {
  const { candidate: c, rows } = hit;
  const sum = (f: (r: TokenRow) => number): number => rows.reduce((n, r) => n + f(r), 0);
  const usage = { uses: sum((r) => r.uses), accepted: sum((r) => r.accepted), unknown_outcome: sum((r) => r.unknown_outcome) };
  const severity = severityByAcceptance(usage, acceptanceLevels(LADDER));
  const seen = (f: (r: TokenRow) => string | null): string[] => rows.map(f).filter((v): v is string => v !== null).sort();
  const firsts = seen((r) => r.first_seen);
  const lasts = seen((r) => r.last_seen);
  const iss = rows[0]!.iss;
  const events: EventRef[] = rows.flatMap((r) => r.events).sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.line - b.line)).slice(0, 20);
  const uniq = (v: (string | null)[]): string[] => [...new Set(v.filter((x): x is string => x !== null))].sort();
  const where = c.list === 'token-claims' ? `the token's own ${c.entry}` : `${c.list} list entry ${c.entry}`;
  return {
    // the secret's value is never part of the key (finding ids are hashes of it): a claim secret is named by its
    // claim and the tokens it signed
    key: [c.list, c.list === 'token-claims' ? `${c.entry}:${uniq(rows.map((r) => r.sha256)).join(',')}` : c.entry, iss],
    severity,
    title: `HMAC tokens${iss ? ` of ${iss}` : ''} signed with a publicly known secret (${where}, ${c.bytes.length} bytes)`,
    sub: uniq(rows.map((r) => r.sub)).length === 1 ? rows[0]!.sub : null,
    kid: uniq(rows.map((r) => r.kid)).length === 1 ? rows[0]!.kid : null,
    token: rows.length === 1 ? rows[0]!.token : null,
    first_seen: firsts[0] ?? null,
    last_seen: lasts.at(-1) ?? null,
    events,
    evidence: {
      secret_list: c.list,
      secret_entry: c.entry,
      secret_length: c.bytes.length,
      issuer: iss,
      algs: uniq(rows.map((r) => r.alg.toUpperCase())),
      tokens: rows.length,
      accepted_tokens: rows.filter((r) => r.accepted > 0).length,
      ...usage,
      fingerprints: uniq(rows.map((r) => r.token)).slice(0, 20),
      kids: uniq(rows.map((r) => r.kid)),
      subs: uniq(rows.map((r) => r.sub)).slice(0, 20),
      jtis: uniq(rows.map((r) => r.jti)).slice(0, 20),
    },
  };
}

async function run({ store, policy, coverageNote }: CheckContext): Promise<FindingDraft[]> {
  const tokens = await typedRows(store, 'weak-secret', TOKEN_COLS, TOKENS_SQL);
  if (tokens.length === 0) return [];
  const result = search(tokens, listedCandidates(policy), policy.weak_secret.max_attempts);
  if (result.stopped) {
    coverageNote?.(
      `stopped at weak_secret.max_attempts (${policy.weak_secret.max_attempts.toLocaleString('en')}): ` +
        `${result.inputsDone.toLocaleString('en')} of ${result.inputsTotal.toLocaleString('en')} distinct HMAC tokens tried ` +
        `(${result.attempts.toLocaleString('en')} HMACs)`,
    );
  }
  return [...result.hits.values()].map(draft);
}

export const weakSecret: Check = {
  id: 'weak-secret',
  title: 'HMAC tokens signed with a publicly known secret',
  description: describe(
    'An HS256/384/512 token no registry key verifies whose HMAC verifies with a publicly known secret: the shipped list ' +
      '(jwt.io\'s your-256-bit-secret, secret, changeme, the empty string, short numbers, framework defaults: ' +
      'src/checks/weak-secrets/SOURCE.md), the files in policy weak_secret.lists (--secrets FILE), or the token\'s own iss, ' +
      'aud or kid, or the service its issuer names (the issuer URL\'s host, and its first label). Anyone who knows the secret can mint tokens for that issuer, so one finding covers every token the ' +
      'secret verifies (per secret and issuer). Each candidate is tried once per distinct signed content, up to ' +
      'weak_secret.max_attempts HMACs; the coverage line says how far it got when it stopped. The secret is never ' +
      'reported, only its list, entry and length. Registry `oct` keys in the list are weak-key findings.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'signature', needs: ['hmac-tokens'] },
  remediation:
    'Replace the secret with at least 256 random bits and rotate it now: every token of this issuer could have been ' +
    'minted by anyone. Revoke the sessions these tokens carry, and review what the accepted ones did.',
  scope: 'detection',
  run,
};
