// Selectors, bounds and bound parameters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { buildTimeline } from '../../src/timeline/build.js';
import { resolveQuery } from '../../src/timeline/query.js';
import { at, buildStory, type Story } from './story.js';

let story: Story;
beforeAll(async () => {
  story = await buildStory();
});
afterAll(() => story.store.close());

describe('the query', () => {
  it('needs a selector: --since/--until alone are not one', async () => {
    await expect(buildTimeline(story.store, {})).rejects.toThrow(UsageError);
    await expect(buildTimeline(story.store, { since: '2026-03-14' })).rejects.toThrow(/at least one of --jti/);
  });

  it('names the option of a bad bound or fingerprint', () => {
    expect(() => resolveQuery({ sub: 'u-1', since: 'yesterday' })).toThrow(/--since must be an ISO-8601/);
    expect(() => resolveQuery({ sub: 'u-1', until: '2026-13-45T99:00:00Z' })).toThrow(/--until/);
    expect(() => resolveQuery({ sub: 'u-1', since: '2026-03-15', until: '2026-03-14' })).toThrow(/--since .* is after --until/);
    // the start of a fingerprint is a prefix (resolved against the store: prefix.test.ts); a raw token or a word is not
    expect(resolveQuery({ token: 'ABC' }).query.token).toBe('abc');
    expect(() => resolveQuery({ token: 'xyz' })).toThrow(/--token takes a token fingerprint/);
    expect(() => resolveQuery({ token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' })).toThrow(/got '<token>'/);
    expect(resolveQuery({ token: 'ABCDEF012345' }).query.token).toBe('abcdef012345');
  });

  it('reads bounds as UTC, a bare --until date to the end of that day', () => {
    expect(resolveQuery({ sub: 'u', since: '2026-03-14T10:00:00+02:00' }).since).toBe('2026-03-14 08:00:00.000000');
    expect(resolveQuery({ sub: 'u', since: '2026-03-14T10:00' }).since).toBe('2026-03-14 10:00:00.000000');
    expect(resolveQuery({ sub: 'u', until: '2026-03-14' }).until).toBe('2026-03-14 23:59:59.999999');
  });
});

describe('--since / --until', () => {
  it('keep only the lines inside the bounds, inclusive', async () => {
    const t = await buildTimeline(story.store, { sub: 'u-1', since: at(10), until: at(30) });
    expect(t.events.length).toBeGreaterThan(0);
    for (const e of t.events) expect(e.ts >= at(10).replace('.000', '') && e.ts <= at(30).replace('.000', '')).toBe(true);
    expect(t.events.map((e) => e.ts)).toContain(at(10).replace('.000', ''));
    expect(t.events.map((e) => e.ts)).toContain(at(30).replace('.000', ''));
  });

  it('apply to revocations and key events too', async () => {
    const all = await buildTimeline(story.store, { sub: 'u-1' });
    expect(all.events.some((e) => e.kind === 'revocation')).toBe(true);
    const early = await buildTimeline(story.store, { sub: 'u-1', until: at(40) });
    expect(early.events.some((e) => e.kind === 'revocation' || e.kind === 'key')).toBe(false);
  });
});

describe('values are bound, never spliced', () => {
  it("a --sub of x' OR '1'='1 matches nothing and breaks nothing", async () => {
    for (const q of [{ sub: "x' OR '1'='1" }, { jti: "x' OR '1'='1" }, { sid: "'; DROP TABLE events; --" }, { ip: '$p0' }]) {
      const t = await buildTimeline(story.store, q);
      expect(t.events).toEqual([]);
      expect(t.findings).toEqual([]);
    }
    const after = await buildTimeline(story.store, { sub: 'u-1' });
    expect(after.events.length).toBeGreaterThan(5);
  });

  it('--ip and --token select their events, and selectors narrow each other', async () => {
    const syd = await buildTimeline(story.store, { ip: '1.128.0.1' });
    expect(new Set(syd.events.filter((e) => e.kind === 'event' && e.event !== 'revoke').map((e) => e.ip))).toEqual(new Set(['1.128.0.1']));
    const fp = syd.events.find((e) => e.jti === 'a3b')!.token!;
    const byToken = await buildTimeline(story.store, { token: fp });
    expect(new Set(byToken.events.filter((e) => e.kind === 'event').map((e) => e.jti))).toEqual(new Set(['a3b']));
    const both = await buildTimeline(story.store, { sub: 'u-1', ip: '1.128.0.1' });
    expect(both.events.filter((e) => e.kind === 'event').every((e) => e.sub === 'u-1' && e.ip === '1.128.0.1')).toBe(true);
  });
});
