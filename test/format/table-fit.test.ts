// Tables fit the width they are given: free text wraps first, times break at their T, droppable columns go (named
// under the table), and ids are never cut or wrapped. Widths measured as a terminal shows them (string-width).
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { Lines, renderTable, terminalWidth, type Column } from '../../src/format/table.js';
import { wrapText } from '../../src/format/wrap.js';

const COLUMNS: Column[] = [
  { name: 'severity', kind: 'id' },
  { name: 'check', kind: 'id' },
  { name: 'first seen', kind: 'time' },
  { name: 'token', kind: 'id' },
  { name: 'sub', kind: 'id', drop: 1 },
  { name: 'kid', kind: 'id', drop: 2 },
  { name: 'title', kind: 'text' },
];
const ROWS = [
  ['critical', 'impossible-travel', '2026-03-14T09:28:30Z', '6dcb7870bb14', 'u-1007', 'acme-2026-rsa', 'Impossible travel: one token in London and Sydney 31.5 min apart'],
  ['high', 'weak-secret', '2026-03-14T11:00:04Z', new Lines(['b4816f9e9968', '2eff80e17eae', '… and 5 more']), 'u-1000', 'acme-internal-hs',
    'HMAC tokens of https://auth.acme.example signed with a publicly known secret (builtin list entry 3, 6 bytes)'],
];
const widest = (text: string): number => Math.max(...text.split('\n').map((l) => stringWidth(l)));

describe('renderTable fitting', () => {
  it('at 200 columns shows every column, each row on one line (no separator between rows)', () => {
    const out = renderTable(COLUMNS, ROWS.slice(0, 1), { width: 200 });
    expect(widest(out)).toBeLessThanOrEqual(200);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(5); // top, head, head rule, one row, bottom
    expect(lines[3]).toContain('Impossible travel: one token in London and Sydney 31.5 min apart');
    expect(out).not.toMatch(/not shown at/);
  });

  it('at 80 columns fits: the title wraps, the time breaks at T, kid then sub go and are named; ids stay whole', () => {
    const out = renderTable(COLUMNS, ROWS, { width: 80 });
    expect(widest(out)).toBeLessThanOrEqual(80);
    expect(out).toContain('(sub, kid not shown at 80 columns');
    for (const id of ['impossible-travel', '6dcb7870bb14', 'b4816f9e9968', '2eff80e17eae', '… and 5 more']) expect(out).toContain(id);
    expect(out).toMatch(/│ 2026-03-14 +│/);
    expect(out).toMatch(/│ T09:28:30Z +│/);
    // the title is all there, wrapped: its words in order down the last column
    const title = out.split('\n').map((l) => /│ ([^│]*?) *│$/.exec(l)?.[1] ?? '').join(' ');
    expect(title.replace(/\s+/g, ' ')).toContain('Impossible travel: one token in London and Sydney 31.5 min apart');
  });

  it('at 120 columns breaks the time before it drops a column; at 110 drops kid, keeps sub', () => {
    const wide = renderTable(COLUMNS, ROWS, { width: 120 });
    expect(widest(wide)).toBeLessThanOrEqual(120);
    expect(wide).toContain('acme-internal-hs');
    expect(wide).not.toMatch(/not shown at/);
    const narrower = renderTable(COLUMNS, ROWS, { width: 110 });
    expect(widest(narrower)).toBeLessThanOrEqual(110);
    expect(narrower).toContain('u-1007');
    expect(narrower).toContain('(kid not shown at 110 columns');
  });

  it('a pipe or file without COLUMNS keeps full width; COLUMNS wins, also when not a terminal', () => {
    expect(terminalWidth({}, { isTTY: false })).toBe(Infinity);
    expect(terminalWidth({}, { isTTY: true, columns: 132 })).toBe(132);
    expect(terminalWidth({ COLUMNS: '90' }, { isTTY: false })).toBe(90);
    expect(terminalWidth({ COLUMNS: '90' }, { isTTY: true, columns: 132 })).toBe(90);
    expect(terminalWidth({ COLUMNS: 'wide' }, { isTTY: false })).toBe(Infinity);
    expect(terminalWidth({ COLUMNS: '5' }, { isTTY: false })).toBe(40); // a floor: nothing fits in five
  });

  it('a token in a wrapped cell becomes its fingerprint before it is cut across lines', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTEwMDAiLCJpYXQiOjE3NzM0ODYwMDB9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl';
    const out = renderTable(['note'], [[`seen ${jwt} at the gateway`]], { width: 40 });
    expect(out).not.toContain('eyJhbGciOiJIUzI1NiJ9.eyJ');
    expect(widest(out)).toBeLessThanOrEqual(40);
  });

  it('wraps by display width (wide characters count two) and cuts a long path after a slash', () => {
    for (const line of wrapText('東京 大阪 名古屋 札幌 福岡 神戸 京都', 8)) expect(stringWidth(line)).toBeLessThanOrEqual(8);
    expect(wrapText('fixtures/incident-acme/keys/acme-2026-rsa.pem', 30)).toEqual(['fixtures/incident-acme/keys/', 'acme-2026-rsa.pem']);
    expect(wrapText('a'.repeat(25), 10)).toEqual(['a'.repeat(10), 'a'.repeat(10), 'a'.repeat(5)]);
  });

  it('is linear: a table of 20,000 rows with long text fits in one pass', () => {
    const rows = Array.from({ length: 20_000 }, (_v, i) => ['low', 'bad-signature', '2026-03-14T11:00:00Z', `t${i}`, 'u', 'k', 'word '.repeat(40)]);
    const out = renderTable(COLUMNS, rows, { width: 100 });
    expect(widest(out)).toBeLessThanOrEqual(100);
  });
});

describe('a Lines cell from hostile input', () => {
  it('cuts each value to maxCell like any other cell (a 5,000-character kid does not make a 5,000-column table)', () => {
    const kid = 'k'.repeat(5000);
    const out = renderTable([{ name: 'kid', kind: 'id' }], [[new Lines([kid, 'short'])]], { maxCell: 60, width: Infinity });
    const widest = Math.max(...out.split('\n').map((l) => l.length));
    expect(widest).toBeLessThanOrEqual(60 + 4);
    expect(out).toContain(`${'k'.repeat(59)}…`);
    expect(out).toContain('short');
  });
});
