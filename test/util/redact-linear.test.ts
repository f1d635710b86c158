// Issue 14 §6: the redaction every output passes finds tokens in one pass. The pattern it replaces
// (eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*) backtracked over every `eyJ` of a long run without dots:
// a logged 240 KB `eyJeyJ…` took 2 minutes to print. Same output as that pattern, on random and hostile text.
import { describe, expect, it } from 'vitest';
import { fingerprintOf, redactOutput, redactString } from '../../src/util/redact.js';

// the patterns as they were, for the comparison
const OLD = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
const SEG = String.raw`(?:[A-Za-z0-9]|\\?[_-])`;
const DOT = String.raw`\\?\.`;
const OLD_RENDERED = new RegExp(`eyJ${SEG}{4,}${DOT}${SEG}*${DOT}${SEG}*`, 'g');
const oldString = (t: string): string => t.replace(OLD, (j) => `[token ${fingerprintOf(j)}]`);
const oldOutput = (t: string): string => t.replace(OLD_RENDERED, (j) => `[token ${fingerprintOf(j.replace(/\\/g, ''))}]`);

/** Deterministic random text over the characters that matter (a small LCG: the same cases every run). */
function cases(n: number): string[] {
  let seed = 14;
  const rnd = (k: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % k;
  };
  const atoms = ['eyJ', 'eyJhbGci', '.', '\\.', '\\-', '\\_', '-', '_', 'a', 'Z', '9', ' ', '\\', 'e', 'y', 'J', '"', 'eyJ0eXAiOiJKV1Qi'];
  return Array.from({ length: n }, () => Array.from({ length: rnd(40) }, () => atoms[rnd(atoms.length)]).join(''));
}

describe('token redaction', () => {
  it('gives the output of the old patterns on 5,000 random texts', () => {
    for (const text of cases(5000)) {
      expect(redactString(text), JSON.stringify(text)).toBe(oldString(text));
      expect(redactOutput(text), JSON.stringify(text)).toBe(oldOutput(text));
    }
  });

  it('redacts real tokens, plain and Markdown-escaped, by the fingerprint of the token', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2aWN0aW0tXy0ifQ.c2ln-bmF0_dXJl';
    const fp = `[token ${fingerprintOf(jwt)}]`;
    expect(redactString(`ua curl ${jwt}, again:${jwt}.`)).toBe(`ua curl ${fp}, again:${fp}.`);
    expect(redactOutput(jwt.replace(/([._-])/g, '\\$1'))).toBe(fp);
  });

  it('reads 2 MiB hostile runs in linear time (the old pattern: hours)', () => {
    const distinct = Array.from({ length: 75_000 }, (_, i) => `eyJ${i.toString(36).padStart(5, 'a')}.p.s`).join('.');
    for (const text of ['eyJ'.repeat(700_000), 'eyJabcd.'.repeat(260_000), `${'a.'.repeat(1_000_000)}eyJabcde`, 'eyJ\\-'.repeat(400_000), distinct]) {
      const t0 = performance.now();
      redactString(text);
      redactOutput(text);
      expect(performance.now() - t0, text.slice(0, 20)).toBeLessThan(10_000);
    }
  }, 60_000);
});
