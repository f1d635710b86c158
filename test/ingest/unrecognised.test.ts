// Issue 16 §4: chain of custody for what was not read. A file no reader recognises is recorded in `sources` (kind
// `unrecognised`, sha256, size) with a reject saying why, so every report's inputs show it; documentation and lone
// pretty-printed JSON objects (a policy, a manifest) in a folder are passed over by name and listed. A file named on
// its own that nothing reads, or whose every record a named preset rejects, fails the command (exit 2).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyHead } from '../../src/ingest/classify-input.js';
import { peekHead } from '../../src/ingest/events/file-scan.js';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { ingestPaths, unusableError } from '../../src/ingest/ingest-paths.js';
import { compileMapping } from '../../src/ingest/mapping/mapping.js';
import { presets } from '../../src/ingest/mapping/presets/index.js';
import { buildReport } from '../../src/report/report.js';
import { Store } from '../../src/store/db.js';
import { expectValidReport } from '../helpers/report-schema.js';
import { tempDir } from '../helpers/tmp.js';

const ndjson = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const EVENTS = ndjson([{ ts: 1773482400, event: 'use', sub: 'u-1', ip: '203.0.113.1' }]);
const GATEWAY_LINES = ndjson([{ when: '2026-03-14T10:00:00Z', kind: 'api.call' }, { when: '2026-03-14T10:01:00Z', kind: 'api.call' }]);
const BINARY = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 1, 2, 3, 255]);
const sha = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

function bundle(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'events.ndjson'), EVENTS);
  writeFileSync(join(dir, 'gateway.log'), GATEWAY_LINES);
  writeFileSync(join(dir, 'capture.pcap'), BINARY);
  writeFileSync(join(dir, 'README.md'), '# what this bundle is\n');
  writeFileSync(join(dir, 'notes.pdf'), '%PDF-1.7\n');
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ trusted_audiences: ['https://api.example'] }, null, 2));
  return dir;
}

describe('a folder', () => {
  it('records what no reader recognises (sha256, size, a reject saying why); passes over documentation and a lone pretty-printed object', async () => {
    const dir = bundle();
    const run = await ingestPaths(store, [dir]);
    expect(run.sources.map((s) => [s.path.slice(dir.length + 1), s.kind, s.rows, s.rejected])).toEqual([
      ['events.ndjson', 'events', 1, 0],
      ['capture.pcap', 'unrecognised', 0, 1],
      ['gateway.log', 'unrecognised', 0, 1],
    ]);
    expect(run.sources.some((s) => s.unusable)).toBe(false); // found in a folder: listed, the run goes on
    expect(run.skipped.map((s) => [s.path.slice(dir.length + 1), s.why]).sort()).toEqual([
      ['README.md', expect.stringMatching(/^documentation or script/)],
      ['notes.pdf', expect.stringMatching(/^documentation or script/)],
      ['policy.json', expect.stringMatching(/^one JSON object over several lines, not records \(a configuration or manifest/)],
    ]);
    const sources = await store.json(`SELECT path, kind, sha256, bytes::INTEGER AS bytes, rows::INTEGER AS rows, rejected::INTEGER AS rejected, preset FROM sources WHERE kind = 'unrecognised' ORDER BY path`);
    expect(sources).toEqual([
      { path: join(dir, 'capture.pcap'), kind: 'unrecognised', sha256: sha(BINARY), bytes: BINARY.length, rows: 0, rejected: 1, preset: null },
      { path: join(dir, 'gateway.log'), kind: 'unrecognised', sha256: sha(GATEWAY_LINES), bytes: GATEWAY_LINES.length, rows: 0, rejected: 1, preset: null },
    ]);
    expect(await store.json(`SELECT path, line, reason, detail FROM rejects ORDER BY path`)).toEqual([
      { path: join(dir, 'capture.pcap'), line: null, reason: 'unrecognised', detail: expect.stringMatching(/^not read: not a recognised input/) },
      { path: join(dir, 'gateway.log'), line: null, reason: 'unrecognised', detail: expect.stringMatching(/^not read: JSON lines, but not a recognised input/) },
    ]);
  });

  it("every report's inputs show them, and the report is valid against docs/report.schema.json", async () => {
    await ingestPaths(store, [bundle()]);
    const report = await buildReport(store, [], [], []);
    expect(report.inputs.map((i) => i.kind).sort()).toEqual(['events', 'unrecognised', 'unrecognised']);
    expectValidReport(JSON.parse(JSON.stringify(report)));
  });

  it('the same bytes read later with a mapping replace the record of them', async () => {
    const dir = bundle();
    await ingestPaths(store, [dir]);
    const gateway = compileMapping({ name: 'gw', fields: { ts: '$.when', event: '$.kind' } }, 'gw');
    const s = await ingestFile(store, join(dir, 'gateway.log'), { mapping: gateway });
    expect([s.kind, s.preset, s.rows, s.skipped]).toEqual(['events', 'mapping:gw', 2, false]);
    expect(await store.json(`SELECT kind, preset FROM sources WHERE path LIKE '%gateway.log'`)).toEqual([{ kind: 'events', preset: 'mapping:gw' }]);
    expect(await store.json(`SELECT reason FROM rejects WHERE path LIKE '%gateway.log'`)).toEqual([]);
    // and an unrecognised file met again is not recorded twice
    const again = await ingestPaths(store, [dir]);
    expect(again.sources.find((x) => x.path.endsWith('capture.pcap'))?.skipped).toBe(true);
  });

  it('a folder holding nothing readable still fails, naming what it passed over', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'gateway.log'), GATEWAY_LINES);
    await expect(ingestPaths(store, [dir])).rejects.toThrow(/no file was recognised \(passed over: .*gateway\.log \(JSON lines, but not a recognised input/);
  });
});

