// Why could a line not be read? Stable reason codes for `rejects`; details never echo a token.
import { excerpt, stripControlInline } from '../util/sanitize.js';

/** A line that could not be loaded, as `rejects` keeps it. */
export interface RejectRow {
  line: number | null;
  reason: string;
  detail: string;
}

export interface LineVerdict {
  reason: string;
  detail: string;
  /** good JSON text recovered from the line (a leading byte-order mark), to load after all */
  recovered: string | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function explainLine(bytes: Buffer, firstLine: boolean): LineVerdict {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { reason: 'bad-utf8', detail: 'the line is not valid UTF-8', recovered: null };
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  const body = bom ? text.slice(1) : text;
  try {
    JSON.parse(body);
    if (bom && firstLine) return { reason: 'bom', detail: 'byte-order mark removed', recovered: body };
    return { reason: 'unreadable', detail: 'DuckDB could not read this JSON line', recovered: null };
  } catch (err) {
    const message = err instanceof Error ? err.message : 'syntax error';
    const why = message.replace(/ in JSON at position \d+.*$/s, '');
    // Node words a cut-off line several ways ("Unexpected end", "Expected ',' … at position N" with N at the end).
    const position = Number(/at position (\d+)/.exec(message)?.[1] ?? -1);
    const truncated = /Unexpected end|Unterminated/i.test(why) || position >= body.trimEnd().length;
    return {
      reason: truncated ? 'truncated-json' : 'bad-json',
      detail: `${truncated ? 'JSON ends early' : 'not valid JSON'} (${stripped(why)}): ${excerpt(body, 60)}`,
      recovered: null,
    };
  }
}

function stripped(msg: string): string {
  // V8 messages quote the offending input; keep only the kind of error.
  // V8 also names the offending character in single quotes: a raw CR or ESC there must not reach a terminal.
  return stripControlInline(msg.replace(/"[^"]*"/g, '…')).slice(0, 80);
}

/** A record without a usable `ts`: missing, or in no form we read. */
export function tsReject(r: { line: bigint; ts_raw: string | null }): RejectRow {
  return r.ts_raw === null
    ? { line: Number(r.line), reason: 'missing-ts', detail: 'no `ts` field' }
    : {
        line: Number(r.line),
        reason: 'bad-ts',
        detail: `\`ts\` is not ISO-8601 or epoch seconds/milliseconds: ${excerpt(r.ts_raw, 40)}`,
      };
}
