import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry.js';
import { renderJunit } from '../../src/report/render-junit.js';
import { xmlProblems, type XmlElement } from '../helpers/xml.js';
import { fixedReport } from './fixed-report.js';

function parse(xml: string): XmlElement[] {
  const elements: XmlElement[] = [];
  expect(xmlProblems(xml, elements)).toEqual([]);
  return elements;
}

describe('JUnit XML', () => {
  it('is well-formed: one suite, one test case per check of the registry', () => {
    const elements = parse(renderJunit(fixedReport()));
    expect(elements.filter((e) => e.name === 'testsuite')).toHaveLength(1);
    expect(elements.filter((e) => e.name === 'testcase').map((e) => e.attrs.name)).toEqual(CHECKS.map((c) => c.id));
  });

  it('has a failure per finding at or above --fail-on (default high)', () => {
    const failures = (xml: string) => parse(xml).filter((e) => e.name === 'failure').map((e) => e.attrs.type);
    expect(failures(renderJunit(fixedReport()))).toEqual(['critical', 'high', 'critical']); // registry order: alg-none, bad-signature, refresh-reuse
    expect(failures(renderJunit(fixedReport(), { failOn: 'critical' }))).toEqual(['critical', 'critical']);
    expect(failures(renderJunit(fixedReport(), { failOn: 'info' }))).toHaveLength(6);
    const suite = parse(renderJunit(fixedReport(), { failOn: 'medium' })).find((e) => e.name === 'testsuite')!;
    expect(suite.attrs).toMatchObject({ tests: String(CHECKS.length), failures: '4' });
  });

  it('escapes markup and drops the control characters XML 1.0 forbids', () => {
    const xml = renderJunit(fixedReport(), { failOn: 'info' });
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('&lt;script&gt;');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(xml).toContain('\\u0000'); // evidence is JSON: the NUL arrives as the six characters \u0000, harmless
  });

  it('stays well-formed whatever a log planted', () => {
    const nasty = '\u0000\u0001\uffff\ud800 ]]> <!-- & &amp; " \' <x/> \u{1F600}';
    const report = fixedReport();
    const f = { ...report.findings[0]!, title: nasty, sub: nasty, evidence: { ua: nasty } };
    parse(renderJunit({ ...report, findings: [f] }, { failOn: 'info' }));
  });

  it('carries the containment list: counts as properties, one action a line in the suite output', () => {
    const xml = renderJunit(fixedReport());
    const elements = parse(xml);
    const props = elements.filter((e) => e.name === 'property').map((e) => [e.attrs.name, e.attrs.value]);
    expect(props).toContainEqual(['containment.min_severity', 'high']);
    expect(props).toContainEqual(['containment.revoke-key', '1']);
    expect(props).toContainEqual(['containment.rotate-key', '0']);
    expect(xml).toContain('revoke-key acme-es-1 (jkt 0Eq9UvWQUZL1g-yL3e7EiQ-GPwq1uJs_ZlB-P6lD5Hs)');
    expect(xml).toContain('deny-token 5c2af73f-e6e8-4fc1-9ff8-ba1ec2cf589f until 2026-03-14T11:19:50Z');
    expect(xml).toContain('revoke-subject &lt;script&gt;');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
  });

  it('says nothing of containment when the list is empty', () => {
    const report = fixedReport();
    const xml = renderJunit({ ...report, containment: { ...report.containment, actions: [] } });
    expect(xml).not.toContain('What to act on');
  });
});
