// Issue 14 §6: the one guard every printed text passes (src/cli/output.ts): a JWT anywhere — in JSON, CSV, a table,
// or Markdown where escaping put backslashes into it — leaves as its fingerprint, unless the output was asked raw.
import { describe, expect, it } from 'vitest';
import { guardOutput } from '../../src/cli/output.js';
import { escapeMarkdown, toMarkdownTable } from '../../src/format/markdown.js';
import { toCsv, toJson } from '../../src/format/serialize.js';
import { renderTable } from '../../src/format/table.js';
import { fingerprintOf } from '../../src/report/redact.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2aWN0aW0tXy0ifQ.c2lnbmF0dXJl-Ynl0ZXM_';
const FP = `[token ${fingerprintOf(JWT)}]`;

describe('the output guard', () => {
  it.each([
    ['json', toJson({ ua: `curl/8 ${JWT}`, [`reason ${JWT}`]: 1 })],
    ['csv', toCsv(['ua'], [[`a;${JWT}`]])],
    ['markdown table', toMarkdownTable(['ua'], [[`x ${JWT} y`]])],
    ['markdown text', escapeMarkdown(`reason: ${JWT}.`)],
    ['table', renderTable(['ua'], [[JWT]], { maxCell: 200 })],
  ])('replaces a token in %s by its fingerprint', (_what, text) => {
    const out = guardOutput(text);
    expect(out).not.toContain(JWT);
    expect(out).not.toMatch(/eyJhbGciOiJIUzI1NiJ9/);
    expect(out).toContain(FP);
  });

  it('keeps it with includeRaw (report --include-raw, query --include-raw), and strips controls either way', () => {
    expect(guardOutput(`${JWT}\u001b[2J`, { includeRaw: true })).toBe(`${JWT}\uFFFD[2J`);
    expect(guardOutput(`${JWT}\u001b[2J`)).toBe(`${FP}\uFFFD[2J`);
  });

  it('a table cell cut to its width never shows part of a token', () => {
    const text = renderTable(['ua'], [[`Mozilla/5.0 ${JWT}`]], { maxCell: 40 });
    expect(text).not.toContain('eyJhbGci');
    expect(text).toContain(FP);
  });
});
