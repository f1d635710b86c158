// Terminal tables and cells: colour is ours only, every value from the input stripped of control characters first.
// A table fits the width it is given (the terminal's, or COLUMNS): free text wraps first, then times break at their
// `T`, then the columns a table marks as droppable go (named under it); ids are never cut or wrapped.
import { redactString } from '../util/redact.js';
import { stripControlInline } from '../util/sanitize.js';
import { displayWidth, wrapText } from './wrap.js';

export type Cell = string | number | bigint | boolean | null | undefined | Date | Styled;

/** A table cell we painted ourselves: its text was stripped before the colour went on, so it is kept as is. */
export class Styled {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A cell of several values, one a line (the first few tokens of a group): each stripped and cut to maxCell, none wrapped. */
export class Lines {
  readonly lines: string[];
  constructor(values: readonly unknown[]) {
    this.lines = values.map((v) => stripControlInline(cellText(v)));
  }
}

/** Paint a value: strip it first, then colour it. */
export function paint(style: (s: string) => string, value: unknown): Styled {
  return new Styled(style(stripControlInline(cellText(value))));
}

export function cellText(v: Cell | unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Styled) return v.text;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/**
 * What a column holds, which decides what fitting may do to it: `text` wraps (to no less than MIN_TEXT), a `time`
 * breaks at its `T` into date and time, an `id` (token, kid, sub, check) and a `number` stay whole. `drop` marks a
 * column that may be left out when nothing else makes the table fit: the highest goes first.
 */
export interface Column {
  name: string;
  kind?: 'id' | 'text' | 'time' | 'number';
  drop?: number;
}

export interface TableOptions {
  /** a cell longer than this is cut (its tokens replaced by fingerprints first) */
  maxCell?: number;
  /** columns to fit in; default: terminalWidth() */
  width?: number;
}

/** text narrows to READABLE_TEXT before any column is dropped, to MIN_TEXT only when nothing else is left */
const READABLE_TEXT = 28;
const MIN_TEXT = 8;
const MIN_WIDTH = 40;

/**
 * The width tables fit: `COLUMNS` when it is set (also for output that is not a terminal), else the terminal's
 * columns; a pipe or file without COLUMNS keeps full width (Infinity).
 */
export function terminalWidth(env: NodeJS.ProcessEnv = process.env, out: { isTTY?: boolean; columns?: number } = process.stdout): number {
  const set = env.COLUMNS?.trim();
  if (set && /^\d{1,5}$/.test(set) && Number(set) > 0) return Math.max(MIN_WIDTH, Number(set));
  if (out.isTTY && out.columns && out.columns > 0) return Math.max(MIN_WIDTH, out.columns);
  return Infinity;
}

/**
 * A table (drawn by drawBox); every cell stripped of control characters. A cell cut to `maxCell`, or wrapped to fit, has its
 * tokens replaced by their fingerprints first: a token cut in half would slip past the output guard (src/cli/output.ts).
 */
export function renderTable(head: readonly (string | Column)[], rows: readonly unknown[][], opts: TableOptions = {}): string {
  const max = opts.maxCell ?? 80;
  const columns = head.map((h) => (typeof h === 'string' ? { name: h, kind: 'text' as const } : { kind: 'text' as const, ...h }));
  const cells = rows.map((row) => columns.map((_c, i) => cellOf(row[i], max)));
  const width = opts.width ?? terminalWidth();
  const layout = fit(columns, cells, width);
  const body = cells.map((row) => layout.shown.map((i, k) => {
    const cell = row[i]!;
    const w = layout.widths[k]!;
    if (cell.lines || lineWidth(cell.text) <= w) return cell.text.split('\n');
    // our own coloured text wraps only at its spaces: a cut inside a colour code would break it
    if (cell.styled && cell.text.includes('\u001b')) return wrapText(cell.text, w, { words: 'whole' });
    const text = redactString(cell.text);
    return columns[i]!.kind === 'time' ? breakTime(text, w) : wrapText(text, w);
  }));
  const heading = layout.shown.map((i, k) => wrapText(columns[i]!.name, layout.widths[k]!));
  const dropped = columns.filter((_c, i) => !layout.shown.includes(i)).map((c) => c.name);
  const note = dropped.length
    ? `${wrapText(`(${dropped.join(', ')} not shown at ${width} columns: widen the terminal, set COLUMNS, or use --format json)`, width).join('\n')}\n`
    : '';
  return `${drawBox(layout.widths, heading, body)}${note}`;
}

/**
 * The box, compact: a rule above, under the head and below, none between rows (a wrapped row reads as one by its empty continuation
 * cells). Drawn here rather than by cli-table3, whose layout grew quadratically with rows (4,000 wrapped rows: 19 s).
 */
function drawBox(widths: readonly number[], head: readonly string[][], rows: readonly string[][][]): string {
  const rule = (l: string, m: string, r: string): string => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}\n`;
  const parts = [rule('┌', '┬', '┐')];
  for (const [n, row] of [head, ...rows].entries()) {
    if (n === 1) parts.push(rule('├', '┼', '┤'));
    const height = Math.max(1, ...row.map((lines) => lines.length));
    for (let line = 0; line < height; line++) {
      parts.push(`│${row.map((lines, k) => ` ${pad(lines[line] ?? '', widths[k]!)} `).join('│')}│\n`);
    }
  }
  parts.push(rule('└', '┴', '┘'));
  return parts.join('');
}

function pad(text: string, width: number): string {
  const gap = width - displayWidth(text);
  return gap > 0 ? text + ' '.repeat(gap) : text;
}

interface CellText {
  text: string;
  /** painted by us: kept as is, wrapped at spaces only */
  styled: boolean;
  /** several values a line (Lines): never wrapped */
  lines?: boolean;
}

function cellOf(v: unknown, max: number): CellText {
  if (v instanceof Styled) return { text: v.text, styled: true };
  // each value of a Lines cell is cut like any cell: a kid or sub from a token is as long as its author made it
  if (v instanceof Lines) return { text: v.lines.map((l) => cut(l, max)).join('\n'), styled: false, lines: true };
  return { text: cut(stripControlInline(cellText(v)), max), styled: false };
}

/** At most `max` characters; tokens replaced by their fingerprints before a cut (half a token slips the guard). */
function cut(text: string, max: number): string {
  const t = text.length > max ? redactString(text) : text;
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

interface Layout {
  /** indexes of the columns shown, in order */
  shown: number[];
  /** content width of each shown column */
  widths: number[];
}

/**
 * Natural widths first; over the limit, text narrows to a readable width, then times break, then droppable columns
 * go one at a time (each time the rest start again from their natural widths), and only then text narrows further.
 */
function fit(columns: readonly { name: string; kind: string; drop?: number }[], cells: readonly CellText[][], limit: number): Layout {
  const natural = columns.map((c, i) => cells.reduce((m, r) => Math.max(m, lineWidth(r[i]!.text)), displayWidth(c.name)));
  const droppable = columns.map((c, i) => ({ i, drop: c.drop })).filter((c) => c.drop !== undefined)
    .sort((a, b) => b.drop! - a.drop! || b.i - a.i).map((c) => c.i);
  // coloured cells wrap only at spaces: their column is never narrower than their longest word
  const word = columns.map((_c, i) => cells.reduce((m, r) => (r[i]!.styled && r[i]!.text.includes('\u001b') ? Math.max(m, longestWord(r[i]!.text)) : m), 0));
  let shown = columns.map((_c, i) => i);
  for (;;) {
    const cols = shown.map((i) => ({ kind: columns[i]!.kind, natural: natural[i]!, head: Math.max(word[i]!, headFloor(columns[i]!)) }));
    const widths = shrink(cols, limit, READABLE_TEXT);
    const next = droppable.find((i) => shown.includes(i));
    if (total(widths) <= limit) return { shown, widths };
    if (next === undefined) return { shown, widths: shrink(cols, limit, MIN_TEXT) };
    shown = shown.filter((i) => i !== next);
  }
}

/** Border and padding: one bar before each column and after the last, one space each side of every cell. */
function total(widths: readonly number[]): number {
  return widths.reduce((sum, w) => sum + w + 3, 1);
}

function shrink(cols: readonly { kind: string; natural: number; head: number }[], limit: number, textFloor: number): number[] {
  const widths = cols.map((c) => c.natural);
  let over = total(widths) - limit;
  // text columns, widest first, one column at a time down to a floor
  const narrowText = (floorWidth: number): void => {
    const floor = cols.map((c) => (c.kind === 'text' ? Math.min(c.natural, Math.max(floorWidth, c.head)) : c.natural));
    while (over > 0) {
      let widest = -1;
      for (let i = 0; i < widths.length; i++) if (widths[i]! > floor[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
      if (widest < 0) break;
      widths[widest]!--;
      over--;
    }
  };
  narrowText(Math.max(textFloor, READABLE_TEXT));
  // then times: `2026-03-14T11:05:00Z` on two lines, date over time
  for (let i = 0; i < widths.length && over > 0; i++) {
    if (cols[i]!.kind !== 'time' || widths[i]! <= 10) continue;
    const narrow = Math.max(10, cols[i]!.head);
    over -= widths[i]! - narrow;
    widths[i] = narrow;
  }
  if (textFloor < READABLE_TEXT) narrowText(textFloor);
  return widths;
}

/** A heading wraps at its spaces ("first / accepted"); an id column's heading stays whole, as its values do. */
function headFloor(c: { name: string; kind: string }): number {
  return c.kind === 'id' || c.kind === 'number' ? displayWidth(c.name) : longestWord(c.name);
}

function longestWord(text: string): number {
  let max = 0;
  for (const w of text.split(/[ \n]/)) max = Math.max(max, displayWidth(w));
  return max;
}

function lineWidth(text: string): number {
  let max = 0;
  for (const line of text.split('\n')) max = Math.max(max, displayWidth(line));
  return max;
}

/** An ISO time broken at its `T` (the `T` starts the second line, so the text reads back whole); else wrapped. */
function breakTime(text: string, width: number): string[] {
  const t = text.indexOf('T');
  if (t > 0 && t <= width && displayWidth(text.slice(t)) <= width) return [text.slice(0, t), text.slice(t)];
  return wrapText(text, width);
}
