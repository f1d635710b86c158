// Mechanical conventions as tests: every catalogue id exists, is kebab-case, lives in the file named after it.
// (That each fires in some scenario and never loudly on the clean baseline is in scenarios.test.ts, which has
// the scenarios' findings at hand.)
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry.js';

const DESIGN = readFileSync(new URL('../../docs/DESIGN.md', import.meta.url), 'utf8');
const catalogue = DESIGN.slice(DESIGN.indexOf('## Check catalogue'));
const DESIGN_IDS = [...catalogue.matchAll(/^\| `([a-z0-9-]+)`/gm)].map((m) => m[1]!);

describe('the check registry', () => {
  it('reads the catalogue', () => {
    expect(DESIGN_IDS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(DESIGN_IDS)('has %s', (id) => {
    expect(CHECKS.map((c) => c.id)).toContain(id);
  });

  it('has unique kebab-case ids, each in its own file, each with text a responder can use', async () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of CHECKS) {
      expect(check.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      const file = new URL(`../../src/checks/${check.id}.ts`, import.meta.url);
      expect(existsSync(file), `src/checks/${check.id}.ts`).toBe(true);
      const mod = (await import(file.href)) as Record<string, unknown>;
      expect(Object.values(mod)).toContain(check);
      expect(check.title.length).toBeGreaterThan(5);
      expect(check.description.length).toBeGreaterThan(40);
      expect(check.remediation.length).toBeGreaterThan(20);
      expect(Boolean(check.run) || Boolean(check.sql && check.toFinding)).toBe(true);
    }
  });
});
