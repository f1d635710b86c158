// Terminal tables and cells: colour is ours only, every value from the input stripped of control characters first.
import Table from 'cli-table3';
import { redactString } from '../util/redact.js';
import { stripControlInline } from '../util/sanitize.js';

export type Cell = string | number | bigint | boolean | null | undefined | Date | Styled;

/** A table cell we painted ourselves: its text was stripped before the colour went on, so it is kept as is. */
export class Styled {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
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
 * A cli-table3 table; every cell stripped of control characters. A cell cut to `maxCell` has its tokens replaced
 * by their fingerprints first: a token cut in half would slip past the output guard (src/cli/output.ts).
 */
export function renderTable(head: string[], rows: unknown[][], opts: { maxCell?: number } = {}): string {
  const max = opts.maxCell ?? 80;
  const table = new Table({ head, style: { head: [], border: [] }, wordWrap: false });
  for (const row of rows) {
    table.push(row.map((v) => {
      if (v instanceof Styled) return v.text;
      let text = stripControlInline(cellText(v));
      if (text.length > max) text = redactString(text);
      return text.length > max ? `${text.slice(0, max - 1)}…` : text;
    }));
  }
  return `${table.toString()}\n`;
}
