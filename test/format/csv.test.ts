// Issue 14 §8: CSV cells cannot start a formula in a spreadsheet, whatever it takes as the separator (`,` or `;`).
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/format/serialize.js';

describe('CSV cells', () => {
  it('neutralise a formula at the start', () => {
    for (const c of ['=1+1', '+1', '-1+2', '@SUM(A1)']) expect(csvCell(c)).toBe(`'${c}`);
  });

  it('neutralise a formula after a `;` or `,` (a `;` locale splits the cell there) and quote the cell', () => {
    expect(csvCell('a;=cmd|"/C calc"!A0')).toBe(`"a;'=cmd|""/C calc""!A0"`);
    expect(csvCell('a; =1+1')).toBe(`"a; '=1+1"`);
    expect(csvCell('x,+1')).toBe(`"x,'+1"`);
    expect(csvCell('a;@x;-2')).toBe(`"a;'@x;'-2"`);
  });

  it('quote a cell holding a `;` even without a formula; leave plain cells alone', () => {
    expect(csvCell('Mozilla/5.0 (X11; Linux x86_64)')).toBe('"Mozilla/5.0 (X11; Linux x86_64)"');
    expect(csvCell('plain text')).toBe('plain text');
    expect(csvCell('a-b')).toBe('a-b');
    expect(csvCell(42)).toBe('42');
  });

  it('make whole rows no spreadsheet splits into a formula, with either separator', () => {
    const csv = toCsv(['ua'], [['ok;=HYPERLINK("http://evil")'], ['x,@y']]);
    for (const sep of [',', ';']) {
      for (const row of csv.trimEnd().split('\n')) {
        // a quote-aware split: quoted cells stay whole, as a spreadsheet reads them
        const cells = row.match(new RegExp(`("([^"]|"")*"|[^${sep}]*)`, 'g'))!.filter((c) => c !== '');
        for (const cell of cells) expect(cell.replace(/^"/, ''), `${sep} ${row}`).not.toMatch(/^[=+\-@]/);
      }
    }
  });
});
