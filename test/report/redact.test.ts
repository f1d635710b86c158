// Every format's second guard: a raw token that slipped into a finding (a JWT pasted into a logged user agent)
// leaves as its fingerprint, unless --include-raw.
import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS, renderReport } from '../../src/report/render-report.js';
import { fingerprintOf } from '../../src/report/redact.js';
import { makeReport, normalFindings } from './html-fixtures.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2aWN0aW0ifQ.c2lnbmF0dXJlLWJ5dGVz';

describe('report redaction', () => {
  const findings = normalFindings();
  findings[0]!.evidence = { ...findings[0]!.evidence, ua: `curl/8 ${JWT}`, secret: 'hunter2' };
  const report = makeReport(findings);

  it.each(REPORT_FORMATS)('%s carries no raw token or secret by default', async (format) => {
    const out = await renderReport(format, report, { timelines: [], failOn: 'high', includeRaw: false });
    expect(out).not.toContain(JWT);
    expect(out).not.toContain('hunter2');
    if (format !== 'sarif' && format !== 'junit') expect(out).toContain(fingerprintOf(JWT));
  });

  it('--include-raw keeps them', async () => {
    const out = await renderReport('json', report, { timelines: [], failOn: 'high', includeRaw: true });
    expect(out).toContain(JWT);
  });
});
