// One way to put a value into Markdown: control characters out, then every Markdown and HTML metacharacter escaped.
// Log fields and token claims are attacker-controlled, and Markdown viewers render inline HTML.
import { escapeMarkdown } from '../format/markdown.js';
import { cellText } from '../format/table.js';
import { stripControlInline } from '../util/sanitize.js';

/** Escaped text of any value (objects as JSON); `max` cuts long evidence so one finding cannot flood the page. */
export function md(value: unknown, max = Infinity): string {
  const text = stripControlInline(cellText(value));
  return escapeMarkdown(text.length > max ? `${text.slice(0, max - 1)}…` : text);
}
