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

/**
 * Escaped for inline Markdown (GitHub Flavored, as GitHub renders it): only what would change the rendering —
 * emphasis, code, links and images, tables, strikethrough, math, mentions and issue links, inline HTML and entities,
 * the autolinks of a bare URL, `www.` or an e-mail address, and a block marker at the very start. `-` and `.` stay as
 * they are. Linear: one pass per pattern, none nested.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~$@#])/g, '\\$1')
    .replace(/:\/\//g, '\\://') // https://… would become a link
    .replace(/(^|[^A-Za-z0-9])(www)\./gi, '$1$2\\.') // as would www.…
    .replace(/^ +/, (spaces) => '&#32;'.repeat(spaces.length)) // four would start a code block
    .replace(/^((?:&#32;)*)([-+](?=\s)|-(?=-))/, '$1\\$2') // a list item or a rule at the start
    .replace(/^((?:&#32;)*)(\d{1,9})([.)])(?=\s|$)/, '$1$2\\$3'); // a numbered item
}
