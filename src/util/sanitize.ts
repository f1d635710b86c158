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

/** A short, printable excerpt of hostile input with anything that looks like a JWT cut out. */
export function excerpt(text: string, max = 80): string {
  const cut = text.replace(/[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '<token>');
  const clean = stripControlInline(cut);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
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
