// `timeline --format csv`: one row per line of the story, parsed back with a real CSV parser (csv-parse) to the
// events the table shows; hostile log values (a formula, a comma, a quote, a newline) round-trip neutralised.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { CHECKS } from '../../src/checks/registry.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { DEFAULT_POLICY } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { saveFindings } from '../../src/store/findings.js';
import { buildTimeline } from '../../src/timeline/build.js';
import { CSV_HEAD, renderTimelineCsv } from '../../src/timeline/csv.js';
import type { Timeline } from '../../src/timeline/types.js';
import { tempDir } from '../helpers/tmp.js';
import { buildStory, type Story } from './story.js';

type Row = Record<(typeof CSV_HEAD)[number], string>;
const parseCsv = (text: string): Row[] => parse(text, { columns: true, skip_empty_lines: false }) as Row[];

let story: Story;
let t: Timeline;
beforeAll(async () => {
  story = await buildStory();
  await saveFindings(story.store, CHECKS, await runChecks(story.store, DEFAULT_POLICY, CHECKS));
  t = await buildTimeline(story.store, { jti: 'r2' });
});
afterAll(() => story.store.close());

describe('the CSV of a story', () => {
  it('has a header row and one row per line of the story, in its order', () => {
    const csv = renderTimelineCsv(t);
    expect(csv.split('\n')[0]).toBe(CSV_HEAD.join(','));
    const rows = parseCsv(csv);
    expect(rows.length).toBe(t.events.length);
    expect(rows.map((r) => [r.time, r.kind, r.event, r.jti, r.token, r.source, r.line])).toEqual(
      t.events.map((e) => [e.ts, e.kind, e.event ?? '', e.jti ?? '', e.token ?? '', e.source, e.line === null ? '' : String(e.line)]),
    );
  });

  it('writes times as ISO-8601 UTC with Z, and tokens as fingerprints only', () => {
    const rows = parseCsv(renderTimelineCsv(t));
    for (const r of rows) expect(r.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/);
    for (const r of rows) if (r.token) expect(r.token).toMatch(/^[0-9a-f]{12}$/);
    const csv = renderTimelineCsv(t);
    for (const tok of story.tokens.values()) expect(csv.includes(tok.split('.')[1]!)).toBe(false);
  });

  it('carries the findings each event is marked with as check:severity, as the table marks them', () => {
    const rows = parseCsv(renderTimelineCsv(t));
    const reuse = t.findings.find((f) => f.check === 'refresh-reuse')!;
    expect(reuse).toBeDefined();
    const marked = rows.filter((r) => r.findings.split('; ').includes(`refresh-reuse:${reuse.severity}`));
    expect(marked.map((r) => r.jti)).toEqual(expect.arrayContaining(['r2', 'r3', 'r3b']));
    // near miss: a line no finding cites has an empty findings cell
    const byId = new Set(t.findings.map((f) => f.id));
    t.events.forEach((e, i) => {
      if (!e.finding_ids.some((id) => byId.has(id))) expect(rows[i]!.findings).toBe('');
    });
  });

  it('carries the place, the client and the note the table shows', () => {
    const rows = parseCsv(renderTimelineCsv(t));
    const sydney = rows.find((r) => r.jti === 'r3b' && r.event === 'refresh')!;
    expect([sydney.country, sydney.city, sydney.place_change]).toEqual(['AU', 'Sydney', 'yes']);
    expect(sydney.note).toBe(t.events.find((e) => e.jti === 'r3b' && e.event === 'refresh')!.note);
    // near miss: a line in the same place as the one before is not a place change
    expect(rows.find((r) => r.jti === 'r3' && r.event === 'refresh')!.place_change).toBe('');
  });
});

describe('hostile log values', () => {
  let store: Store;
  beforeAll(async () => {
    const dir = tempDir();
    const ev = {
      ts: '2026-03-14T09:00:00Z', event: 'use', jti: 'evil-1', ip: '203.0.113.9', outcome: 'failure',
      sub: '=HYPERLINK("http://evil.example","click")', sid: '+1+1', client_id: '@SUM(A1)',
      ua: 'Mozilla, "quoted"\nsecond line', reason: 'ok,=cmd|x', aud: '-2+3',
    };
    const calm = { ts: '2026-03-14T09:01:00Z', event: 'use', jti: 'calm-1', ip: '203.0.113.9', sub: 'u-1', ua: 'curl/8', outcome: 'success' };
    writeFileSync(join(dir, 'events.ndjson'), `${JSON.stringify(ev)}\n${JSON.stringify(calm)}\n`);
    store = await Store.open(':memory:');
    await ingestPaths(store, [dir]);
  });
  afterAll(() => store.close());

  it('round-trip neutralised: formulas quoted with a leading apostrophe, separators and quotes kept, newlines cut', async () => {
    const story = await buildTimeline(store, { ip: '203.0.113.9' });
    const rows = parseCsv(renderTimelineCsv(story));
    expect(rows.length).toBe(2);
    const [evil, calm] = rows as [Row, Row];
    expect(evil.sub).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(evil.sid).toBe(`'+1+1`);
    expect(evil.client_id).toBe(`'@SUM(A1)`);
    expect(evil.api).toBe(`'-2+3`);
    expect(evil.user_agent).toBe('Mozilla, "quoted"\uFFFDsecond line');
    // the note holds the log's reason: a formula after a comma is neutralised too (a spreadsheet may split there)
    expect(evil.note).toBe(`ok,'=cmd|x`);
    // no cell a spreadsheet would run
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
    // near miss: ordinary values are left as they are
    expect([calm.sub, calm.user_agent, calm.jti]).toEqual(['u-1', 'curl/8', 'calm-1']);
  });
});
