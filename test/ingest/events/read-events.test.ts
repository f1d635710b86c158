import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../../src/ingest/ingest-source.js';
import { Store } from '../../../src/store/db.js';
import { tempFile } from '../../helpers/tmp.js';
import { makeKey, type TestKey } from '../../helpers/tokens.js';

let rsa: TestKey;
beforeAll(async () => {
  rsa = await makeKey('rsa-1', 'RS256');
});
afterEach(() => {
  delete process.env.JWT_FORENSICS_PART_BYTES;
});

/** A messy file: a byte-order mark, CRLF, blank lines, bad lines of each kind, tokens seen again later. */
async function messyFile(): Promise<string> {
  const tokens = await Promise.all([1, 2, 3].map((i) => rsa.sign({ sub: `u-${i}`, jti: `j-${i}`, iat: 1773482400, exp: 1773486000 })));
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const ts = 1773482400 + i;
    const tok = tokens[i % 3]!;
    if (i % 11 === 3) lines.push('');
    if (i % 13 === 5) lines.push('{"ts":"2026-03-14T10:00:00Z", "event": "use", "token": "trunc');
    if (i % 17 === 7) lines.push('[1,2,3]');
    if (i % 19 === 2) lines.push('{"event":"use","ts":"yesterday"}');
    lines.push(JSON.stringify(i % 4 === 0 ? { ts, event: 'use', authorization: `Bearer ${tok}`, n: i } : { ts, event: 'use', token: tok, ip: `10.0.0.${i}`, n: i, geo: { country: 'GB', asn: i } }));
  }
  return tempFile('messy.ndjson', '\uFEFF' + lines.join('\r\n') + '\n\n');
}

async function load(path: string, partBytes?: number) {
  if (partBytes) process.env.JWT_FORENSICS_PART_BYTES = String(partBytes);
  const store = await Store.open(':memory:');
  try {
    const summary = await ingestFile(store, path);
    const events = await store.json(`SELECT line, ts, event, token_sha, ip, country, extra FROM events ORDER BY line`);
    const rejects = await store.json(`SELECT line, reason, detail FROM rejects ORDER BY line`);
    const tokens = await store.json(`SELECT sha256, sig_status FROM tokens ORDER BY sha256`);
    return { summary, events, rejects, tokens };
  } finally {
    store.close();
  }
}

describe('reading events in parts', () => {
  it('gives the same events, line numbers, rejects and tokens whatever the part size', async () => {
    const file = await messyFile();
    const whole = await load(file);
    expect(whole.summary.rows).toBe(60);
    expect(whole.events).toHaveLength(60);
    expect(whole.rejects.map((r) => (r as { reason: string }).reason).sort()).toEqual(
      ['bad-ts', 'bad-ts', 'bad-ts', 'bad-ts', 'not-an-object', 'not-an-object', 'not-an-object', 'not-an-object', 'truncated-json', 'truncated-json', 'truncated-json', 'truncated-json', 'truncated-json'],
    );
    expect(whole.tokens).toHaveLength(3);
    // the first line carries a byte-order mark and still loads as line 1
    expect((whole.events[0] as { line: string }).line).toBe('1');
    for (const size of [1, 300, 4096]) {
      const parts = await load(file, size);
      expect(parts.events).toEqual(whole.events);
      expect(parts.rejects).toEqual(whole.rejects);
      expect(parts.tokens).toEqual(whole.tokens);
      expect(parts.summary.newTokens).toBe(3);
    }
  });

  it('numbers lines in later parts by their place in the file', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ ts: 1773482400 + i, event: 'use', n: i }));
    lines.splice(20, 0, '   ');
    const file = tempFile('n.ndjson', lines.join('\n'));
    const { events } = await load(file, 100);
    const byN = new Map(events.map((e) => [JSON.parse((e as { extra: string }).extra).n as number, Number((e as { line: string }).line)]));
    expect(byN.get(0)).toBe(1);
    expect(byN.get(19)).toBe(20);
    expect(byN.get(20)).toBe(22); // after the whitespace-only line 21
    expect(byN.get(29)).toBe(31);
  });
});

