// `investigate --out DIR`: every format of one report into one folder, for the responder and the CI job.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Severity } from '../findings/finding.js';
import type { Store } from '../store/db.js';
import { writeOutFile } from '../util/out-file.js';
import { redactOutput } from '../util/redact.js';
import { criticalTimelines } from './critical-timelines.js';
import { keyLifecycles } from './key-lifecycle.js';
import { REPORT_FILES, REPORT_FORMATS, renderReport } from './render-report.js';
import type { Report } from './report.js';

/** Writes report.json, .md, .html, .sarif and .junit.xml into `dir` (created); returns the paths written. */
export async function writeReportFolder(store: Store, report: Report, dir: string, failOn: Severity): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const timelines = await criticalTimelines(store, report.findings);
  const keys = await keyLifecycles(store);
  const written: string[] = [];
  for (const format of REPORT_FORMATS) {
    const path = join(dir, REPORT_FILES[format]);
    // never through a link planted in the folder; the output guard is the last thing every text passes
    writeOutFile(path, redactOutput(await renderReport(format, report, { timelines, failOn, includeRaw: false, keys })));
    written.push(path);
  }
  return written;
}
