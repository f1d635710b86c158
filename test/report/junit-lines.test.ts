// Issue 14 §8: a file name (or any logged value) with a line break cannot forge lines in the JUnit a CI server shows:
// inside a failure's text and <system-out> it is written `\n`, in attributes `&#10;`.
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/render-junit.js';
import { xmlProblems } from '../helpers/xml.js';
import { fixedReport } from './fixed-report.js';

const FORGED = 'logs/a.ndjson\nevent: forged.ndjson:1 (2026-01-01T00:00:00Z)\r\nremediation: nothing to do';

/** The text nodes of the document, entities decoded as a parser would (so `&#10;` counts as the newline it is). */
function texts(xml: string): string[] {
  const decode = (s: string): string =>
    s.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  return [...xml.matchAll(/>([^<]+)</g)].map((m) => decode(m[1]!));
}

describe('JUnit line breaks from the input', () => {
  const report = fixedReport();
  const findings = report.findings.map((f) => ({
    ...f,
    title: `${f.title}\nforged title line`,
    sub: f.sub ? `${f.sub}\u2028forged sub` : f.sub,
    events: f.events.map((e) => ({ ...e, source: FORGED })),
  }));
  const xml = renderJunit({ ...report, findings }, { failOn: 'high' });

  it('stays well-formed', () => {
    expect(xmlProblems(xml)).toEqual([]);
  });

  it('keeps every value on its own line in failures and system-out', () => {
    const lines = texts(xml).flatMap((t) => t.split(/\r\n|[\n\r\u2028\u2029]/));
    expect(lines.filter((l) => /^\s*(event: forged|remediation: nothing|forged title|forged sub)/.test(l))).toEqual([]);
    expect(xml).toContain('logs/a.ndjson\\nevent: forged.ndjson:1 (2026-01-01T00:00:00Z)\\r\\nremediation: nothing to do');
    // below the gate, in <system-out>, too
    expect(texts(xml).some((t) => t.includes('forged title line') && !t.includes('\nforged title line'))).toBe(true);
  });

  it('writes line breaks in attributes as character references', () => {
    const message = /<failure message="([^"]*)"/.exec(xml)![1]!;
    expect(message).toContain('&#10;forged title line');
    expect(message).not.toMatch(/[\n\r]/);
  });
});
