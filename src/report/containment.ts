// The containment list (issue 17 §3): from the findings at or above a threshold, what a responder acts on — keys to
// revoke or rotate, token ids to deny-list, sessions and subjects to revoke, addresses to block or review, client
// builds to force-upgrade — each with the findings that justify it and its time window. Which check justifies which
// action is data (containment-rules.ts); the targets are resolved from the store with one query per kind of target,
// whatever the number of findings.
import { SEVERITIES, severityRank, type Finding, type Severity } from '../findings/finding.js';
import type { Store } from '../store/db.js';
import { columns, typedRows } from '../store/rows.js';
import { stripControlInline } from '../util/sanitize.js';
import { ACTION_KINDS, CONTAINMENT_RULES, actionsFor, type ActionKind } from './containment-rules.js';

export const DEFAULT_CONTAINMENT_SEVERITY: Severity = 'high';

export interface ContainmentAction {
  action: ActionKind;
  /** what the action is applied to: a kid, a jti (else the token fingerprint), a sid, a sub, an IP, client + build */
  target: string;
  /** the highest severity among the findings that justify it */
  severity: Severity;
  sub: string | null;
  sid: string | null;
  jti: string | null;
  /** token fingerprints (never raw tokens) */
  tokens: string[];
  kid: string | null;
  /** the key's RFC 7638 thumbprint; never an oct key's (a hash of the secret: an offline oracle for it) */
  thumbprint: string | null;
  ip: string | null;
  client_id: string | null;
  app_version: string | null;
  first_seen: string | null;
  last_seen: string | null;
  /** deny-token: when the entry may expire (the latest exp of its tokens; null: a token without exp, keep it) */
  until: string | null;
  checks: string[];
  findings: string[];
  note: string | null;
}

export interface Containment {
  /** actions come from findings at or above this */
  min_severity: Severity;
  actions: ContainmentAction[];
  counts: Record<ActionKind, number>;
  /** findings at or above min_severity (those the actions come from) */
  findings_considered: number;
  /** findings below min_severity: no action taken from them */
  findings_below: number;
}

/** A list with nothing on it (a report of no findings, a test fixture). */
export function emptyContainment(minSeverity: Severity = DEFAULT_CONTAINMENT_SEVERITY, findingsBelow = 0): Containment {
  const counts = Object.fromEntries(ACTION_KINDS.map((k) => [k, 0])) as Record<ActionKind, number>;
  return { min_severity: minSeverity, actions: [], counts, findings_considered: 0, findings_below: findingsBelow };
}

type Draft = Omit<ContainmentAction, 'severity' | 'checks' | 'findings' | 'first_seen' | 'last_seen'> & {
  /** deny-token: a token without exp is among its tokens (the entry must not expire) */
  open: boolean;
};

export async function buildContainment(
  store: Store,
  findings: readonly Finding[],
  minSeverity: Severity = DEFAULT_CONTAINMENT_SEVERITY,
): Promise<Containment> {
  const considered = findings.filter((f) => severityRank(f.severity) <= severityRank(minSeverity));
  const wants = considered.map((f) => ({ f, kinds: new Set(actionsFor(f)) })).filter((w) => w.kinds.size > 0);
  const facts = await resolve(store, wants.map((w) => w.f));
  const merged = new Map<string, { draft: Draft; from: Finding[] }>();
  for (const { f, kinds } of wants) {
    for (const draft of draftsFor(f, kinds, facts)) {
      const key = `${draft.action}\u0000${draft.target}\u0000${draft.thumbprint ?? ''}`;
      const slot = merged.get(key) ?? { draft, from: [] };
      slot.from.push(f);
      if (slot.draft !== draft) mergeDraft(slot.draft, draft);
      merged.set(key, slot);
    }
  }
  foldReviewsIntoBlocks(merged);
  const actions = [...merged.values()].map(({ draft, from }) => finish(draft, from)).sort(compareActions);
  const counts = Object.fromEntries(ACTION_KINDS.map((k) => [k, actions.filter((x) => x.action === k).length])) as Record<ActionKind, number>;
  return { min_severity: minSeverity, actions, counts, findings_considered: considered.length, findings_below: findings.length - considered.length };
}

// ---- what the findings name (their own fields and evidence) ----

const FINGERPRINT = /^[0-9a-f]{12}$/;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
const field = (v: unknown, name: string): string[] => (Array.isArray(v) ? v.flatMap((e) => (e && typeof e === 'object' ? strings((e as Record<string, unknown>)[name]) : [])) : []);

