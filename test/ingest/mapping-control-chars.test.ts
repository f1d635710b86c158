// A mapping file is input too: its paths are printed in reject details ("reads one event per element of $.x", "reads
// the time from $.y") and in its own errors, so a path holding a control character is refused, and the refusal
// carries none.
import { describe, expect, it } from 'vitest';
import { compileMapping } from '../../src/ingest/mapping/mapping.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const base = { name: 'hostile', fields: { ts: '$.time' } };

function refusal(file: unknown): string {
  try {
    compileMapping(file, 'hostile\u001b[2J.json');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('control characters in a mapping file', () => {
  it.each([
    ['a field path', { ...base, fields: { ts: '$.time\u001b]0;pwned\u0007' } }, /fields\.ts/],
    ['a pick value', { ...base, fields: { ts: '$.list[Name=\u001b[31m].Value' } }, /fields\.ts/],
    ['an each path', { ...base, each: '$.events\u001b[2J' }, /each/],
    ['a raw path', { ...base, raw: { a: '$.x\u009b2J' } }, /raw\.a/],
    ['a key of the file', { ...base, 'evil\u001b[2J': 1 }, /unknown key/],
  ])('%s is refused, and the message carries no control character', (_what, file, where) => {
    const message = refusal(file);
    expect(message).toMatch(where);
    expect(message).not.toMatch(CONTROL);
  });

  it('plain paths still compile', () => {
    expect(compileMapping({ ...base, each: '$.events', fields: { ts: '$.time', sub: '$.list[Name=user.id].Value' } }, 'ok').label).toBe('mapping:hostile');
  });
});
