// The HTML report as text: every field escaped, no script, no URL, a strict CSP, a stable structure.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { escapeHtml, html } from '../../src/report/html-escape.js';
import { formatGap, parseTs } from '../../src/report/html-format.js';
import { fingerprintOf } from '../../src/report/redact.js';
import { HTML_SECTIONS, renderHtml } from '../../src/report/render-html.js';
import type { Report } from '../../src/report/report.js';
import type { Timeline } from '../../src/timeline/types.js';
import { PAYLOADS, hostileFindings, hostileTimeline, makeReport, normalFindings, normalTimeline } from './html-fixtures.js';

const TAGS = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'main', 'footer', 'section', 'div', 'h1', 'h2', 'h3',
  'h4', 'h5', 'h6', 'p', 'span', 'code', 'pre', 'strong', 'br', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tr',
  'th', 'td', 'a', 'svg', 'g', 'rect', 'line', 'circle', 'text']);
const ATTRS = new Set(['lang', 'charset', 'http-equiv', 'content', 'name', 'class', 'id', 'data-severity', 'viewBox', 'width',
  'height', 'role', 'aria-label', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'text-anchor', 'href']);
// C0 (but \t \n), DEL, C1, bidi overrides and isolates
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

interface Tag { name: string; attrs: [string, string][]; raw: string }

