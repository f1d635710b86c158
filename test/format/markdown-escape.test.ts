// The Markdown escape, checked by rendering as GitHub would (micromark with the GFM extensions): a value from the
// logs reads back as the same text and makes no element of its own; ids keep their `-` and `.` unescaped.
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, toMarkdownTable } from '../../src/format/markdown.js';

const render = (markdown: string): string => micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
const decode = (html: string): string =>
  html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, '&');

const HOSTILE = [
  '*bold* _em_ **strong** __strong__',
  '`code` ``two``',
  '[link](https://evil.example/x) ![img](https://evil.example/i.png)',
  '<script>alert(1)</script> <img src=x onerror=alert(1)>',
  '&lt;already&gt; &amp; &#60;',
  'https://evil.example/phish and http://evil.example',
  'www.evil.example and WWW.EVIL.EXAMPLE',
  'mail attacker@evil.example now',
  '~~struck~~ ~one~',
  'pipe | in | cell',
  '$\\color{red}{x}$ and $$math$$',
  '@octocat and @org/team',
  'see #123',
  'back\\slash \\* \\_',
  '# heading',
  '- item',
  '+ item',
  '1. item',
  '2) item',
  '> quote',
  '=====',
  '    indented',
  '  - two spaces then an item',
  '  12. numbered, indented',
];
const IDS = ['acme-2026-rsa', 'u-1000', 'auth.acme.example', '2026-03-14T11:05:00Z', 'kid-path-traversal', '175.16.199.23', 'v1.2.3'];

describe('escapeMarkdown', () => {
  it.each(HOSTILE)('%s reads back as itself, with no element of its own, in a paragraph and a table cell', (value) => {
    const para = render(escapeMarkdown(value));
    expect(para.startsWith('<p>') && para.trimEnd().endsWith('</p>')).toBe(true);
    const inner = para.trim().slice(3, -4);
    expect(inner).not.toMatch(/<[a-z]/i);
    expect(decode(inner).trim()).toBe(value.trim());

    const table = render(toMarkdownTable(['value'], [[value]]));
    const cell = /<td>([\s\S]*?)<\/td>/.exec(table)?.[1] ?? '';
    expect(cell).not.toMatch(/<[a-z]/i);
    expect(decode(cell).trim()).toBe(value.trim());
  });

  it('leaves ids alone: no backslash before - or .', () => {
    for (const id of IDS) expect(escapeMarkdown(id)).toBe(id);
  });

  it('is linear: a megabyte of metacharacters escapes at once', () => {
    const big = '*_[]|~$@#<>&:// www.1. '.repeat(40_000);
    const out = escapeMarkdown(big);
    expect(out.length).toBeGreaterThan(big.length);
  });
});
