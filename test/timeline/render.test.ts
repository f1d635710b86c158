// Renderers and findings inline: the JSON shape of DESIGN.md, the table's marks, escaping, and the empty story.
import { Chalk } from 'chalk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { saveFindings } from '../../src/store/findings.js';
import { CHECKS } from '../../src/checks/registry.js';
import { DEFAULT_POLICY } from '../../src/policy/policy.js';
import { buildTimeline } from '../../src/timeline/build.js';
import {
  NO_CHECKS, renderTimelineJson, renderTimelineMarkdown, renderTimelineNdjson, renderTimelineTable,
} from '../../src/timeline/render.js';
import type { Timeline } from '../../src/timeline/types.js';
import { buildStory, type Story } from './story.js';

const plain = new Chalk({ level: 0 });
const EVENT_KEYS = ['ts', 'event', 'jti', 'token', 'sub', 'sid', 'ip', 'geo', 'ua', 'aud', 'outcome', 'parent_jti', 'source', 'line',
  'kind', 'gap_seconds', 'place_change', 'note', 'finding_ids'];

let story: Story;
beforeAll(async () => {
  story = await buildStory();
});
afterAll(() => story.store.close());

describe('before any check has run', () => {
  it('says so instead of showing no findings', async () => {
    const t = await buildTimeline(story.store, { jti: 'r2' });
    expect(t.checks_run).toBe(false);
    expect(renderTimelineTable(t, plain)).toContain(NO_CHECKS);
    expect(renderTimelineMarkdown(t)).toContain('run \\`jwt\\-forensics check\\`');
    expect(Object.keys(JSON.parse(renderTimelineJson(t)))).toEqual(['query', 'events', 'findings']);
  });
});

describe('with stored findings', () => {
  let t: Timeline;
  beforeAll(async () => {
    const findings = await runChecks(story.store, DEFAULT_POLICY, CHECKS);
    await saveFindings(story.store, CHECKS, findings);
    t = await buildTimeline(story.store, { jti: 'r2' });
  });

  it('brings the findings on the family inline, on the lines they name', () => {
    const reuse = t.findings.find((f) => f.check === 'refresh-reuse');
    expect(reuse).toBeDefined();
    const marked = t.events.filter((e) => e.finding_ids.includes(reuse!.id));
    expect(marked.map((e) => e.jti)).toEqual(expect.arrayContaining(['r2', 'r3', 'r3b']));
    expect(renderTimelineTable(t, plain)).toMatch(/\[(critical|high|medium|low) refresh-reuse\]/);
  });

  it('prints the DESIGN.md JSON shape, events in time order', () => {
    const out = JSON.parse(renderTimelineJson(t));
    expect(Object.keys(out)).toEqual(['query', 'events', 'findings']);
    expect(out.query).toEqual({ jti: 'r2' });
    for (const e of out.events) expect(Object.keys(e)).toEqual(EVENT_KEYS);
    expect(out.findings.length).toBe(t.findings.length);
  });

  it('prints one NDJSON line per event', async () => {
    const lines = (await renderTimelineNdjson(t)).trim().split('\n');
    expect(lines.length).toBe(t.events.length);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(EVENT_KEYS);
  });

  it('never prints a raw token, in any format', async () => {
    const outs = [renderTimelineJson(t), await renderTimelineNdjson(t), renderTimelineTable(t, plain), renderTimelineMarkdown(t)];
    for (const out of outs) for (const tok of story.tokens.values()) expect(out.includes(tok.split('.')[1]!)).toBe(false);
  });
});

describe('hostile values and empty stories', () => {
  it('escapes markdown and strips control characters from log values', async () => {
    const t = await buildTimeline(story.store, { jti: 'r2' });
    const evil: Timeline = { ...t, events: t.events.map((e, i) => (i === 0 ? { ...e, note: '| *bold* <img src=x onerror=alert(1)>\u001b[31m' } : e)) };
    const md = renderTimelineMarkdown(evil);
    expect(md).toContain('\\| \\*bold\\* &lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(md).not.toContain('\u001b');
    expect(renderTimelineTable(evil, plain)).not.toContain('\u001b');
  });

  it('says plainly when nothing matches', async () => {
    const t = await buildTimeline(story.store, { jti: 'no-such-jti' });
    expect(t.events).toEqual([]);
    expect(renderTimelineTable(t, plain)).toMatch(/^no events for jti no-such-jti\n/);
    expect(renderTimelineMarkdown(t)).toContain('no events for jti no\\-such\\-jti');
  });
});
