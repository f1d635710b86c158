// Issue 8 "Fuzzing": property-based tests over token decoding, timestamp parsing and the event reader.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderIngest } from '../../src/cli/run-ingest.js';
import { makeOut } from '../../src/cli/output.js';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { timestampSql } from '../../src/ingest/sql-time.js';
import { decodeToken } from '../../src/jwt/decode.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';

const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const T0 = 1773482400;
const b64 = (s: string): string => Buffer.from(s).toString('base64url');

/** Strings shaped like tokens: segments of base64url'd JSON, garbage and junk characters. */
const segment = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.json({ maxDepth: 4 }).map(b64),
  fc.jsonValue({ maxDepth: 3 }).map((v) => b64(JSON.stringify(v))),
  fc.string({ unit: 'binary', maxLength: 40 }).map(b64),
  fc.constantFrom('', '=', '==', '+/', '\u001b[2J', 'eyJhbGciOiJub25lIn0'),
);
const tokenish = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join('.')),
);

describe('decodeToken (fuzzed)', () => {
  it('never throws, and never returns a detail that quotes its input', () => {
    fc.assert(
      fc.property(tokenish, (raw) => {
        const d = decodeToken(raw);
        expect(d.raw).toBe(raw);
        expect(d.fingerprint).toMatch(/^[0-9a-f]{12}$/);
        if (d.detail !== null) {
          expect(d.detail).not.toMatch(CONTROL);
          // a long enough input cannot appear in a detail by coincidence
          if (raw.length >= 12) expect(d.detail.includes(raw)).toBe(false);
          for (const part of raw.split('.')) if (part.length >= 12) expect(d.detail.includes(part)).toBe(false);
        }
        if (d.ok) expect(d.header).not.toBeNull();
        else expect(d.reason).not.toBeNull();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('timestampSql (fuzzed)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await Store.open(':memory:');
  });
  afterAll(() => store.close());

  const parse = async (v: string): Promise<Date | null> => {
    const row = await store.one<{ t: Date | null }>(`SELECT ${timestampSql('v')} AS t FROM (SELECT $v::VARCHAR AS v)`, { v });
    return row!.t;
  };

  it('never throws; returns a timestamp or null', async () => {
    const input = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.double().map(String),
      fc.integer().map(String),
      fc.bigInt().map(String),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e308', '-1e308', '1e400', '', ' ', '0x10', '1_000', '2026-02-30'),
    );
    await fc.assert(
      fc.asyncProperty(input, async (v) => {
        const t = await parse(v);
        expect(t === null || (t instanceof Date && !Number.isNaN(t.getTime()))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('reads ISO-8601 and epoch seconds / milliseconds back to the same instant', async () => {
    const when = fc.integer({ min: 0, max: 4102444800 }); // 1970 .. 2100, whole seconds
    await fc.assert(
      fc.asyncProperty(when, fc.constantFrom('iso', 's', 'ms', 's-text'), async (secs, form) => {
        const v = form === 'iso' ? new Date(secs * 1000).toISOString() : form === 'ms' ? String(secs * 1000) : String(secs);
        const t = await parse(v);
        // epoch numbers below 1e11 are seconds: a millisecond value under 1e11 (before 1973-03-03) reads as seconds
        if (form === 'ms' && secs * 1000 < 1e11) return;
        expect(t?.getTime()).toBe(secs * 1000);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the event reader (fuzzed)', () => {
  interface Gen {
    text: string;
    valid: boolean;
  }
  const validEvent = fc
    .record({
      ts: fc.oneof(
        fc.integer({ min: 0, max: 4102444800 }),
        fc.integer({ min: 0, max: 4102444800 }).map((s) => new Date(s * 1000).toISOString()),
      ),
      event: fc.constantFrom('use', 'issue', 'refresh', 'revoke', 'fail', 'x'),
      sub: fc.string({ unit: 'grapheme', maxLength: 20 }),
      ua: fc.string({ unit: 'binary-ascii', maxLength: 30 }),
      token: fc.option(tokenish, { nil: undefined }),
      more: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
    })
    .map((r): Gen => ({ text: JSON.stringify(r), valid: true }));
  const garbage = fc
    .oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.json({ maxDepth: 3 }),
      fc.constantFrom('', '   ', 'null', '[]', '{"ts":', '{"event":"use"}', '{"ts":"nope"}', '\uFEFF{"ts":1}', '{"ts":1e308}'),
      validEvent.map((g) => g.text.slice(0, Math.max(1, g.text.length - 3))),
    )
    .map((text): Gen => ({ text: text.replace(/\n/g, ' '), valid: false }));
  const files = fc.array(fc.oneof({ arbitrary: validEvent, weight: 3 }, { arbitrary: garbage, weight: 2 }), { minLength: 1, maxLength: 25 });

  it('never throws, loads every valid line, accounts for every non-blank line, prints no control character', async () => {
    const dir = tempDir();
    let n = 0;
    const out = makeOut({ color: false, quiet: true });
    await fc.assert(
      fc.asyncProperty(files, fc.boolean(), async (lines, crlf) => {
        const path = join(dir, `fuzz-${n++}.ndjson`);
        const body = lines.map((l) => l.text).join(crlf ? '\r\n' : '\n') + '\n';
        writeFileSync(path, body);
        const physical = body.split('\n').slice(0, -1);
        const nonBlank = physical.filter((l) => !/^[ \t\r]*$/.test(l)).length;
        const store = await Store.open(':memory:');
        try {
          const summary = await ingestFile(store, path, { kind: 'events' });
          const loaded = (await store.all<{ line: bigint }>(`SELECT line FROM events`)).map((r) => Number(r.line));
          lines.forEach((l, i) => {
            if (l.valid) expect(loaded, `line ${i + 1}: ${l.text}`).toContain(i + 1);
          });
          expect(summary.rows + summary.rejected).toBe(nonBlank);
          const printed = renderIngest({ sources: [summary], skipped: [] }, out);
          expect(printed).not.toMatch(CONTROL);
          for (const r of summary.rejects) expect(`${r.reason} ${r.detail}`).not.toMatch(CONTROL);
        } finally {
          store.close();
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
