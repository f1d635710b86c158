// The five report formats behind one call, shared by `report` (one file) and `investigate --out` (all of them).
import { toJson } from '../format/serialize.js';
import type { Severity } from '../findings/finding.js';
import type { Timeline } from '../timeline/types.js';
import { renderJunit } from './render-junit.js';
import { renderMarkdown } from './render-markdown.js';
import { renderSarif } from './render-sarif.js';
import { redactDeep } from '../util/redact.js';
import type { Report } from './report.js';
import type { KeyLifecycle } from './key-lifecycle.js';

export const REPORT_FORMATS = ['markdown', 'json', 'html', 'sarif', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The file names `investigate --out DIR` writes. */
export const REPORT_FILES: Record<ReportFormat, string> = {
  json: 'report.json',
  markdown: 'report.md',
  html: 'report.html',
  sarif: 'report.sarif',
  junit: 'report.junit.xml',
};

export interface RenderOptions {
  /** the stories of the critical findings: only Markdown and HTML show them */
  timelines: readonly Timeline[];
  /** JUnit: the lowest severity that is a <failure> */
  failOn: Severity;
  includeRaw: boolean;
  /** the keys' rotation records: only HTML shows them (the chart's key strip) */
  keys?: readonly KeyLifecycle[];
}

/** Timelines cost a query per critical finding: build them only for the formats that show them. */
export function showsTimelines(format: ReportFormat): boolean {
  return format === 'markdown' || format === 'html';
}

export async function renderReport(format: ReportFormat, unsafe: Report, opts: RenderOptions): Promise<string> {
  // Checks keep raw tokens and secrets out of findings; this is every format's second guard (a JWT pasted into a
  // logged user agent is still a JWT), lifted only by --include-raw.
  const report = opts.includeRaw ? unsafe : redactDeep(unsafe);
  const timelines = opts.includeRaw ? opts.timelines : redactDeep(opts.timelines);
  opts = { ...opts, timelines };
  switch (format) {
    case 'json':
      return toJson(report);
    case 'markdown':
      return renderMarkdown(report, { timelines: opts.timelines });
    case 'sarif':
      return renderSarif(report);
    case 'junit':
      return renderJunit(report, { failOn: opts.failOn });
    case 'html': {
      const { renderHtml } = await import('./render-html.js');
      return renderHtml(report, { timelines: [...opts.timelines], includeRaw: opts.includeRaw, keys: opts.keys });
    }
  }
}
