// Severity ladders are data on each check: the description's severity sentence is written from the ladder, and the
// shared helpers take their levels from it. (That every severity a check produces is on its ladder is asserted over
// the scenarios' findings in scenarios.test.ts.)
import { describe, expect, it } from 'vitest';
import {
  acceptanceLevels,
  byAcceptance,
  ladder,
  ladderSentence,
  outcomeLevelsOrNone,
  severityOf,
  type LadderCase,
  type Usage,
} from '../../src/checks/ladder.js';
import { CHECKS } from '../../src/checks/registry.js';
import { severityByAcceptance, type UsageCounts } from '../../src/checks/token-usage.js';
import { byOutcome } from '../../src/checks/token-uses.js';
import { SEVERITIES } from '../../src/findings/finding.js';

/** A usage-count row standing for each usage the helpers tell apart. */
const ROWS: Record<Usage, UsageCounts> = {
  accepted: { uses: 3, accepted: 1, unknown_outcome: 1 },
  unknown: { uses: 2, accepted: 0, unknown_outcome: 1 },
  unused: { uses: 0, accepted: 0, unknown_outcome: 0 },
  rejected: { uses: 2, accepted: 0, unknown_outcome: 0 },
};

const usagesOf = (c: LadderCase): Usage[] => c.rungs.flatMap((r) => [...(r.usage ?? [])]);
const rungFor = (c: LadderCase, u: Usage) => c.rungs.find((r) => r.usage?.includes(u))!;

describe('severity ladders', () => {
  it.each(CHECKS.map((c) => [c.id, c] as const))('%s has a ladder its description states', (_id, check) => {
    expect(check.ladder, `${check.id} declares no ladder`).toBeDefined();
    const l = check.ladder!;
    expect(l.length).toBeGreaterThan(0);
    for (const c of l) {
      expect(c.rungs.length).toBeGreaterThan(0);
      for (const r of c.rungs) expect(r.severity === null || SEVERITIES.includes(r.severity)).toBe(true);
    }
    if (l.length > 1) for (const c of l) expect(c.name, `${check.id}: a ladder of several cases names each`).toBeTruthy();
    expect(check.description).toContain(ladderSentence(l));
    // the prose before it carries no second, hand-written account of severities that could drift
    const prose = check.description.slice(0, check.description.indexOf(ladderSentence(l)));
    expect(prose).not.toMatch(/\b(critical|high|medium|low) (when|if)\b/i);
  });

  it.each(CHECKS.map((c) => [c.id, c] as const))("%s: a helper's levels are its ladder's", (_id, check) => {
    for (const c of check.ladder ?? []) {
      const usages = usagesOf(c);
      if (usages.length === 0) continue;
      expect(new Set(usages).size, `${check.id} ${c.name ?? ''}: a usage on two rungs`).toBe(usages.length);
      if (usages.includes('unused')) {
        // severityByAcceptance: all four usages, each giving what its rung says
        const levels = acceptanceLevels(c);
        for (const u of ['accepted', 'unknown', 'unused', 'rejected'] as const) {
          expect(levels[u]).toBe(rungFor(c, u).severity);
          expect(severityByAcceptance(ROWS[u], levels)).toBe(rungFor(c, u).severity);
        }
      } else {
        // byOutcome: accepted, unknown, rejected (a rung may say "no finding")
        const levels = outcomeLevelsOrNone(c);
        for (const u of ['accepted', 'unknown', 'rejected'] as const) {
          expect(levels[u]).toBe(rungFor(c, u).severity);
          expect(byOutcome(ROWS[u], levels)).toBe(rungFor(c, u).severity);
        }
      }
    }
  });

  it('writes one sentence per ladder, cases named, "no finding" for a null rung', () => {
    const one = ladder(...byAcceptance({ accepted: 'critical', unknown: 'high', unused: 'low', rejected: 'low' }));
    expect(ladderSentence([one])).toBe(
      'Severity: critical when the server accepted it (an event with outcome success); high when its outcome was not recorded; ' +
        'low when it was only captured (never seen used) or every use was rejected.',
    );
    const two: LadderCase[] = [
      { name: 'a confirmed forgery', rungs: byAcceptance({ accepted: 'critical', unknown: 'high', unused: 'high', rejected: 'high' }) },
      { name: 'an attempt', rungs: [{ severity: 'low', when: 'when seen' }, { severity: null, when: 'otherwise' }] },
    ];
    expect(ladderSentence(two)).toBe(
      'Severity. A confirmed forgery: critical when the server accepted it (an event with outcome success); high otherwise. ' +
        'An attempt: low when seen; no finding otherwise.',
    );
  });

  it('evaluates rungs in order, first that holds wins', () => {
    const l = ladder<number>(
      { severity: 'high', when: 'when over 10', test: (n) => n > 10 },
      { severity: 'medium', when: 'when over 5', test: (n) => n > 5 },
      { severity: null, when: 'otherwise', test: () => true },
    );
    expect([20, 7, 1].map((n) => severityOf(l, n))).toEqual(['high', 'medium', null]);
  });

  it('revoked-key says what its code does: critical for any acceptance of a token signed after the revocation', () => {
    const revoked = CHECKS.find((c) => c.id === 'revoked-key')!;
    const c = revoked.ladder![0]!;
    expect(acceptanceLevels(c)).toEqual({ accepted: 'critical', unknown: 'high', unused: 'medium', rejected: 'low' });
    expect(revoked.description).toMatch(/critical when the server accepted it .*at any time for a token signed after it/);
  });
});
