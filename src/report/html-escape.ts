// HTML built only through the `html` tag: every interpolated value is escaped unless it is already SafeHtml that
// this module produced. Log fields and token claims are attacker-controlled; nothing reaches the page unescaped.
import { stripControl, stripControlInline } from '../util/sanitize.js';

/** Markup that was built by `html` (or `raw` on a constant of ours): the only thing inserted without escaping. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for element content or a quoted attribute value, on one line: control characters (C0, DEL, C1) and bidi
 * overrides become U+FFFD (as in the terminal renderers, so a reader sees that something was there), then
 * & < > " ' become entities.
 */
export function escapeHtml(value: unknown): string {
  return stripControlInline(textOf(value)).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** As escapeHtml, but keeps newlines and tabs: for <pre> blocks. */
export function escapeHtmlBlock(value: unknown): string {
  return stripControl(textOf(value)).replace(/\r\n?/g, '\n').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return jsonText(value);
}

/** JSON of an evidence value, bigint as string; never throws (cycles and odd objects become a note). */
export function jsonText(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent) ?? '';
  } catch {
    return '[unserialisable value]';
  }
}

/** A value that may go into the page. Arrays are concatenated; null/undefined/false render nothing. */
export type HtmlValue = SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

function piece(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((v: HtmlValue) => piece(v)).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/**
 * Tagged template: the literal parts are our markup, every `${value}` is escaped (SafeHtml excepted).
 * Attribute values must be written quoted in the template: `class="${x}"`. Never interpolate into URLs, styles
 * or event handler attributes (this module has no helper for them, on purpose).
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += piece(values[i]!) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Pre-formatted text (evidence JSON): escaped, newlines kept. */
export function pre(value: unknown): SafeHtml {
  return new SafeHtml(`<pre>${escapeHtmlBlock(value)}</pre>`);
}

/** A constant of ours (the style sheet): never pass anything derived from input. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Join pieces of markup with a separator (escaped if it is a string). */
export function joinHtml(items: readonly HtmlValue[], sep: HtmlValue = ''): SafeHtml {
  return new SafeHtml(items.map((v) => piece(v)).join(piece(sep)));
}
