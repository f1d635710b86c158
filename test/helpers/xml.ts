// A minimal XML 1.0 well-formedness check (no dependency): one root, balanced tags, quoted attributes, only
// known entities, no forbidden characters. Enough to catch what a JUnit writer can get wrong.

const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const BAD_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
const NAME = '[A-Za-z_][\\w.-]*';
const TOKEN = new RegExp(
  `</(${NAME})\\s*>|<(${NAME})((?:\\s+${NAME}="[^"<]*")*)\\s*(/?)>|<!--[\\s\\S]*?-->|([^<]+)|(<)`,
  'gy',
);

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
}

/** Problems found (empty: well-formed); `elements` collects every start tag in document order. */
export function xmlProblems(xml: string, elements: XmlElement[] = []): string[] {
  const problems: string[] = [];
  if (FORBIDDEN.test(xml)) problems.push('a character XML 1.0 forbids');
  const body = xml.replace(/^<\?xml\s[^?]*\?>/, '');
  const stack: string[] = [];
  let roots = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(body); m; m = TOKEN.exec(body)) {
    const [, close, open, attrText, selfClose, text, stray] = m;
    if (stray) problems.push(`stray '<' at ${m.index}`);
    else if (text !== undefined) {
      if (stack.length === 0 && text.trim()) problems.push(`text outside the root at ${m.index}`);
      if (BAD_ENTITY.test(text)) problems.push(`unescaped '&' at ${m.index}`);
    } else if (close) {
      if (stack.pop() !== close) problems.push(`</${close}> does not close the open element at ${m.index}`);
    } else if (open) {
      if (stack.length === 0 && ++roots > 1) problems.push('more than one root element');
      const attrs = parseAttrs(attrText ?? '', problems);
      elements.push({ name: open, attrs });
      if (!selfClose) stack.push(open);
    }
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots === 0) problems.push('no root element');
  return problems;
}

function parseAttrs(text: string, problems: string[]): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const [, name, value] of text.matchAll(/([\w.:-]+)="([^"]*)"/g)) {
    if (name! in attrs) problems.push(`duplicate attribute ${name}`);
    if (BAD_ENTITY.test(value!)) problems.push(`unescaped '&' in attribute ${name}`);
    attrs[name!] = value!;
  }
  return attrs;
}
