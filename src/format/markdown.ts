// Markdown: every cell and text escaped, log values are attacker-controlled.
import { stripControlInline } from '../util/sanitize.js';
import { cellText } from './table.js';

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
