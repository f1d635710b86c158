// docs/report.schema.json is strict where the shape is fixed: it must accept the real shape and refuse drift.
import { describe, expect, it } from 'vitest';
import { expectValidReport } from '../helpers/report-schema.js';
import { fixedReport } from './fixed-report.js';

const mutated = (change: (r: Record<string, any>) => void): unknown => {
  const r = JSON.parse(JSON.stringify(fixedReport())) as Record<string, any>;
  change(r);
  return r;
};

describe('the report JSON schema', () => {
  it('accepts the fixed report', () => {
    expectValidReport(JSON.parse(JSON.stringify(fixedReport())));
  });

  it.each([
    ['an unknown top-level field', (r: Record<string, any>) => (r.extra = 1)],
    ['an unknown finding field', (r: Record<string, any>) => (r.findings[0].raw = 'eyJ…')],
    ['a raw token where the fingerprint goes', (r: Record<string, any>) => (r.findings[0].token = 'eyJhbGciOiJub25lIn0.e30.')],
    ['an unknown severity', (r: Record<string, any>) => (r.findings[0].severity = 'severe')],
    ['a missing summary level', (r: Record<string, any>) => delete r.summary.info],
    ['a short sha256', (r: Record<string, any>) => (r.inputs[0].sha256 = 'abc')],
    ['a time without zone', (r: Record<string, any>) => (r.findings[0].first_seen = '2026-03-14 11:05:00')],
    ['an event line 0', (r: Record<string, any>) => (r.findings[0].events[0].line = 0)],
    ['no containment list', (r: Record<string, any>) => delete r.containment],
    ['an unknown containment action', (r: Record<string, any>) => (r.containment.actions[0].action = 'nuke')],
    ['a raw token in a containment action', (r: Record<string, any>) => (r.containment.actions[1].tokens = ['eyJhbGciOiJub25lIn0.e30.'])],
    ['a containment action no finding justifies', (r: Record<string, any>) => (r.containment.actions[0].findings = [])],
    ['a missing containment count', (r: Record<string, any>) => delete r.containment.counts['block-ip']],
  ])('refuses %s', (_what, change) => {
    expect(() => expectValidReport(mutated(change))).toThrow();
  });
});
