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
