import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry.js';
import { renderSarif, uriOf } from '../../src/report/render-sarif.js';
import { expectValidSarif } from '../helpers/sarif-schema.js';
import { FIXED_FINDINGS, fixedReport } from './fixed-report.js';

const sarif = (): Log => JSON.parse(renderSarif(fixedReport())) as Log;

describe('SARIF 2.1.0', () => {
  it('is valid against the SARIF 2.1.0 schema', () => {
    expectValidSarif(sarif());
    expectValidSarif(JSON.parse(renderSarif(fixedReport([]))));
    // and the validator does refuse what SARIF does not allow
    const bad = sarif();
    bad.runs[0]!.results![0]!.level = 'critical' as never;
    expect(() => expectValidSarif(bad)).toThrow();
  });

  it('has every check of the registry as a rule, with title, description and remediation', () => {
    const rules = sarif().runs[0]!.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual(CHECKS.map((c) => c.id));
    const algNone = CHECKS.find((c) => c.id === 'alg-none')!;
    expect(rules[0]).toMatchObject({
      id: 'alg-none',
      shortDescription: { text: algNone.title },
      fullDescription: { text: algNone.description },
      help: { text: algNone.remediation },
    });
  });

  it('maps severity to level and keeps the finding id as a stable fingerprint', () => {
    const run = sarif().runs[0]!;
    const levels = Object.fromEntries(run.results!.map((r) => [r.properties!.severity, r.level]));
    expect(levels).toEqual({ critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' });
    for (const r of run.results!) {
      expect(run.tool.driver.rules![r.ruleIndex!]!.id).toBe(r.ruleId);
      expect(FIXED_FINDINGS.map((f) => f.id)).toContain(r.partialFingerprints!['jwtForensicsFindingId/v1']);
    }
  });

  it('points at the file and line of the first event, else at the key file', () => {
    const results = sarif().runs[0]!.results!;
    const reuse = results.find((r) => r.ruleId === 'refresh-reuse')!;
    expect(reuse.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'logs/auth-events.ndjson' }, region: { startLine: 294 } });
    const weak = results.find((r) => r.ruleId === 'weak-key')!;
    expect(weak.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'keys/jwks.json' } });
  });

  it('records the inputs with their sha256 as artifacts', () => {
    expect(sarif().runs[0]!.artifacts).toEqual([
      { location: { uri: 'keys/jwks.json' }, hashes: { 'sha-256': 'a'.repeat(64) } },
      { location: { uri: 'logs/auth-events.ndjson' }, hashes: { 'sha-256': 'b'.repeat(64) } },
    ]);
  });

  it('writes paths as URI references', () => {
    expect(uriOf('logs/a b#1.ndjson')).toBe('logs/a%20b%231.ndjson');
    expect(uriOf('/var/case 1/x.ndjson')).toBe('file:///var/case%201/x.ndjson');
  });

  it('carries the containment list in the run properties, and each result names the actions it justifies', () => {
    const report = fixedReport();
    const id = report.findings[0]!.id;
    const actions = report.containment.actions.map((a, i) => (i === 0 ? { ...a, findings: [id] } : a));
    const log = JSON.parse(renderSarif({ ...report, containment: { ...report.containment, actions } })) as Log;
    expectValidSarif(log);
    const run = log.runs[0]!;
    expect((run.properties as { containment: { actions: unknown[] } }).containment.actions).toHaveLength(actions.length);
    const withActions = run.results!.filter((r) => r.properties?.containment_actions);
    expect(withActions.map((r) => r.partialFingerprints?.['jwtForensicsFindingId/v1'])).toEqual([id]);
    expect(withActions[0]!.properties!.containment_actions).toEqual(['revoke-key acme-es-1']);
  });
});