/** The tokens a finding is about: its own, and those its evidence lists (aggregate findings, token families). */
export function tokensOf(f: Finding): string[] {
  const e = f.evidence;
  const all = [
    ...strings(f.token), ...strings(e.fingerprints), ...strings(e.token_fingerprints), ...strings(e.tokens),
    ...field(e.token_list, 'token'), ...field(e.exchange_list, 'new_token'),
  ];
  return [...new Set(all.filter((t) => FINGERPRINT.test(t)))];
}

function subjectsOf(f: Finding): string[] {
  return [...new Set([...strings(f.sub), ...strings(f.evidence.subs), ...strings(f.evidence.subjects)])];
}

function evidenceIps(f: Finding): string[] {
  const e = f.evidence;
  const keyed = e.key_kind === 'ip' ? strings(e.key) : [];
  return [...new Set([...keyed, ...strings(e.ips), ...strings(e.accepted_from_ips), ...strings(e.accepted_after_from_ips)])];
}

function revokedSids(f: Finding): string[] {
  const list = Array.isArray(f.evidence.revocations) ? (f.evidence.revocations as Record<string, unknown>[]) : [];
  return list.flatMap((r) => (r && r.scope === 'sid' ? strings(r.value) : []));
}

// ---- what the store knows about them: one query per kind of target ----

const TOKEN_COLS = columns({ fingerprint: 'text', jti: 'text?', exp: 'num?', sig_status: 'text' });
const PRESENT_COLS = columns({ fingerprint: 'text', sid: 'text?', ip: 'text?', presents: 'bool' });
const KEY_COLS = columns({ kid: 'text', thumbprint: 'text', secret: 'bool' });
const GUARD_COLS = columns({ ip: 'text', tokens: 'int' });

interface TokenFact { jti: string | null; exp: number | null }
interface Facts {
  tokens: Map<string, TokenFact>;
  /** per fingerprint: the sessions of every event that carried it, and the addresses that presented it */
  sids: Map<string, Set<string>>;
  presenters: Map<string, Set<string>>;
  /** per kid: its registry materials (thumbprint null for a secret) */
  keys: Map<string, (string | null)[]>;
  /** addresses that also presented validly signed tokens no blocking finding names: someone's own address */
  shared: Map<string, number>;
}

async function resolve(store: Store, wanted: readonly Finding[]): Promise<Facts> {
  const fps = [...new Set(wanted.flatMap(tokensOf))];
  const kids = [...new Set(wanted.flatMap((f) => (f.kid === null ? [] : [f.kid])))];
  const fpParam = { fps: JSON.stringify(fps) };
  const tokenRows = fps.length === 0 ? [] : await typedRows(store, 'containment tokens', TOKEN_COLS,
    `SELECT fingerprint, arg_min(jti, sha256) AS jti, max(exp) AS exp, min(sig_status) AS sig_status
     FROM tokens WHERE fingerprint IN (SELECT unnest($fps::VARCHAR[])) GROUP BY fingerprint`, fpParam);
  // Sessions from every event carrying the token; addresses only from the events that presented it (not its issue,
  // a refresh handing it out, or a revoke ending it); a refresh presents its parent, named by jti.
  const presentRows = fps.length === 0 ? [] : await typedRows(store, 'containment presenters', PRESENT_COLS,
    `WITH t AS (SELECT sha256, fingerprint, jti FROM tokens WHERE fingerprint IN (SELECT unnest($fps::VARCHAR[])))
     SELECT DISTINCT fingerprint, sid, ip, presents FROM (
       SELECT t.fingerprint, e.sid, e.ip, coalesce(e.event, 'use') NOT IN ('issue', 'refresh', 'revoke', 'logout') AS presents
       FROM events e JOIN t ON e.token_sha = t.sha256
       UNION ALL
       SELECT t.fingerprint, e.sid, e.ip, true AS presents
       FROM events e JOIN t ON e.event = 'refresh' AND e.parent_jti = t.jti)
     WHERE sid IS NOT NULL OR ip IS NOT NULL`, fpParam);
  const keyRows = kids.length === 0 ? [] : await typedRows(store, 'containment keys', KEY_COLS,
    `SELECT DISTINCT kid, thumbprint, (is_secret OR kty = 'oct') AS secret FROM keys
     WHERE kid IN (SELECT unnest($kids::VARCHAR[]))`, { kids: JSON.stringify(kids) });
  const facts: Facts = { tokens: new Map(), sids: new Map(), presenters: new Map(), keys: new Map(), shared: new Map() };
  for (const r of tokenRows) facts.tokens.set(r.fingerprint, { jti: r.jti, exp: r.exp });
  for (const r of presentRows) {
    if (r.sid) add(facts.sids, r.fingerprint, r.sid);
    if (r.ip && r.presents) add(facts.presenters, r.fingerprint, r.ip);
  }
  for (const r of keyRows) facts.keys.set(r.kid, [...(facts.keys.get(r.kid) ?? []), r.secret ? null : r.thumbprint]);
  facts.shared = await sharedAddresses(store, wanted, facts);
  return facts;
}

