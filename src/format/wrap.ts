// Word wrap by display width (wide characters count two), linear in the text: a long word is broken where it must be.
import stringWidth from 'string-width';

/** Columns a text takes on a terminal: printable ASCII is its length (the common case, measured without a regex); the
 *  rest as string-width measures it (wide characters two, colour codes none). */
export function displayWidth(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return stringWidth(text);
  }
  return text.length;
}

const SOFT_BREAKS = new Set(['/', '\\', '-', '_', '.', ':', '?', '&', '=', ',', ';']);

/** Lines of at most `width` columns: broken at spaces where it can, inside a word where a word is wider than a line. */
export function wrapText(text: string, width: number, opts: { words?: 'cut' | 'whole' } = {}): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const word of text.split(' ')) {
    const size = displayWidth(word);
    if (used > 0 && used + 1 + size <= w) {
      line += ` ${word}`;
      used += 1 + size;
      continue;
    }
    if (used > 0) lines.push(line);
    if (size <= w || opts.words === 'whole') {
      line = word;
      used = size;
      continue;
    }
    // a word wider than the line (a path, a URL): cut after its last `/` (or `-`, `.`, …) that fits, else where
    // the line is full, so the pieces read back as the word
    line = '';
    used = 0;
    let soft = -1; // where in `line` the last soft break falls (after that character), and the width before it
    let softUsed = 0;
    for (const ch of word) {
      const cw = displayWidth(ch);
      if (used + cw > w && used > 0) {
        if (soft > 0 && softUsed * 2 >= w) {
          lines.push(line.slice(0, soft));
          line = line.slice(soft);
          used -= softUsed;
        } else {
          lines.push(line);
          line = '';
          used = 0;
        }
        soft = -1;
      }
      line += ch;
      used += cw;
      if (SOFT_BREAKS.has(ch)) {
        soft = line.length;
        softUsed = used;
      }
    }
  }
  lines.push(line);
  return lines;
}
