// One HAR body (`request.postData.text`, `response.content.text`) as it streams in: scanned for JWTs as text and,
// while every character is in the base64 alphabet, as the base64 it may be (`content.encoding: "base64"` comes after
// `text` in Chrome's export, so which one counts is decided when the entry ends). Only the first BODY_KEEP characters
// are kept, to read a JSON body's paths (`$.access_token`); a longer body is still scanned whole, linearly.
import { StringDecoder } from 'node:string_decoder';
import { Base64Stream, JwtStream } from './jwt-scan.js';

/** The most of a body kept to parse as JSON (characters, per form: as written and base64-decoded). */
const BODY_KEEP = 4 * 1024 * 1024;

class Kept {
  private parts: string[] = [];
  private size = 0;
  overflow = false;

  add(s: string): void {
    if (this.overflow) return;
    this.size += s.length;
    if (this.size > BODY_KEEP) {
      this.overflow = true;
      this.parts = [];
    } else this.parts.push(s);
  }

  text(): string | null {
    return this.overflow ? null : this.parts.join('');
  }
}

/** What one body held, in the form that counts. */
export interface BodyFound {
  /** the text kept (null when the body was longer than BODY_KEEP) */
  text: string | null;
  tokens: string[];
  decoded: boolean;
}

export class BodyScan {
  private readonly raw = new JwtStream();
  private readonly rawKept = new Kept();
  private readonly b64 = new Base64Stream();
  private readonly utf8 = new StringDecoder('utf8');
  private readonly dec = new JwtStream();
  private readonly decKept = new Kept();
  /** tokens were left out of the body: more distinct ones than a body's scan keeps */
  get capped(): boolean {
    return this.raw.capped || this.dec.capped;
  }

  push(piece: string): void {
    this.raw.push(piece);
    this.rawKept.add(piece);
    const bytes = this.b64.push(piece);
    if (bytes) this.decodedText(this.utf8.write(bytes));
  }

  end(): void {
    this.raw.end();
    const bytes = this.b64.end();
    if (bytes) this.decodedText(this.utf8.write(bytes));
    if (this.b64.valid) this.decodedText(this.utf8.end());
    this.dec.end();
  }

  /** The body as the entry says it is encoded (base64 when `encoding` says so and it decoded). */
  result(base64: boolean): BodyFound {
    if (base64 && this.b64.valid) return { text: this.decKept.text(), tokens: [...this.dec.tokens], decoded: true };
    return { text: this.rawKept.text(), tokens: [...this.raw.tokens], decoded: false };
  }

  private decodedText(s: string): void {
    if (!s) return;
    this.dec.push(s);
    this.decKept.add(s);
  }
}
