// A HAR 1.2 file (http://www.softwareishard.com/blog/har-12-spec/) read as a stream of JSON tokens (stream-json's
// tokenizer, strings in pieces of at most 256 characters), one entry at a time: of each entry only what a capture
// needs is built (time, server address, method, URL, headers, cookies, query, form parameters, MIME types,
// encodings); bodies are scanned as they stream (body-scan.ts) and never kept whole. Memory is bounded by one
// entry's small fields, not by the file, nor by its largest body.
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import { MAX_LINE_DEPTH } from '../events/line-limits.js';
import { BodyScan } from './body-scan.js';

/** A name/value pair of headers, cookies, query and form parameters. */
export interface NameValue {
  name?: string;
  value?: string;
}

export interface HarSide {
  method?: string;
  url?: string;
  status?: number;
  headers?: NameValue[];
  cookies?: NameValue[];
  queryString?: NameValue[];
  postData?: { mimeType?: string; encoding?: string; params?: NameValue[]; text?: BodyScan };
  content?: { mimeType?: string; encoding?: string; text?: BodyScan };
}

export interface HarEntry {
  /** 1-based position in log.entries */
  index: number;
  startedDateTime?: string;
  serverIPAddress?: string;
  request?: HarSide;
  response?: HarSide;
  /** small strings cut at MAX_VALUE, lists at MAX_ITEMS, a body's tokens at the scan's limit */
  truncated?: boolean;
}

/** The longest header, cookie or parameter value kept (a token is at most 64 KiB: src/jwt/decode.ts). */
const MAX_VALUE = 1024 * 1024;
/** The most headers, cookies or parameters of one list kept (one entry must not fill memory). */
const MAX_ITEMS = 10_000;
/** Nesting past this is not a HAR (the NDJSON readers' limit). */
const MAX_DEPTH = MAX_LINE_DEPTH;

const NV = ['name', 'value'];
/** What is built of an entry, by path (`*` an array index); everything else is skipped as it streams. */
const LEAVES = new Set([
  'startedDateTime', 'serverIPAddress',
  'request.method', 'request.url', 'request.postData.mimeType', 'request.postData.encoding',
  'response.status', 'response.content.mimeType', 'response.content.encoding',
  ...['request', 'response'].flatMap((s) => ['headers', 'cookies', 'queryString', 'postData.params'].flatMap((l) => NV.map((n) => `${s}.${l}.*.${n}`))),
]);
const BODIES = new Set(['request.postData.text', 'response.content.text']);
const CONTAINERS = new Set(
  [...LEAVES, ...BODIES].flatMap((p) => p.split('.').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('.'))),
);

type Slot = string | number;
interface Frame {
  array: boolean;
  /** the built container, or null when this part of the document is skipped */
  value: Record<string, unknown> | unknown[] | null;
  key: string | null;
  index: number;
  /** the path from the entry (null outside an entry) */
  rel: string[] | null;
  /** the path from the document's root, for the first few levels (to find log.entries) */
  abs: Slot[];
}

export class HarShapeError extends Error {}

/** Tokens in, entries out: `onEntry` is called as each entry ends. */
export class HarWalker {
  private readonly stack: Frame[] = [];
  private readonly tokenize = jsonParser({ packKeys: true, streamKeys: false, packStrings: false, streamStrings: true, packNumbers: true, streamNumbers: false });
  private string: { target: 'body'; body: BodyScan } | { target: 'value'; parts: string[]; size: number } | null = null;
  private entry: HarEntry | null = null;
  private entries = 0;
  private sawEntries = false;
  private done = false;
  version: string | null = null;

  constructor(private readonly onEntry: (e: HarEntry) => void) {}

  /** Feed text; throws the tokenizer's error (invalid JSON) or HarShapeError (JSON, but not a HAR). */
  write(text: string): void {
    this.take(this.tokenize(text));
  }

  /** The end of the text: throws when the JSON is incomplete or no `log.entries` was seen. */
  end(): number {
    this.take(this.tokenize(none as never));
    if (!this.done) throw new Error('the file ends before the JSON does');
    if (!this.sawEntries) throw new HarShapeError('JSON, but not a HAR: no log.entries array');
    return this.entries;
  }

  private take(out: unknown): void {
    if (out === none) return;
    if (isMany(out)) for (const t of getManyValues(out) as Token[]) this.token(t);
    else this.token(out as Token);
  }

  private token(t: Token): void {
    switch (t.name) {
      case 'startObject':
      case 'startArray':
        return this.open(t.name === 'startArray');
      case 'endObject':
      case 'endArray':
        return this.close();
      case 'keyValue':
        this.top()!.key = t.value;
        return;
      case 'startString':
        return this.startString();
      case 'stringChunk':
        return this.chunk(t.value);
      case 'endString':
        return this.endString();
      case 'numberValue':
        return this.scalar(Number(t.value));
      case 'trueValue':
      case 'falseValue':
      case 'nullValue':
        return this.scalar(t.value);
      default:
        return;
    }
  }

