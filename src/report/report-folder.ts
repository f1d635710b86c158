// `investigate --out DIR`: every format of one report into one folder, for the responder and the CI job.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Severity } from '../findings/finding.js';
import type { Store } from '../store/db.js';
import { redactOutput } from '../util/redact.js';
import { criticalTimelines } from './critical-timelines.js';
import { keyLifecycles } from './key-lifecycle.js';
import { REPORT_FILES, REPORT_FORMATS, renderReport } from './render-report.js';
import type { Report } from './report.js';
import type { SigningKey } from './sign-report.js';
import { writeReportFile } from './write-report.js';

/** Writes report.json, .md, .html, .sarif and .junit.xml into `dir` (created), each recorded in the ledger and, with
 *  a signing key, signed (`<file>.jws`); returns the paths written. */
export async function writeReportFolder(store: Store, report: Report, dir: string, failOn: Severity, signer: SigningKey | null = null): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const timelines = await criticalTimelines(store, report.findings);
  const keys = await keyLifecycles(store);
  const written: string[] = [];
  for (const format of REPORT_FORMATS) {
    const path = join(dir, REPORT_FILES[format]);
    // never through a link planted in the folder; the output guard is the last thing every text passes
    const text = redactOutput(await renderReport(format, report, { timelines, failOn, includeRaw: false, keys }));
    const done = await writeReportFile(store, path, text, { format, ledgerHead: report.ledger_head, signer });
    written.push(path, ...(done.signature ? [done.signature] : []));
  }
  return written;
}
