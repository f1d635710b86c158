// Coverage in every report format, each in its own convention: a check that had nothing to look at is said, never
// shown as clean (Markdown and HTML tables, SARIF notes, JUnit skipped test cases, the terminal's line next to the counts).
import { Chalk } from 'chalk';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { renderCoverage, renderFindingsTable } from '../../src/report/render-findings.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderJunit } from '../../src/report/render-junit.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderSarif } from '../../src/report/render-sarif.js';
import { expectValidReport } from '../helpers/report-schema.js';
import { expectValidSarif } from '../helpers/sarif-schema.js';
import { FIXED_COVERAGE, fixedReport } from './fixed-report.js';

const plain = new Chalk({ level: 0 });
const idle = FIXED_COVERAGE.filter((e) => !e.evaluated);

describe('coverage in the reports', () => {
  it('is in the JSON report, valid against the schema', () => {
    const report = fixedReport();
    expectValidReport(JSON.parse(JSON.stringify(report)));
    expect(report.coverage).toEqual(FIXED_COVERAGE);
  });

  it('Markdown: a coverage table, and the summary says how many checks were not evaluated', () => {
    const md = renderMarkdown(fixedReport());
    expect(md).toContain('## Coverage');
    expect(md).toContain('| impossible-travel | yes | 1,204 of 2,201 events located |  |');
    expect(md).toContain('| key-rotation-gap | no | 0 of 3 registry keys have rotation records | no key rotation records |');
    expect(md).toMatch(/2 check\(s\) were not evaluated: they had nothing to look at/);
  });

  it('HTML: a coverage section with every check, the ones not evaluated marked', () => {
    const page = renderHtml(fixedReport(), { timelines: [] });
    const section = page.slice(page.indexOf('<section class="part" id="coverage">'), page.indexOf('<section class="part" id="chart">'));
    for (const e of FIXED_COVERAGE) expect(section).toContain(`<code>${e.check}</code>`);
    expect(section.match(/<tr class="not-evaluated">/g)).toHaveLength(idle.length);
    expect(section).toContain('1,204 of 2,201 events located');
    expect(section).toContain('no key rotation records');
    expect(section).toContain('2 checks were not evaluated');
  });

  it('SARIF: the coverage in run properties, a note per check not evaluated, still valid SARIF 2.1.0', () => {
    const log = JSON.parse(renderSarif(fixedReport())) as Log;
    expectValidSarif(log);
    const run = log.runs[0]!;
    expect(run.properties?.coverage).toEqual(FIXED_COVERAGE);
    const notes = run.invocations!.flatMap((i) => i.toolExecutionNotifications ?? []);
    expect(notes.map((n) => [n.level, n.associatedRule?.id])).toEqual(idle.map((e) => ['note', e.check]));
    expect(notes[0]!.message.text).toBe(`${idle[0]!.check}: not evaluated: ${idle[0]!.why}`);
    const rules = run.tool.driver.rules!;
    for (const n of notes) expect(rules[n.associatedRule!.index!]!.id).toBe(n.associatedRule!.id);
  });

  it('JUnit: a skipped test case per check not evaluated, the suite counting them, coverage as properties', () => {
    const xml = renderJunit(fixedReport());
    expect(xml).toContain(`skipped="${idle.length}"`);
    for (const e of idle) {
      expect(xml).toContain(`<testcase classname="jwt-forensics" name="${e.check}" time="0">\n      <skipped message="not evaluated: ${e.why}"/>`);
    }
    expect(xml).toContain('<property name="coverage.impossible-travel" value="1,204 of 2,201 events located"/>');
  });

  it('terminal: "No findings" says when checks had nothing to look at; the coverage list says how much each examined', () => {
    const none = renderFindingsTable(fixedReport([]), plain);
    expect(none).toBe('No findings. (0 critical, 0 high, 0 medium, 0 low, 0 info) — 2 check(s) not evaluated: nothing to look at (see Coverage)\n');
    const list = renderCoverage(FIXED_COVERAGE, plain);
    expect(list).toContain('Coverage\n');
    expect(list).toMatch(/ {2}impossible-travel +1,204 of 2,201 events located\n/);
    expect(list).toMatch(/ {2}revoked-use +not evaluated: no revocations \(no revocation records, revoke or logout events\)\n/);
    const all = renderFindingsTable({ ...fixedReport([]), coverage: FIXED_COVERAGE.filter((e) => e.evaluated) }, plain);
    expect(all).toBe('No findings. (0 critical, 0 high, 0 medium, 0 low, 0 info)\n');
  });
});
