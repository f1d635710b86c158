// excerpt() cuts hostile text for messages: tokens masked, controls stripped, short. It used a regex over the whole
// string before cutting: quadratic on long base64url runs (a 100 KB unreadable line took 26 s to explain).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainLine } from '../../src/ingest/line-reasons.js';
import { excerpt } from '../../src/util/sanitize.js';

/** The old definition, kept as the reference for what is masked and how the result is cut. */
function reference(text: string, max = 80): string {
  const cut = text.replace(/[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '<token>');
  const clean = cut.replace(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, '\uFFFD');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

describe('excerpt', () => {
  it('masks tokens, strips controls and cuts exactly as the reference does (random strings of token-ish pieces)', () => {
    const piece = fc.constantFrom('a', 'B', '9', '_', '-', '.', ' ', '\n', '\u001b', 'abcdefgh', 'eyJhbGciOi', '..', '=');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 1, max: 100 }), (parts, max) => {
        const text = parts.join('');
        expect(excerpt(text, max)).toBe(reference(text, max));
      }),
      { numRuns: 5000 },
    );
  });

  it('a token is masked whole, never shown in part at the cut', () => {
    const token = `${'eyJhbGciOiJIUzI1NiJ9'}.${'eyJzdWIiOiJhbGljZSJ9'}.${'c2lnbmF0dXJlLWJ5dGVz'}`;
    expect(excerpt(`reason: ${token} end`, 20)).toBe('reason: <token> end');
    expect(excerpt(`${'x'.repeat(15)} ${token}`, 20)).toBe(`${'x'.repeat(15)} <tok…`);
  });

  // Linear, not timed: on a quadratic implementation these inputs take hours, here they finish within the default
  // test timeout. Each shape defeated the old pattern: one long run, runs broken by dots, short runs broken by spaces.
  it('explains a 16 MiB unreadable line of each hostile shape', () => {
    const n = 16 * 1024 * 1024;
    for (const unit of ['a', 'a.', 'aaaaaaaa.', 'a ']) {
      const line = Buffer.from(`{"x":${unit.repeat(Math.floor(n / unit.length))}`);
      const verdict = explainLine(line, false);
      expect(verdict.reason).toBe('bad-json');
      expect(verdict.detail.length).toBeLessThan(200);
    }
    expect(excerpt('k'.repeat(45_000), 60)).toBe(`${'k'.repeat(60)}…`);
  });
});
