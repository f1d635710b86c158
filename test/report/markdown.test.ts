import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { duration } from '../../src/report/render-markdown-timeline.js';
import { fixedReport, fixedTimelines } from './fixed-report.js';

const md = renderMarkdown(fixedReport(), { timelines: fixedTimelines() });

describe('the Markdown report', () => {
  it('has the summary, coverage, findings by check, the critical timelines and the chain of custody, in that order', () => {
    const sections = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual(['Summary', 'Coverage', 'What to act on', 'Findings', 'Timelines of the critical findings', 'Inputs (chain of custody)']);
    expect(md).toContain('| critical | 2 |');
    const checks = [...md.matchAll(/^### ([a-z\\-]+) \(/gm)].map((m) => m[1]!.replace(/\\/g, ''));
    expect(checks).toEqual(['refresh-reuse', 'alg-none', 'bad-signature', 'weak-key', 'stale-client', 'unused-key']);
    expect(md).toContain('Revoke the refresh family and the session');
    expect(md).toContain('b'.repeat(64));
  });

  it('escapes <script> and | planted in a sub or a user agent, in text and in tables', () => {
    expect(md).not.toMatch(/<script|<img/i);
    expect(md).toContain('&lt;script&gt;');
    // every table row keeps its column count: no unescaped pipe from the logs splits a cell
    for (const table of md.split(/\n\n/).filter((b) => b.startsWith('| '))) {
      const widths = table.trim().split('\n').map((row) => row.split(/(?<!\\)\|/).length);
      expect(new Set(widths).size).toBe(1);
    }
  });

  it('drops control and bidi characters, so the rendered page reads as the data', () => {
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e]/);
  });

  it('marks the line a finding touches, and a jump between places', () => {
    expect(md).toContain('Changchun, CN (moved)');
    expect(md).toContain('critical alg-none');
    expect(md).toContain('+1h 5m');
  });

  it('leaves the timelines out when there are none, and says when nothing was found', () => {
    expect(renderMarkdown(fixedReport())).not.toContain('## Timelines');
    expect(renderMarkdown(fixedReport([]))).toContain('No findings.');
  });

  it('writes durations in the unit a reader needs', () => {
    expect([0, 45, 60, 1890, 3600, 18120, 86400, 273600].map(duration)).toEqual(['0s', '45s', '1m', '31m 30s', '1h', '5h 2m', '1d', '3d 4h']);
  });
});
