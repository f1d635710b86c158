// One test per scenario folder: the findings of the checks it judges must match its expected.json exactly
// (each expected entry matches one finding on the fields it pins; no finding of those checks is left over).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
