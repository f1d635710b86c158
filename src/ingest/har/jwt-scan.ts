// JWT-shaped strings in text that arrives in pieces (a HAR body of hundreds of megabytes), found in one linear pass
// without keeping the text. The shape is the one the output guard redacts (src/util/redact.ts): `eyJ` and at least 4
// more base64url characters, `.`, the payload, `.`, the signature (maybe empty). Text is cut into runs of base64url
// characters and dots; only the run still open at the end of a piece is carried to the next, and a run longer than a
// token may be (DEFAULT_MAX_TOKEN_LENGTH, src/jwt/decode.ts) is dropped: no token fits in it.
import { DEFAULT_MAX_TOKEN_LENGTH } from '../../jwt/decode.js';

/** The longest run carried between pieces: a token of the size limit, with a little slack for its neighbours. */
const MAX_RUN = DEFAULT_MAX_TOKEN_LENGTH + 1024;

const RUN = /[A-Za-z0-9_.-]+/g;

/** The JWT-shaped substrings of one run, leftmost first (a run holds at most a few). */
function tokensInRun(run: string): string[] {
  const found: string[] = [];
  if (!run.includes('eyJ')) return found;
  const segments = run.split('.');
  for (let k = 0; k + 2 < segments.length; ) {
    const seg = segments[k]!;
    const at = seg.indexOf('eyJ');
    if (at >= 0 && seg.length - at - 3 >= 4) {
      found.push([seg.slice(at), segments[k + 1], segments[k + 2]].join('.'));
      k += 3;
    } else k += 1;
  }
  return found;
}

/** Every JWT-shaped substring of a whole (small) text. */
export function findJwts(text: string): string[] {
  if (!text.includes('eyJ')) return [];
  const out: string[] = [];
  for (const m of text.matchAll(RUN)) if (m[0].length <= MAX_RUN) out.push(...tokensInRun(m[0]));
  return out;
}

const isRunChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95;

/** Feed pieces with `push`, then `end`; `tokens` holds what was found (distinct, at most `limit`). */
export class JwtStream {
  private carry = '';
  /** inside a run already longer than MAX_RUN: skipped to its end */
  private skipping = false;
  readonly tokens = new Set<string>();
  /** a token was left out: `limit` distinct ones were already found */
  capped = false;

  constructor(private readonly limit = 10_000) {}

  push(piece: string): void {
    let start = 0;
    if (this.skipping) {
      while (start < piece.length && isRunChar(piece.charCodeAt(start))) start++;
      if (start === piece.length) return;
      this.skipping = false;
    }
    // the last character that ends a run: everything before it is complete
    let cut = piece.length - 1;
    while (cut >= start && isRunChar(piece.charCodeAt(cut))) cut--;
    if (cut < start) {
      this.extend(piece.slice(start));
      return;
    }
    this.scan(this.carry + piece.slice(start, cut + 1));
    this.carry = '';
    this.extend(piece.slice(cut + 1));
  }

  end(): void {
    this.scan(this.carry);
    this.carry = '';
    this.skipping = false;
  }

  private extend(tail: string): void {
    if (this.carry.length + tail.length > MAX_RUN) {
      this.carry = '';
      this.skipping = true;
    } else this.carry += tail;
  }

  private scan(text: string): void {
    if (!text.includes('eyJ')) return;
    for (const m of text.matchAll(RUN)) {
      if (m[0].length > MAX_RUN) continue;
      for (const t of tokensInRun(m[0])) {
        if (this.tokens.size < this.limit) this.tokens.add(t);
        else if (!this.tokens.has(t)) this.capped = true;
      }
    }
  }
}

const B64 = /^[A-Za-z0-9+/=\s]*$/;

/** Standard base64 (and base64url) decoded as it arrives, four characters at a time; `valid` turns false at the
 *  first character outside the alphabet, and decoding stops. */
export class Base64Stream {
  private rest = '';
  valid = true;

  /** The bytes of the complete groups so far (the remainder waits for the next piece). */
  push(piece: string): Buffer | null {
    if (!this.valid) return null;
    if (!B64.test(piece)) {
      this.valid = false;
      return null;
    }
    const clean = this.rest + piece.replace(/\s+/g, '');
    const whole = clean.length - (clean.length % 4);
    this.rest = clean.slice(whole);
    return whole ? Buffer.from(clean.slice(0, whole), 'base64') : null;
  }

  end(): Buffer | null {
    if (!this.valid || this.rest === '') return null;
    const out = Buffer.from(this.rest, 'base64');
    this.rest = '';
    return out;
  }
}
