// Terminal output: tables, colour (ours only, never the input's), and the formats every command shares.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import ndjson from 'ndjson';
import { escapeJsonControls, stripControl, stripControlInline, stripControlKeepColour } from '../util/sanitize.js';

export interface Out {
  /** results: stdout */
  write(text: string): void;
  /** status and progress: stderr */
  status(text: string): void;
  color: ChalkInstance;
  quiet: boolean;
}

export function makeOut(opts: { color?: boolean; quiet?: boolean }): Out {
  const useColor = opts.color !== false && !process.env.NO_COLOR && process.stdout.isTTY === true;
  return {
    // Values from logs are stripped where they enter a cell or line; what reaches here may carry our own colours.
    write: (text) => void process.stdout.write(useColor ? stripControlKeepColour(text) : stripControl(text)),
    status: (text) => {
      if (!opts.quiet) process.stderr.write(stripControl(text));
    },
    color: new Chalk({ level: useColor ? 1 : 0 }),
    quiet: opts.quiet === true,
  };
}

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

/** A cli-table3 table; every cell stripped of control characters. */
export function renderTable(head: string[], rows: unknown[][], opts: { maxCell?: number } = {}): string {
  const max = opts.maxCell ?? 80;
  const table = new Table({ head, style: { head: [], border: [] }, wordWrap: false });
  for (const row of rows) {
    table.push(row.map((v) => {
      if (v instanceof Styled) return v.text;
      const text = stripControlInline(cellText(v));
      return text.length > max ? `${text.slice(0, max - 1)}…` : text;
    }));
  }
  return `${table.toString()}\n`;
}

/** JSON with bigint as string. */
export function toJson(value: unknown): string {
  return `${escapeJsonControls(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2))}\n`;
}

/** NDJSON through the `ndjson` package's serializer. */
export async function toNdjson(rows: readonly unknown[]): Promise<string> {
  const chunks: string[] = [];
  const stream = ndjson.stringify();
  stream.on('data', (c: Buffer | string) => chunks.push(String(c)));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  for (const row of rows) stream.write(JSON.parse(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))));
  stream.end();
  await done;
  return chunks.join('');
}

/** CSV with formula-looking cells neutralised (a log value opened in a spreadsheet must not run). */
export function toCsv(head: string[], rows: unknown[][]): string {
  const cell = (v: unknown): string => {
    let text = stripControlInline(cellText(v));
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [head, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/** Markdown table with every cell escaped: log values are attacker-controlled. */
export function toMarkdownTable(head: string[], rows: unknown[][]): string {
  const esc = (v: unknown): string => escapeMarkdown(stripControlInline(cellText(v)));
  const lines = [`| ${head.map(esc).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(esc).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+\-.!|~])/g, '\\$1');
}
