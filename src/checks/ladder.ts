// A check's severity ladder as data: ordered conditions, each with the severity it gives (or no finding). The
// description's sentence about severity is written from it (`describe`), and the shared helpers take their levels
// from it (`acceptanceLevels`, `outcomeLevels`), so what a check says and what it does cannot drift apart.
import type { Severity } from '../findings/finding.js';
import type { AcceptanceLevels } from './token-usage.js';

/** How the shared helpers name what happened to a token: severityByAcceptance uses all four, byOutcome all but `unused`. */
export type Usage = 'accepted' | 'unknown' | 'unused' | 'rejected';

export interface Rung<R = never> {
  /** the severity given; null: no finding */
  severity: Severity | null;
  /** the condition as a reader needs it, written after the severity: 'when the outcome was not recorded', 'otherwise' */
  when: string;
  /** the usages a shared helper maps to this rung (the helper decides, the ladder gives it its levels) */
  usage?: readonly Usage[];
  /** the condition in code, for rungs the check decides itself (`severityOf`: the first rung whose test holds) */
  test?: (row: R) => boolean;
}

export interface LadderCase<R = never> {
  /** which findings this part of the ladder judges ('signed after retirement'); absent when the check has one */
  name?: string;
  rungs: readonly Rung<R>[];
}

/** A check's whole ladder: one case, or several the check tells apart (a confirmed forgery, an attempt …). */
export type Ladder = readonly LadderCase<never>[];

const PHRASE: Record<Usage, string> = {
  accepted: 'the server accepted it (an event with outcome success)',
  unknown: 'its outcome was not recorded',
  unused: 'it was only captured (never seen used)',
  rejected: 'every use was rejected',
};

/**
 * The ladder of a token that should not have been accepted (unsigned, forged, tampered): accepted is an incident,
 * an unrecorded outcome may be one, a token only captured is evidence of intent, a rejected one a probe that failed.
 */
export const FORGERY_LEVELS: AcceptanceLevels = { accepted: 'critical', unknown: 'high', unused: 'medium', rejected: 'low' };

/**
 * The rungs of a severityByAcceptance ladder, most accepted first; usages that share a severity share a rung. `notes`
 * adds what a rung means for this check ('its verifier is broken or bypassed'), keyed by the rung's first usage.
 */
export function byAcceptance<R = never>(levels: AcceptanceLevels, notes: Partial<Record<Usage, string>> = {}): Rung<R>[] {
  const order: Usage[] = ['accepted', 'unknown', 'unused', 'rejected'];
  const rungs: { severity: Severity; usage: Usage[] }[] = [];
  for (const u of order) {
    const last = rungs.at(-1);
    if (last && last.severity === levels[u]) last.usage.push(u);
    else rungs.push({ severity: levels[u], usage: [u] });
  }
  return rungs.map(({ severity, usage }, i) => {
    const note = notes[usage[0]!];
    // the last rung standing for three usages reads better as what it is: everything else
    const cond = i > 0 && usage.length >= 3 ? 'otherwise' : `when ${orList(usage.map((u) => PHRASE[u]))}`;
    return { severity, usage, when: `${cond}${note ? `: ${note}` : ''}` };
  });
}

const orList = (parts: string[]): string =>
  parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;

/** One ladder for the whole check. */
export const ladder = <R = never>(...rungs: Rung<R>[]): LadderCase<R> => ({ rungs });

/** The sentence about severity a check's description carries, written from its ladder. */
export function ladderSentence(l: Ladder): string {
  const rungs = (c: LadderCase): string => c.rungs.map((r) => `${r.severity ?? 'no finding'}${r.when ? ` ${r.when}` : ''}`).join('; ');
  if (l.length === 1 && !l[0]!.name) return `Severity: ${rungs(l[0]!)}.`;
  return `Severity. ${l.map((c) => `${capitalise(c.name ?? 'otherwise')}: ${rungs(c)}.`).join(' ')}`;
}

/** What fires the check (prose, without severities) followed by the ladder's sentence. */
export const describe = (what: string, l: Ladder): string => `${what.trim()} ${ladderSentence(l)}`;

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Every severity the ladder can give (no finding left out). */
export const ladderSeverities = (l: Ladder): Severity[] =>
  [...new Set(l.flatMap((c) => c.rungs.flatMap((r) => (r.severity === null ? [] : [r.severity]))))];

function levelOf(c: LadderCase<never>, u: Usage): Severity | null {
  const rung = c.rungs.find((r) => r.usage?.includes(u));
  if (!rung) throw new Error(`severity ladder ${c.name ?? ''} has no rung for usage '${u}'`);
  return rung.severity;
}

/** The levels severityByAcceptance takes, read from a ladder case (every usage must have a rung that gives a finding). */
export function acceptanceLevels(c: LadderCase<never>): AcceptanceLevels {
  const at = (u: Usage): Severity => {
    const s = levelOf(c, u);
    if (s === null) throw new Error(`severity ladder ${c.name ?? ''}: usage '${u}' gives no finding`);
    return s;
  };
  return { accepted: at('accepted'), unknown: at('unknown'), unused: at('unused'), rejected: at('rejected') };
}

/** The levels byOutcome takes, read from a ladder case; null where the ladder says no finding. */
export function outcomeLevelsOrNone(c: LadderCase<never>): { accepted: Severity | null; unknown: Severity | null; rejected: Severity | null } {
  return { accepted: levelOf(c, 'accepted'), unknown: levelOf(c, 'unknown'), rejected: levelOf(c, 'rejected') };
}

/** The levels byOutcome takes, read from a ladder case whose every rung gives a finding. */
export function outcomeLevels(c: LadderCase<never>): { accepted: Severity; unknown: Severity; rejected: Severity } {
  const { accepted, unknown, rejected } = outcomeLevelsOrNone(c);
  if (accepted === null || unknown === null || rejected === null) throw new Error(`severity ladder ${c.name ?? ''}: a usage gives no finding`);
  return { accepted, unknown, rejected };
}

/** The severity of the first rung whose test holds (rungs without a test are the helpers' business, skipped). */
export function severityOf<R>(c: LadderCase<R>, row: R): Severity | null {
  for (const r of c.rungs) if (r.test?.(row)) return r.severity;
  throw new Error(`severity ladder ${c.name ?? ''}: no rung holds for this row`);
}
