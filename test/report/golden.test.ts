// Golden files: the fixed report (fixed times, relative paths, no colour) in every text format this project
// renders here. Regenerate with `UPDATE_GOLDEN=1 npx vitest run test/report/golden.test.ts`, then read the diff:
// a golden file is reviewed by a person, never refreshed blindly.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReport, type ReportFormat } from '../../src/report/render-report.js';
import { expectValidReport } from '../helpers/report-schema.js';
import { fixedReport, fixedTimelines } from './fixed-report.js';

const GOLDEN = new URL('./golden/', import.meta.url);
const CASES: [ReportFormat, string][] = [
  ['markdown', 'report.md'],
  ['sarif', 'report.sarif'],
  ['junit', 'report.junit.xml'],
  ['json', 'report.json'],
];

describe('golden reports', () => {
  it.each(CASES)('%s matches golden/%s', async (format, file) => {
    const text = await renderReport(format, fixedReport(), { timelines: fixedTimelines(), failOn: 'high', includeRaw: false });
    const path = new URL(file, GOLDEN);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
      if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`missing ${file}: run with UPDATE_GOLDEN=1 and review it`);
      writeFileSync(path, text);
    }
    expect(text).toBe(readFileSync(path, 'utf8'));
    expect(text).not.toMatch(/\u001b\[/); // no colour codes
    expect(text).not.toContain(process.cwd()); // no absolute paths
  });

  it('the golden JSON report is valid against docs/report.schema.json', () => {
    expectValidReport(JSON.parse(readFileSync(new URL('report.json', GOLDEN), 'utf8')));
  });
});
