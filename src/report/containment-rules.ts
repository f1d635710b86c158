// Checks are data here too: which containment actions a finding of each check justifies (issue 17 §3). Every check
// id in src/checks/registry.ts has an entry (a test holds it), possibly none with its reason. The builder
// (containment.ts) resolves the targets — tokens, sessions, addresses, keys — from the store, set-based.
import type { Finding } from '../findings/finding.js';

/** What a responder does, in the order the list shows them: keys first (they stop every forgery at once). */
export const ACTION_KINDS = [
  'revoke-key',
  'rotate-key',
  'deny-token',
  'revoke-session',
  'revoke-subject',
  'block-ip',
  'review-ip',
  'upgrade-client',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** What each action means, for help text, docs and the HTML legend. */
export const ACTION_MEANING: Record<ActionKind, string> = {
  'revoke-key': 'remove the key from every verifier key set (JWKS caches included) and from every issuer now',
  'rotate-key': 'replace the key with new material, then retire the old one',
  'deny-token': 'deny-list the token id at the APIs until the token expires',
  'revoke-session': 'end the session (sid) and the refresh-token family it carries',
  'revoke-subject': "end every session and refresh token of the subject, and require a new login (with MFA)",
  'block-ip': 'block the address: it presented forged tokens or tokens signed by a compromised key',
  'review-ip': 'look before blocking: the legitimate user may be one of the addresses that presented the token',
  'upgrade-client': 'force an upgrade of the client build (refuse it at the token endpoint)',
};

/**
 * Where a rule takes addresses from: `presenters` — the events that presented the finding's tokens (the store), plus
 * the addresses its evidence names; `evidence` — only the addresses the evidence names (when it already picked out
 * the uses that matter: late, after a revocation, in a burst).
 */
export type IpSource = 'presenters' | 'evidence';

export interface ActionRule {
  kind: ActionKind;
  /** the rule applies only to the findings this holds for (default: every finding of the check at the threshold) */
  when?: (f: Finding) => boolean;
}

export interface ContainmentRule {
  actions: readonly ActionRule[];
  ips?: IpSource;
  /** why the check justifies no action (an entry with no actions must say) */
  none?: string;
}

const a = (...kinds: ActionKind[]): ActionRule[] => kinds.map((kind) => ({ kind }));

/** A kid that names a key (not an injected path or query: header-injection covers those). */
function plainKid(kid: string | null): boolean {
  return kid !== null && /^[A-Za-z0-9][A-Za-z0-9._:+=-]{0,199}$/.test(kid) && !kid.includes('..');
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** A forged token: whoever presented it is the attacker (the one address guard in containment.ts still applies). */
const FORGED = a('deny-token', 'revoke-session', 'revoke-subject', 'block-ip');

export const CONTAINMENT_RULES: Readonly<Record<string, ContainmentRule>> = {
  'alg-none': { actions: FORGED },
  'alg-confusion': { actions: FORGED }, // the public key needs no rotation: the verifier does
  'alg-not-allowed': { actions: a('deny-token', 'revoke-session', 'review-ip') },
  'header-injection': { actions: FORGED },
  'bad-signature': { actions: FORGED },
  'undecodable-token': { actions: a('deny-token', 'block-ip') },
  'non-canonical-encoding': { actions: a('deny-token', 'revoke-session', 'review-ip') },
  'unknown-key': {
    actions: [{ kind: 'revoke-key', when: (f) => plainKid(f.kid) }, ...FORGED],
  },
  'weak-secret': {
    // rotate only when a verifier accepted a token made with the public secret: else the real key is not that secret
    actions: [
      { kind: 'rotate-key', when: (f) => num(f.evidence.accepted_tokens) > 0 && plainKid(f.kid) },
      ...a('deny-token', 'revoke-session', 'revoke-subject', 'review-ip'),
    ],
  },
  'retired-key': { actions: a('revoke-key', 'deny-token', 'revoke-session') },
  'revoked-key': { actions: [...a('revoke-key'), ...FORGED] },
  'expired-use': { actions: a('revoke-session', 'review-ip'), ips: 'evidence' },
  'not-yet-valid': { actions: a('deny-token', 'revoke-session', 'review-ip') },
  'lifetime-excessive': { actions: a('deny-token', 'revoke-session') },
  'revoked-use': { actions: a('deny-token', 'revoke-session', 'review-ip'), ips: 'evidence' },
  'refresh-reuse': { actions: a('deny-token', 'revoke-session', 'revoke-subject', 'review-ip') },
  'audience-mismatch': { actions: a('deny-token', 'review-ip') },
  'jti-collision': { actions: a('deny-token', 'revoke-session') },
  'stale-client': { actions: a('upgrade-client') },
  'device-change': { actions: a('deny-token', 'revoke-session', 'revoke-subject', 'review-ip') },
  'failure-burst': { actions: a('block-ip'), ips: 'evidence' },
  'impossible-travel': { actions: a('deny-token', 'revoke-session', 'revoke-subject', 'review-ip') },
  'provider-signal': { actions: a('deny-token', 'revoke-session', 'revoke-subject') },
  'har-token-replay': { actions: a('deny-token', 'revoke-session', 'revoke-subject', 'review-ip'), ips: 'evidence' },
  'key-rotation-gap': {
    actions: [
      { kind: 'revoke-key', when: (f) => f.evidence.problem === 'compromised-active' },
      { kind: 'rotate-key', when: (f) => f.evidence.problem !== 'compromised-active' && plainKid(f.kid) },
    ],
  },
  'weak-key': { actions: a('rotate-key') },
  'kid-reuse': { actions: a('rotate-key') },
  'unused-key': { actions: [], none: 'retiring an unused key is hygiene, not containment (the check is info only)' },
};

/** The actions a finding justifies, by its check's rule (none for a check without an entry). */
export function actionsFor(f: Finding): ActionKind[] {
  const rule = CONTAINMENT_RULES[f.check];
  if (!rule) return [];
  return rule.actions.filter((r) => r.when?.(f) ?? true).map((r) => r.kind);
}
