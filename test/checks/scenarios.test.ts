// One test per scenario folder: the findings of the checks it judges must match its expected.json exactly
// (each expected entry matches one finding on the fields it pins; no finding of those checks is left over).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ladderSeverities } from '../../src/checks/ladder.js';
import { CHECKS } from '../../src/checks/registry.js';
import { severityRank } from '../../src/findings/finding.js';
import { SCENARIO_ROOT, scenarioFindings, scenarioNames } from '../helpers/scenarios.js';

const KEYS = ['check', 'severity', 'token', 'jti', 'sub', 'kid'] as const;

interface ExpectedFile {
  checks: string[];
  findings: Record<string, string | null>[];
}

const scenarios = scenarioNames();

describe('check scenarios', () => {
  it('exist', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  for (const name of scenarios) {
    it(name, async () => {
      const expected = JSON.parse(readFileSync(join(SCENARIO_ROOT, name, 'expected.json'), 'utf8')) as ExpectedFile;
      const actual = (await scenarioFindings(name))
        .filter((f) => expected.checks.includes(f.check))
        .map((f) => Object.fromEntries(KEYS.map((k) => [k, f[k]])) as Record<string, unknown>);
      const unexpected = [...actual];
      const missing: unknown[] = [];
      for (const want of expected.findings) {
        const i = unexpected.findIndex((a) => KEYS.every((k) => !(k in want) || want[k] === a[k]));
        if (i === -1) missing.push(want);
        else unexpected.splice(i, 1);
      }
      expect({ missing, unexpected }).toEqual({ missing: [], unexpected: [] });
    });
  }

  it('every check fires in some scenario', { timeout: 300_000 }, async () => {
    const fired = new Set<string>();
    for (const name of scenarios) for (const f of await scenarioFindings(name)) fired.add(f.check);
    expect(CHECKS.map((c) => c.id).filter((id) => !fired.has(id))).toEqual([]);
  });

  it("every severity a check produced is on that check's ladder", { timeout: 300_000 }, async () => {
    const off: string[] = [];
    for (const name of scenarios) {
      for (const f of await scenarioFindings(name)) {
        const ladder = CHECKS.find((c) => c.id === f.check)?.ladder ?? [];
        if (!ladderSeverities(ladder).includes(f.severity)) off.push(`${name}: ${f.check} ${f.severity} (${f.title})`);
      }
    }
    expect(off).toEqual([]);
  });

  it('the clean baseline raises nothing of medium or above', async () => {
    expect(scenarios).toContain('clean-baseline');
    const loud = (await scenarioFindings('clean-baseline')).filter((f) => severityRank(f.severity) <= severityRank('medium'));
    expect(loud.map((f) => `${f.severity} ${f.check} ${f.title} ${JSON.stringify(f.evidence).slice(0, 200)}`)).toEqual([]);
  });
});
