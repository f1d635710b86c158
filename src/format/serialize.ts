// Machine formats every command shares: JSON, NDJSON, CSV (bigint as string, CSV formulas neutralised).
import ndjson from 'ndjson';
import { escapeJsonControls, stripControlInline } from '../util/sanitize.js';
import { cellText } from './table.js';

/** JSON with bigint as string. */
export function toJson(value: unknown): string {
  return `${escapeJsonControls(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2))}\n`;
}

/** NDJSON through the `ndjson` package's serializer; DEL, C1 and bidi controls escaped as toJson escapes them. */
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
  return escapeJsonControls(chunks.join(''));
}

/** CSV with formula-looking cells neutralised (a log value opened in a spreadsheet must not run). */
export function toCsv(head: string[], rows: unknown[][]): string {
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

// What a spreadsheet reads as the start of a formula (tab and CR too: some strip them and read what follows).
const FORMULA_START = /^[=+\-@\t\r]/;
// The same after a `,` or `;`: a spreadsheet in a locale that separates with `;` (or one told to) splits there.
const FORMULA_AFTER_SEPARATOR = /([,;][\s]*)(?=[=+\-@])/g;

/**
 * One CSV cell: a formula start is neutralised with a leading `'`, at the start and after any `,` or `;` (in case
 * the cell is split there), and a cell holding a separator, quote or newline is quoted.
 */
export function csvCell(v: unknown): string {
  let text = stripControlInline(cellText(v)).replace(FORMULA_AFTER_SEPARATOR, "$1'");
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",;\n\r\t]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