/** Every tag of the page. Escaped text never holds `<` or `>`, so a plain scan finds exactly the markup. */
function tags(page: string): Tag[] {
  return [...page.matchAll(/<(\/?)([a-zA-Z0-9!-]+)([^<>]*)>/g)].filter((m) => m[1] === '' && m[2] !== '!DOCTYPE').map((m) => ({
    name: m[2]!,
    raw: m[0],
    attrs: [...m[3]!.matchAll(/\s([^\s=/]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!, a[2] ?? ''] as [string, string]),
  }));
}

/** The page without its text: the markup alone (tags), plus the style sheet. */
const markupOf = (page: string): string => tags(page).map((t) => t.raw).join('\n');

function expectSafe(page: string): void {
  expect(page).not.toMatch(/<script/i);
  expect(page).not.toMatch(CONTROL);
  const bad: string[] = [];
  for (const t of tags(page)) {
    if (!TAGS.has(t.name)) bad.push(`tag ${t.raw}`);
    for (const [name, value] of t.attrs) {
      if (!ATTRS.has(name)) bad.push(`attribute ${name} in ${t.raw}`);
      if (name === 'href' && !/^#[ft]-\d+$/.test(value)) bad.push(`href ${t.raw}`);
      if (name !== 'content' && /[a-z]+:/i.test(value)) bad.push(`scheme in ${t.raw}`); // no URL scheme anywhere in the markup
    }
  }
  expect(bad).toEqual([]);
  expect(page.match(/<style>/g)).toHaveLength(1);
  const css = page.slice(page.indexOf('<style>'), page.indexOf('</style>'));
  expect(css).not.toMatch(/url\(|@import|expression\(|https?:/i);
}

const hostileReport = (): { report: Report; timelines: Timeline[] } => {
  const findings = [...normalFindings(), ...hostileFindings()];
  return { report: makeReport(findings), timelines: [normalTimeline(findings), hostileTimeline()] };
};

afterEach(() => {
  vi.useRealTimers();
});

describe('html tag and escaping', () => {
  it('escapes & < > " \' and neutralises control characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml('a\u0000b\u001bc\u009bd\u202Ee\nf')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf');
    expect(html`<p class="${'" onclick="x'}">${'<b>'}${html`<i>ok</i>`}${[1, null, false, 'z']}</p>`.value)
      .toBe('<p class="&quot; onclick=&quot;x">&lt;b&gt;<i>ok</i>1z</p>');
  });

  it('formats gaps and reads zone-less timestamps as UTC', () => {
    expect(formatGap(45)).toBe('+45s');
    expect(formatGap(3723)).toBe('+1h 02m');
    expect(formatGap(90061)).toBe('+1d 1h');
    expect(formatGap(null)).toBe('');
    expect(parseTs('2026-03-01 12:00:00')).toBe(Date.UTC(2026, 2, 1, 12));
    expect(parseTs('2026-03-01T12:00:00+02:00')).toBe(Date.UTC(2026, 2, 1, 10));
    expect(parseTs('<script>')).toBeNull();
    expect(parseTs(null)).toBeNull();
  });
});

describe('renderHtml', () => {
  it('escapes every field kind of the report and its timelines', () => {
    const mark = (field: string): string => `<x-${field} a="1">'&`;
    const escaped = (field: string): string => `&lt;x-${field} a=&quot;1&quot;&gt;&#39;&amp;`;
    const setters: Record<string, (r: Report, t: Timeline) => void> = {};
    const f = (k: keyof Finding) => (setters[`finding.${k}`] = (r) => void ((r.findings[0] as unknown as Record<string, unknown>)[k] = mark(`finding.${k}`)));
    for (const k of ['id', 'check', 'title', 'jti', 'sub', 'kid', 'token', 'first_seen', 'last_seen', 'remediation'] as const) f(k);
    Object.assign(setters, {
      'tool.name': (r: Report) => void (r.tool.name = mark('tool.name')),
      'tool.version': (r: Report) => void (r.tool.version = mark('tool.version')),
      generated_at: (r: Report) => void (r.generated_at = mark('generated_at')),
      'input.path': (r: Report) => void (r.inputs[0]!.path = mark('input.path')),
      'input.kind': (r: Report) => void (r.inputs[0]!.kind = mark('input.kind')),
      'input.sha256': (r: Report) => void (r.inputs[0]!.sha256 = mark('input.sha256')),
      'input.rows': (r: Report) => void ((r.inputs[0] as unknown as Record<string, unknown>).rows = mark('input.rows')),
      'event.source': (r: Report) => void (r.findings[0]!.events[0]!.source = mark('event.source')),
      'event.ts': (r: Report) => void (r.findings[0]!.events[0]!.ts = mark('event.ts')),
      'event.line': (r: Report) => void ((r.findings[0]!.events[0] as unknown as Record<string, unknown>).line = mark('event.line')),
      'evidence.key': (r: Report) => void (r.findings[0]!.evidence[mark('evidence.key')] = 1),
      'evidence.value': (r: Report) => void (r.findings[0]!.evidence.v = mark('evidence.value')),
      'evidence.nested': (r: Report) => void (r.findings[0]!.evidence.n = { deep: [mark('evidence.nested')] }),
    });
    for (const k of ['jti', 'sub', 'sid', 'ip', 'token', 'since', 'until'] as const) setters[`query.${k}`] = (_r, t) => void (t.query[k] = mark(`query.${k}`));
    for (const k of ['ts', 'event', 'kind', 'jti', 'token', 'sub', 'sid', 'ip', 'ua', 'aud', 'outcome', 'parent_jti', 'source', 'note', 'line'] as const) {
      setters[`tl.${k}`] = (_r, t) => void ((t.events[1] as unknown as Record<string, unknown>)[k] = mark(`tl.${k}`));
    }
    setters['tl.geo.city'] = (_r, t) => void (t.events[1]!.geo = { city: mark('tl.geo.city'), country: 'FR', lat: 1, lon: 2 });
    setters['tl.geo.country'] = (_r, t) => void (t.events[1]!.geo = { city: 'x', country: mark('tl.geo.country'), lat: 1, lon: 2 });
    setters['tl.finding_id'] = (_r, t) => void t.events[1]!.finding_ids.push(mark('tl.finding_id'));

    for (const [field, set] of Object.entries(setters)) {
      const findings = normalFindings();
      const report = makeReport(findings);
      const timeline = normalTimeline(findings);
      set(report, timeline);
      const page = renderHtml(report, { timelines: [timeline] });
      // nested evidence is shown as JSON: its quotes are JSON-escaped first, then HTML-escaped
      expect(page, field).toContain(field === 'evidence.nested' ? escapeHtml(JSON.stringify(mark(field))) : escaped(field));
      expect(page, field).not.toContain(`<x-${field}`);
      expectSafe(page);
    }
  });

  it('an unknown severity cannot reach a class name', () => {
    const findings = normalFindings();
    (findings[0] as unknown as Record<string, unknown>).severity = 'x" onmouseover="alert(1)';
    const page = renderHtml(makeReport(findings), { timelines: [] });
    expect(page).not.toContain('onmouseover');
    expectSafe(page);
  });

  it('renders the hostile report without any script, tag, attribute or URL of the input', () => {
    const { report, timelines } = hostileReport();
    const page = renderHtml(report, { timelines });
    expectSafe(page);
    expect(markupOf(page)).not.toMatch(/https?:|javascript:|evil\.example|__pwned/i);
    for (const payload of Object.values(PAYLOADS)) if (payload !== PAYLOADS.control) expect(page).toContain(escapeHtml(payload));
    // the URLs are there, but only as escaped text
    expect(page).toContain('https://evil.example/frame');
  });

  it('has no http(s) URL at all when the input has none', () => {
    const findings = normalFindings();
    const page = renderHtml(makeReport(findings), { timelines: [normalTimeline(findings)] });
    expect(page).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(page).not.toMatch(/xmlns/);
  });

  it('carries a strict Content-Security-Policy before any content', () => {
    const page = renderHtml(makeReport(normalFindings()), { timelines: [] });
    const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page);
    expect(m).not.toBeNull();
    const csp = new Map(m![1]!.replace(/&#39;/g, "'").split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v.join(' ')]));
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('style-src')).toBe("'unsafe-inline'");
    expect(csp.get('img-src')).toBe('data:');
    expect(csp.has('script-src')).toBe(false);
    expect(page.indexOf('Content-Security-Policy')).toBeLessThan(page.indexOf('<style>'));
    expect(page.indexOf('<meta charset="utf-8">')).toBeLessThan(page.indexOf('Content-Security-Policy'));
  });

  it('has its sections in order, one section per finding, unique ids', () => {
    const findings = normalFindings();
    const report = makeReport(findings);
    const page = renderHtml(report, { timelines: [normalTimeline(findings)] });
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(page.trimEnd().endsWith('</html>')).toBe(true);
    const positions = HTML_SECTIONS.map((id) => page.indexOf(`<section class="part" id="${id}">`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(page.match(/<section class="finding /g)).toHaveLength(findings.length);
    const ids = tags(page).flatMap((t) => t.attrs.filter(([k]) => k === 'id').map(([, v]) => v));
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of tags(page).filter((x) => x.name === 'a')) expect(ids).toContain(t.attrs.find(([k]) => k === 'href')![1].slice(1));
    // grouped by severity, then check
    expect([...page.matchAll(/<section class="sev-group" id="sev-(\w+)">/g)].map((m) => m[1])).toEqual(['critical', 'high', 'medium', 'low', 'info']);
    expect(page.indexOf('<code>impossible-travel</code>')).toBeLessThan(page.indexOf('<code>refresh-reuse</code>'));
    expect(page).toContain('<svg class="chart"');
    expect(page.match(/<g class="row">/g)).toHaveLength(findings.length + 1);
    expect(page).toContain('Singapore, SG (1.35, 103.82)');
    expect(page).toContain('+40m 00s');
    expect(page).toContain('a'.repeat(64));
  });

  it('draws one chart row per check when findings are many, and says so when nothing has a time', () => {
    const many: Finding[] = Array.from({ length: 60 }, (_, i) => ({
      ...normalFindings()[i % 5]!, id: `x:${i}`, first_seen: `2026-03-01T${String(i % 24).padStart(2, '0')}:00:00Z`,
    }));
    const page = renderHtml(makeReport(many), { timelines: [] });
    expect(page.match(/<g class="row">/g)).toHaveLength(new Set(many.map((f) => f.check)).size);
    expect(page.match(/<section class="finding /g)).toHaveLength(60);
    const empty = renderHtml(makeReport([normalFindings()[5]!]), { timelines: [] });
    expect(empty).toContain('No timestamps to chart.');
  });

  it('puts no wall-clock time in the page: the same report renders the same bytes at any time', () => {
    const { report, timelines } = hostileReport();
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2031-07-04T01:02:03Z'));
    const a = renderHtml(report, { timelines });
    vi.setSystemTime(new Date('2033-01-01T00:00:00Z'));
    const b = renderHtml(report, { timelines });
    expect(a).toBe(b);
    expect(a).not.toMatch(/203[13]/);
  });

  it('names raw tokens by fingerprint and drops secrets unless includeRaw', () => {
    const jwt = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.';
    const findings = normalFindings();
    findings[0]!.evidence = { header_jwk: { kty: 'oct', k: 'c2VjcmV0LXNlY3JldA' }, note: `bearer ${jwt}` };
    const timeline = normalTimeline(findings);
    timeline.events[1]!.ua = `Mozilla ${jwt}`;
    const report = makeReport(findings);
    const safe = renderHtml(report, { timelines: [timeline] });
    expect(safe).not.toContain(jwt);
    expect(safe).not.toContain('c2VjcmV0LXNlY3JldA');
    expect(safe).toContain(`[token ${fingerprintOf(jwt)}]`);
    expect(safe).toContain('[redacted]');
    expect(safe).not.toContain('include-raw');
    expect(report.findings[0]!.evidence.note).toBe(`bearer ${jwt}`); // the caller's report is not modified
    const raw = renderHtml(report, { timelines: [timeline] , includeRaw: true });
    expect(raw).toContain(jwt);
    expect(raw).toContain('c2VjcmV0LXNlY3JldA');
    expect(raw).toContain('--include-raw');
  });

  it('whatever the strings, the markup is only ours (property)', () => {
    // markup-ish characters often, any code point sometimes
    const unit = fc.oneof(fc.constantFrom('<', '>', '"', "'", '&', '/', '=', ' ', 'a', 'x', 'on', 'script', 'img', '\u0000', '\u001b', '\u202e'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    const text = fc.string({ unit, maxLength: 40 });
    fc.assert(fc.property(fc.array(text, { minLength: 10, maxLength: 10 }), (s) => {
      const findings = normalFindings();
      const f = findings[1]!;
      [f.title, f.sub, f.kid, f.jti, f.remediation] = [s[0]!, s[1]!, s[2]!, s[3]!, s[4]!];
      f.evidence = { [s[5]!]: s[6]!, nested: { v: [s[7]!] } };
      const timeline = normalTimeline(findings);
      timeline.events[0]!.ua = s[8]!;
      timeline.events[0]!.note = s[9]!;
      const page = renderHtml(makeReport(findings), { timelines: [timeline] });
      expectSafe(page);
      expect(page.match(/<section class="finding /g)).toHaveLength(findings.length);
    }), { numRuns: 100 });
  });
});

describe('the containment section', () => {
  it('lists what to act on, every value escaped, even when a log planted markup in a target', async () => {
    const { fixedContainment } = await import('./containment-fixture.js');
    const c = fixedContainment();
    const hostile = c.actions.map((a, i) => ({ ...a, target: Object.values(PAYLOADS)[i % Object.values(PAYLOADS).length]!, note: PAYLOADS.script ?? a.note }));
    const page = renderHtml({ ...makeReport(normalFindings()), containment: { ...c, actions: [...c.actions, ...hostile] } }, { timelines: [] });
    expectSafe(page);
    const section = page.slice(page.indexOf('<section class="part" id="containment">'), page.indexOf('<section class="part" id="chart">'));
    expect(section).toContain('<h2>What to act on</h2>');
    expect(section).toContain('<code>acme-es-1</code>');
    expect(section).toContain('jkt 0Eq9UvWQUZL1g-yL3e7EiQ-GPwq1uJs_ZlB-P6lD5Hs');
    expect(section).toContain('deny until 2026-03-14T11:19:50Z');
    expect(section).toContain(escapeHtml('<script>alert(1)</script>|x'));
  });

  it('says plainly when there is nothing to act on, and how many findings were below the threshold', () => {
    const report = makeReport(normalFindings());
    const page = renderHtml({ ...report, containment: { ...report.containment, findings_below: 4 } }, { timelines: [] });
    expect(page).toContain('Nothing to act on: no finding at high or above justifies an action (4 findings below high');
  });
});
