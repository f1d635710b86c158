// Colour is ours only: our SGR sequences survive on a colour terminal, the input's escapes never do.
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { paint, renderTable } from '../../src/format/table.js';
import { stripControlKeepColour } from '../../src/util/sanitize.js';

const red = new Chalk({ level: 1 }).red;

describe('colour on a terminal', () => {
  it('keeps our colours and strips the input’s control sequences in table cells', () => {
    const table = renderTable(['a', 'b'], [[paint(red, 'critical'), 'x\u001b]0;owned\u0007\u001b[2Jy']]);
    expect(table).toContain(red('critical'));
    expect(table).not.toMatch(/\u001b\]|\u0007|\u001b\[2J/);
  });

  it('strips the input before painting it', () => {
    expect(paint(red, 'a\u001b[2Jb').text).toBe(red('a\uFFFD[2Jb'));
  });

  it('lets only SGR sequences through at the output', () => {
    expect(stripControlKeepColour(`${red('ok')} \u001b[2J \u001b]0;t\u0007`)).toBe(`${red('ok')} \uFFFD[2J \uFFFD]0;t\uFFFD`);
  });
});
