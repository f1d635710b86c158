// Renderers and findings inline: the JSON shape of DESIGN.md, the table's marks, escaping, and the empty story.
import { Chalk } from 'chalk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { saveFindings } from '../../src/store/findings.js';
import { CHECKS } from '../../src/checks/registry.js';
import { DEFAULT_POLICY } from '../../src/policy/policy.js';
import { buildTimeline } from '../../src/timeline/build.js';
import { SEVERITIES } from '../../src/findings/finding.js';
import { hiddenLine, withMinSeverity } from '../../src/timeline/min-severity.js';
import {
  NO_CHECKS, noEventsLine, renderTimelineJson, renderTimelineMarkdown, renderTimelineNdjson, renderTimelineTable,
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
    expect(renderTimelineMarkdown(t)).toContain('run \\`jwt-forensics check\\`');
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
    expect(md).toContain('\\| \\*bold\\* &lt;img src=x onerror=alert(1)&gt;');
    expect(md).not.toContain('\u001b');
    expect(renderTimelineTable(evil, plain)).not.toContain('\u001b');
  });

  it('says plainly when nothing matches', async () => {
    const t = await buildTimeline(story.store, { jti: 'no-such-jti' });
    expect(t.events).toEqual([]);
    expect(renderTimelineTable(t, plain)).toMatch(/^no events for jti no-such-jti\n/);
    expect(renderTimelineMarkdown(t)).toContain('no events for jti no-such-jti');
  });
});

describe('an empty story that findings touch (issue 17)', () => {
  let t: Timeline;
  beforeAll(async () => {
    // the family's jtis still find the findings about them; no event falls in the window
    t = await buildTimeline(story.store, { jti: 'r2', since: '2030-01-01' });
  });

  it('says how many findings touch it, never a bare "no events for" above them', () => {
    expect(t.events).toEqual([]);
    const n = t.findings.length;
    expect(n).toBeGreaterThan(0);
    const table = renderTimelineTable(t, plain);
    expect(table.split('\n')[0]).toBe(`no events in the logs for jti r2, since 2030-01-01; ${n} finding${n === 1 ? ' touches' : 's touch'} it (below)`);
    expect(table).toContain(`Findings touching this timeline: ${n}`);
    expect(table).not.toMatch(/^no events for/m);
    const md = renderTimelineMarkdown(t);
    expect(md).toContain('no events in the logs for jti r2');
    expect(md).not.toContain('no events for');
    expect(noEventsLine(t, "in the output's findings")).toMatch(/touch(es)? it \(in the output's findings\)$/);
  });

  it('near miss: with no finding either, it stays "no events for …"', async () => {
    const none = await buildTimeline(story.store, { jti: 'no-such-jti' });
    expect(noEventsLine(none)).toBe('no events for jti no-such-jti');
  });
});

describe('--min-severity on a timeline (issue 17)', () => {
  let t: Timeline;
  beforeAll(async () => {
    t = await buildTimeline(story.store, { jti: 'r2' });
  });

  it('leaves the findings below the level out of the marks and the list, and says how many', () => {
    const top = t.findings[0]!.severity; // sorted most severe first
    const below = t.findings.filter((f) => SEVERITIES.indexOf(f.severity) > SEVERITIES.indexOf(top));
    expect(below.length).toBeGreaterThan(0);
    const shown = withMinSeverity(t, top);
    expect(shown.findings.every((f) => f.severity === top)).toBe(true);
    expect(shown.hidden).toEqual({ below: top, count: below.length });
    const hiddenIds = new Set(below.map((f) => f.id));
    for (const e of shown.events) expect(e.finding_ids.some((id) => hiddenIds.has(id))).toBe(false);
    expect(shown.events.length).toBe(t.events.length);
    const line = `${below.length} finding${below.length === 1 ? '' : 's'} below ${top} not shown (--min-severity ${top})`;
    expect(hiddenLine(shown)).toBe(line);
    const table = renderTimelineTable(shown, plain);
    expect(table).toContain(line);
    for (const f of below) expect(table).not.toContain(f.id);
    expect(renderTimelineMarkdown(shown)).toContain(`${below.length} finding`);
    expect(JSON.parse(renderTimelineJson(shown)).findings.length).toBe(shown.findings.length);
  });

  it('near miss: info hides nothing and says nothing; no level leaves the timeline as it is', () => {
    const all = withMinSeverity(t, 'info');
    expect(all.findings).toEqual(t.findings);
    expect(hiddenLine(all)).toBeNull();
    expect(renderTimelineTable(all, plain)).not.toMatch(/not shown \(--min-severity/);
    expect(withMinSeverity(t, null)).toBe(t);
  });
});