/**
 * The guard against blocking a user's own address: a block candidate that also presented (or was issued) validly
 * signed tokens that no blocking finding names is marked for review instead (a tampered token sent from the victim's
 * own browser, a NAT shared with real users).
 */
async function sharedAddresses(store: Store, wanted: readonly Finding[], facts: Facts): Promise<Map<string, number>> {
  const blocking = wanted.filter((f) => actionsFor(f).includes('block-ip'));
  const ips = [...new Set(blocking.flatMap((f) => ipsFor(f, facts)))];
  if (ips.length === 0) return new Map();
  const flagged = [...new Set(blocking.flatMap(tokensOf))];
  const rows = await typedRows(store, 'containment address guard', GUARD_COLS,
    `SELECT e.ip, count(DISTINCT e.token_sha) AS tokens FROM events e JOIN tokens t ON t.sha256 = e.token_sha
     WHERE e.ip IN (SELECT unnest($ips::VARCHAR[])) AND t.sig_status = 'valid'
       AND t.fingerprint NOT IN (SELECT unnest($fps::VARCHAR[]))
     GROUP BY e.ip`,
    { ips: JSON.stringify(ips), fps: JSON.stringify(flagged) });
  return new Map(rows.map((r) => [r.ip, r.tokens]));
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}

function ipsFor(f: Finding, facts: Facts): string[] {
  const fromEvents = CONTAINMENT_RULES[f.check]?.ips === 'evidence' ? [] : tokensOf(f).flatMap((t) => [...(facts.presenters.get(t) ?? [])]);
  return [...new Set([...fromEvents, ...evidenceIps(f)])];
}

// ---- drafts: one per target the finding names, per action its check justifies ----

const BLANK: Draft = {
  action: 'deny-token', target: '', sub: null, sid: null, jti: null, tokens: [], kid: null, thumbprint: null, ip: null,
  client_id: null, app_version: null, until: null, note: null, open: false,
};

function draftsFor(f: Finding, kinds: ReadonlySet<ActionKind>, facts: Facts): Draft[] {
  const out: Draft[] = [];
  const tokens = tokensOf(f);
  if (kinds.has('revoke-key') || kinds.has('rotate-key')) out.push(...keyDrafts(f, kinds.has('revoke-key') ? 'revoke-key' : 'rotate-key', facts));
  if (kinds.has('deny-token')) out.push(...denyDrafts(f, tokens, facts));
  if (kinds.has('revoke-session')) {
    const sids = new Set([...tokens.flatMap((t) => [...(facts.sids.get(t) ?? [])]), ...revokedSids(f)]);
    for (const sid of sids) out.push({ ...BLANK, action: 'revoke-session', target: clean(sid), sid: clean(sid), sub: f.sub && clean(f.sub) });
  }
  if (kinds.has('revoke-subject')) {
    const note = f.evidence.subject_source === 'unverified-claim' ? 'impersonated: the subject a forged token claimed' : null;
    for (const sub of subjectsOf(f)) out.push({ ...BLANK, action: 'revoke-subject', target: clean(sub), sub: clean(sub), note });
  }
  if (kinds.has('block-ip') || kinds.has('review-ip')) out.push(...ipDrafts(f, kinds.has('block-ip'), facts));
  if (kinds.has('upgrade-client')) {
    const client = strings(f.evidence.client_id)[0] ?? null;
    const version = strings(f.evidence.app_version)[0] ?? null;
    if (version !== null) {
      out.push({ ...BLANK, action: 'upgrade-client', target: clean(`${client ?? '*'} ${version}`), client_id: client && clean(client), app_version: clean(version) });
    }
  }
  return out;
}