/** The bulk INSERT commits on its own (store/pending-ingest.ts): after a failure its rows are marked pending, and
 *  what ingest then does (discardPending) leaves no event behind. */
async function expectDiscarded(store: Store, events: number): Promise<void> {
  const { discardPending, pendingSource } = await import('../../../src/store/pending-ingest.js');
  expect(await pendingSource(store)).toBe(1);
  expect(await discardPending(store)).toEqual({ source: 1, events, tokens: 0 });
  expect((await store.json(`SELECT count(*)::INT AS n FROM events`))[0]).toEqual({ n: 0 });
  expect(await pendingSource(store)).toBeNull();
}

describe('reading events: guards', () => {
  it('rolls the source back when the file changes while it is read', async () => {
    const { readEvents } = await import('../../../src/ingest/events/read-events.js');
    const { scanFile } = await import('../../../src/ingest/events/file-scan.js');
    const file = tempFile('live.ndjson', '{"ts":1773482400,"event":"use"}\n{"ts":1773482401,"event":"use"}\n');
    const scan = await scanFile(file);
    // the background pass saw a different file than the parts did: an appended line, say
    const changed = { ...scan, lines: scan.lines.then((n) => n + 1) };
    const store = await Store.open(':memory:');
    try {
      await expect(store.transaction(() => readEvents(store, changed, 1))).rejects.toThrow(/changed while it was being read \(3 lines, then 2\)/);
      await expectDiscarded(store, 2);
    } finally {
      store.close();
    }
  });

  it('rolls the source back when DuckDB reads other lines than the layout pass counted', async () => {
    const { readEvents } = await import('../../../src/ingest/events/read-events.js');
    const { scanFile } = await import('../../../src/ingest/events/file-scan.js');
    const file = tempFile('grown.ndjson', '{"ts":1773482400,"event":"use"}\n{"ts":1773482401,"event":"use"}\n');
    const scan = await scanFile(file);
    // the layout pass counted a line the file no longer has by the time DuckDB reads it
    const changed = { ...scan, label: 'grown.ndjson', layout: scan.layout.then((l) => l && { ...l, lines: l.lines + 1 }) };
    const store = await Store.open(':memory:');
    try {
      await expect(store.transaction(() => readEvents(store, changed, 1))).rejects.toThrow(
        /^grown\.ndjson: the file changed while it was being read \(DuckDB read 2 records where 3 non-blank lines were counted\); copy it/,
      );
      await expectDiscarded(store, 2);
    } finally {
      store.close();
    }
  });

  it('refuses a memory cap it cannot read, naming the variable', async () => {
    const { ingestMemory } = await import('../../../src/ingest/events/read-events.js');
    process.env.JWT_FORENSICS_MEMORY = '2GB';
    expect(ingestMemory()).toBe('2GB');
    process.env.JWT_FORENSICS_MEMORY = "1GB'; DROP TABLE events; --";
    expect(() => ingestMemory()).toThrow(/JWT_FORENSICS_MEMORY must be a size/);
    delete process.env.JWT_FORENSICS_MEMORY;
    expect(ingestMemory()).toBe('1GB');
  });
});

describe('a line too long to load', () => {
  it('is rejected with its number and size, and every other line loads with its own number', async () => {
    const pad = 'x'.repeat(17 * 1024 * 1024);
    const long = JSON.stringify({ ts: 1773482401, event: 'use', pad });
    const content = [JSON.stringify({ ts: 1773482400, event: 'use', n: 1 }), long, JSON.stringify({ ts: 1773482402, event: 'use', n: 3 })].join('\n');
    const file = tempFile('long-line.ndjson', content);
    const { summary, events, rejects } = await load(file);
    expect(summary.rows).toBe(2);
    expect(events.map((e) => (e as { line: string }).line)).toEqual(['1', '3']);
    expect(rejects).toEqual([{ line: '2', reason: 'line-too-long', detail: `the line is ${long.length.toLocaleString('en')} bytes, over the 16 MiB a line may have` }]);
  }, 60_000);
});
