// Machine formats every command shares: JSON, NDJSON, CSV (bigint as string, CSV formulas neutralised).
import ndjson from 'ndjson';
import { escapeJsonControls, stripControlInline } from '../util/sanitize.js';
import { cellText } from './table.js';

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