function keyDrafts(f: Finding, action: 'revoke-key' | 'rotate-key', facts: Facts): Draft[] {
  if (f.kid === null) return [];
  const kid = clean(f.kid);
  const materials = facts.keys.get(f.kid);
  if (!materials) return [{ ...BLANK, action, target: kid, kid, note: 'not in the key registry: remove it from whichever verifier accepted it' }];
  return [...new Set(materials)].map((thumbprint) => ({
    ...BLANK, action, target: kid, kid, thumbprint, note: thumbprint === null ? 'a shared secret: named by its kid only' : null,
  }));
}

function denyDrafts(f: Finding, tokens: readonly string[], facts: Facts): Draft[] {
  const drafts = tokens.map((fp) => {
    const t = facts.tokens.get(fp);
    const jti = t?.jti ?? null;
    const until = isoOf(t?.exp ?? null);
    const open = t !== undefined && t.exp === null;
    const note = jti === null ? 'no jti: deny the token itself (by its sha256 in the store)' : null;
    return { ...BLANK, action: 'deny-token' as const, target: clean(jti ?? fp), jti: jti && clean(jti), tokens: [fp], until, open, note };
  });
  if (drafts.length === 0 && f.jti !== null) drafts.push({ ...BLANK, action: 'deny-token', target: clean(f.jti), jti: clean(f.jti) });
  return drafts;
}

function ipDrafts(f: Finding, block: boolean, facts: Facts): Draft[] {
  return ipsFor(f, facts).map((raw) => {
    const ip = clean(raw);
    const shared = facts.shared.get(raw);
    if (block && shared === undefined) return { ...BLANK, action: 'block-ip' as const, target: ip, ip };
    const note = block
      ? `also sent ${shared} validly signed token(s) no finding here names: maybe the user's own or a shared address`
      : 'presented the token; the legitimate user may be among these addresses';
    return { ...BLANK, action: 'review-ip' as const, target: ip, ip, note };
  });
}

// ---- merging and order ----

/** An address to block needs no review row as well: the block row takes that row's findings (one row per address). */
function foldReviewsIntoBlocks(merged: Map<string, { draft: Draft; from: Finding[] }>): void {
  for (const [key, slot] of merged) {
    if (slot.draft.action !== 'review-ip') continue;
    const block = merged.get(`block-ip\u0000${slot.draft.target}\u0000`);
    if (!block) continue;
    block.from.push(...slot.from);
    merged.delete(key);
  }
}

function mergeDraft(into: Draft, from: Draft): void {
  into.tokens = [...new Set([...into.tokens, ...from.tokens])]; // finish() sorts
  into.open ||= from.open;
  into.until = latest(into.until, from.until);
  into.sub = into.sub === from.sub ? into.sub : into.action === 'revoke-session' ? null : into.sub;
  if (into.action === 'review-ip' && from.note !== into.note && from.note?.startsWith('also sent')) into.note = from.note;
  if (into.action === 'revoke-subject' && into.note !== from.note) into.note = null; // impersonated in one finding, not in another
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

function finish(draft: Draft, from: readonly Finding[]): ContainmentAction {
  const severity = SEVERITIES[Math.min(...from.map((f) => severityRank(f.severity)))]!;
  const firsts = from.map((f) => f.first_seen).filter((t): t is string => t !== null).sort();
  const lasts = from.map((f) => f.last_seen).filter((t): t is string => t !== null).sort();
  return {
    action: draft.action,
    target: draft.target,
    severity,
    sub: draft.sub,
    sid: draft.sid,
    jti: draft.jti,
    tokens: [...draft.tokens].sort(),
    kid: draft.kid,
    thumbprint: draft.thumbprint,
    ip: draft.ip,
    client_id: draft.client_id,
    app_version: draft.app_version,
    first_seen: firsts[0] ?? null,
    last_seen: lasts.at(-1) ?? null,
    until: draft.open ? null : draft.until,
    checks: [...new Set(from.map((f) => f.check))].sort(),
    findings: [...new Set(from.map((f) => f.id))].sort(),
    note: draft.open ? [draft.note, 'a token without exp: keep the entry'].filter(Boolean).join('; ') : draft.note,
  };
}

function compareActions(x: ContainmentAction, y: ContainmentAction): number {
  return (
    ACTION_KINDS.indexOf(x.action) - ACTION_KINDS.indexOf(y.action) ||
    severityRank(x.severity) - severityRank(y.severity) ||
    cmp(x.target, y.target) ||
    cmp(x.thumbprint ?? '', y.thumbprint ?? '')
  );
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const clean = (v: string): string => stripControlInline(v);

function isoOf(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds) || Math.abs(seconds) > 253402300799) return null;
  return new Date(Math.floor(seconds) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}