  private top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** Where the next value goes: its path from the root and from the entry. */
  private slot(): { abs: Slot[]; rel: string[] | null; name: Slot | null } {
    const f = this.top();
    if (!f) return { abs: [], rel: null, name: null };
    const name: Slot = f.array ? f.index : (f.key ?? '');
    const abs = f.abs.length < 4 ? [...f.abs, name] : f.abs;
    const rel = f.rel ? [...f.rel, f.array ? '*' : String(name)] : null;
    return { abs, rel, name };
  }

  private open(array: boolean): void {
    const { abs, rel } = this.slot();
    const parent = this.top();
    const path = abs.join('.');
    if (!parent && array) throw new HarShapeError('JSON, but not a HAR: the document is an array, not {"log": …}');
    if (path === 'log' && array) throw new HarShapeError('JSON, but not a HAR: `log` is not an object');
    if (path === 'log.entries') {
      if (!array) throw new HarShapeError('JSON, but not a HAR: `log.entries` is not an array');
      this.sawEntries = true;
    }
    if (this.stack.length >= MAX_DEPTH) throw new HarShapeError(`JSON, but not a HAR: nested deeper than ${MAX_DEPTH} levels`);
    const isEntry = abs.length === 3 && abs[0] === 'log' && abs[1] === 'entries' && parent?.array === true;
    if (isEntry && array) throw new HarShapeError(`JSON, but not a HAR: entry ${this.entries + 1} is not an object`);
    let value: Frame['value'] = null;
    let entryRel: string[] | null = null;
    if (isEntry) {
      this.entry = { index: this.entries + 1 };
      value = this.entry as unknown as Record<string, unknown>;
      entryRel = [];
    } else if (rel && CONTAINERS.has(rel.join('.')) && parent?.value) {
      if (Array.isArray(parent.value) && parent.value.length >= MAX_ITEMS) {
        if (this.entry) this.entry.truncated = true;
        this.stack.push({ array, value: null, key: null, index: 0, rel: null, abs });
        return;
      }
      value = array ? [] : {};
      this.assign(parent, value);
      entryRel = rel;
    }
    this.stack.push({ array, value, key: null, index: 0, rel: entryRel, abs });
  }

  private close(): void {
    const f = this.stack.pop()!;
    if (f.rel && f.rel.length === 0 && this.entry) {
      this.entries++;
      const e = this.entry;
      this.entry = null;
      this.onEntry(e);
    }
    this.advance();
    if (this.stack.length === 0) this.done = true;
  }

  private advance(): void {
    const f = this.top();
    if (f?.array) f.index++;
  }

  private assign(parent: Frame, v: unknown): void {
    if (!parent.value) return;
    if (Array.isArray(parent.value) && parent.value.length >= MAX_ITEMS) {
      if (this.entry) this.entry.truncated = true;
      return;
    }
    if (Array.isArray(parent.value)) parent.value.push(v);
    else parent.value[parent.key ?? ''] = v;
  }

  private startString(): void {
    const { abs, rel } = this.slot();
    const path = rel?.join('.');
    if (path !== undefined && BODIES.has(path) && this.top()?.value) this.string = { target: 'body', body: new BodyScan() };
    else if ((path !== undefined && LEAVES.has(path) && this.top()?.value) || abs.join('.') === 'log.version') {
      this.string = { target: 'value', parts: [], size: 0 };
    } else this.string = null;
  }

  private chunk(piece: string): void {
    const s = this.string;
    if (!s) return;
    if (s.target === 'body') return s.body.push(piece);
    if (s.size >= MAX_VALUE) return;
    const room = MAX_VALUE - s.size;
    if (piece.length > room && this.entry) this.entry.truncated = true;
    s.parts.push(piece.length > room ? piece.slice(0, room) : piece);
    s.size += Math.min(piece.length, room);
  }

  private endString(): void {
    const s = this.string;
    this.string = null;
    const f = this.top();
    if (s && f) {
      if (s.target === 'body') {
        s.body.end();
        if (s.body.capped && this.entry) this.entry.truncated = true;
        this.assign(f, s.body);
      } else if (f.abs.join('.') === 'log' && f.key === 'version' && !f.value) this.version = s.parts.join('');
      else this.assign(f, s.parts.join(''));
    }
    if (!f) this.done = true;
    this.advance();
  }

  private scalar(v: unknown): void {
    const f = this.top();
    if (!f) {
      this.done = true;
      return;
    }
    const { rel } = this.slot();
    if (rel && f.value && LEAVES.has(rel.join('.'))) this.assign(f, v);
    this.advance();
  }
}