describe('a file named on its own', () => {
  it('is recorded too, and fails the command at the end (after the others load), saying why', async () => {
    const dir = bundle();
    const run = await ingestPaths(store, [join(dir, 'gateway.log'), join(dir, 'events.ndjson')]);
    expect(run.sources.map((s) => [s.kind, s.rows])).toEqual([['events', 1], ['unrecognised', 0]]);
    expect(unusableError(run)?.message).toMatch(/gateway\.log: cannot tell what this file holds .*pass --kind or --preset/);
    expect(await store.json(`SELECT kind FROM sources ORDER BY id`)).toEqual([{ kind: 'events' }, { kind: 'unrecognised' }]);
  });

  it('every record rejected under a named --preset fails, naming the preset they look like and --preset auto', async () => {
    const dir = tempDir();
    const auth0 = join(dir, 'tenant.ndjson');
    writeFileSync(auth0, readFileSync('fixtures/presets/auth0/tenant-logs.ndjson'));
    const run = await ingestPaths(store, [auth0], { mapping: presets().get('okta')! });
    expect(run.sources[0]!.rows).toBe(0);
    expect(unusableError(run)?.message).toMatch(
      /tenant\.ndjson: every line was rejected \(missing-ts ×\d+\): read with --preset okta, which may be the wrong provider: they look like auth0's \(--preset auth0\); --preset auto picks each file's preset by its shape/,
    );
    // under auto, the same bytes load, replacing the record of the read that loaded nothing
    const auto = await ingestPaths(store, [auth0], { mapping: 'auto' });
    expect([auto.sources[0]!.preset, auto.sources[0]!.rows > 0, unusableError(auto)]).toEqual(['auth0', true, null]);
    expect(await store.json(`SELECT preset FROM sources`)).toEqual([{ preset: 'auth0' }]);
    expect(await store.json(`SELECT DISTINCT reason FROM rejects WHERE detail LIKE '%okta%'`)).toEqual([]);
  });
});

describe('the bundled investigations', () => {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));

  it.each(['fixtures/incident-acme', 'fixtures/benign-week', ...readdirSync('fixtures/scenarios').map((s) => `fixtures/scenarios/${s}`)])(
    '%s: every file is read or passed over by name, none recorded as unrecognised',
    async (dir) => {
      for (const file of walk(dir)) {
        if (/(README|SOURCE)[^/]*$|\.md$/.test(file)) continue; // documentation, by name
        const c = classifyHead(await peekHead(file), {});
        expect(c.kind !== null || c.oneDocument, file).toBe(true);
      }
    },
  );

  it("policy.json, patterns.json, expected.json and geoip.json are lone pretty-printed objects (passed over); a folder's keys and events are not", async () => {
    for (const file of ['fixtures/benign-week/policy.json', 'fixtures/benign-week/patterns.json', 'fixtures/scenarios/alg-none/expected.json', 'fixtures/scenarios/impossible-travel-geoip/geoip.json']) {
      expect(classifyHead(await peekHead(file), {}), file).toMatchObject({ kind: null, oneDocument: true });
    }
    expect(classifyHead(await peekHead('fixtures/incident-acme/keys/jwks.json'), {}).kind).toBe('jwks');
    expect(classifyHead(await peekHead('fixtures/benign-week/events.ndjson.gz'), {}).kind).toBe('events');
  });

  it('incident-acme loads as before: no unrecognised input, no reject', async () => {
    const run = await ingestPaths(store, ['fixtures/incident-acme']);
    expect(run.sources.filter((s) => s.kind === 'unrecognised' || s.rejected)).toEqual([]);
    expect(run.skipped.map((s) => s.path)).toEqual(['fixtures/incident-acme/README.md']);
  });
});

describe('an explicit --preset in a folder', () => {
  it('a lone pretty-printed object (a policy) is passed over, not read as the provider and failed', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'okta'));
    writeFileSync(join(dir, 'okta', 'system-log.ndjson'), readFileSync('fixtures/presets/okta/system-log.ndjson'));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ trusted_audiences: ['https://api.example'] }, null, 2));
    const run = await ingestPaths(store, [dir], { mapping: presets().get('okta')! });
    expect(run.sources.map((s) => s.preset)).toEqual(['okta']);
    expect(run.skipped.map((s) => s.path)).toEqual([join(dir, 'policy.json')]);
    expect(unusableError(run)).toBeNull();
  });
});
