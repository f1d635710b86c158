// Everything printed comes from attacker-controlled logs and tokens: strip what a terminal would obey.

// C0 controls except tab/newline, DEL, C1 controls, and bidi overrides that can reorder what a reader sees.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const CONTROL_ALL = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** For multi-line output: keeps \t and \n, replaces every other control character with U+FFFD. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '\uFFFD');
}

/** For one table cell or one line: newlines and tabs go too. */
export function stripControlInline(text: string): string {
  return text.replace(CONTROL_ALL, '\uFFFD');
}

/**
 * A short, printable excerpt of hostile input with anything that looks like a JWT (two base64url segments of 8 or
 * more characters and a third, dot-separated) cut out as `<token>`. One pass that stops once the excerpt is full:
 * linear in the input however it is made (a regex over the whole string went quadratic on long runs).
 */
export function excerpt(text: string, max = 80): string {
  let out = '';
  let i = 0;
  while (i < text.length && out.length <= max) {
    if (!isB64url(text.charCodeAt(i))) {
      out += text[i++];
      continue;
    }
    // a run of base64url characters and dots: its segments, as the old pattern read them
    let end = i;
    while (end < text.length && (isB64url(text.charCodeAt(end)) || text.charCodeAt(end) === 0x2e)) end++;
    out += maskRun(text, i, end, max + 1 - out.length);
    i = end;
  }
  return out.length > max ? `${stripControlInline(out.slice(0, max))}…` : stripControlInline(out);
}

/** The run text[start, end) with every `seg{8,}.seg{8,}.seg*` replaced by `<token>`; at most about `room` chars. */
function maskRun(text: string, start: number, end: number, room: number): string {
  // the next dot in [from, end), or end
  const dot = (from: number): number => {
    let j = from;
    while (j < end && text.charCodeAt(j) !== 0x2e) j++;
    return j;
  };
  let out = '';
  let i = start;
  while (i < end && out.length < room) {
    const s1 = dot(i);
    if (s1 - i >= 8 && s1 < end) {
      const s2 = dot(s1 + 1);
      if (s2 - (s1 + 1) >= 8 && s2 < end) {
        out += '<token>';
        i = dot(s2 + 1);
        continue;
      }
    }
    // not a token here: the segment and its dot stay as they are
    const upto = s1 < end ? s1 + 1 : end;
    out += text.slice(i, Math.min(upto, i + room - out.length));
    i = upto;
  }
  return out;
}

function isB64url(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;
}

// JSON.stringify escapes C0 controls but not DEL, C1 or bidi controls; inside JSON text those can only sit in
// strings, so a \uXXXX escape keeps the value exact and keeps a `cat report.json` from obeying them.
const JSON_UNESCAPED = /[\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Escape, in serialized JSON, the control characters JSON.stringify leaves raw. */
export function escapeJsonControls(json: string): string {
  return json.replace(JSON_UNESCAPED, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// SGR (colour/style) sequences: the only escapes our own output contains, and only when colour is on.
const SGR = /\u001b\[[0-9;]*m/g;

/** For a terminal with colour: every control character goes, except well-formed SGR colour sequences. */
export function stripControlKeepColour(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(SGR)) {
    out += stripControl(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + stripControl(text.slice(last));
}
