// Gaps and place changes: what makes jumps in a story easy to see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samePlace } from '../../src/timeline/annotate.js';
import { buildTimeline } from '../../src/timeline/build.js';
import { gapText } from '../../src/timeline/render.js';
import { buildStory, type Story } from './story.js';

let story: Story;
beforeAll(async () => {
  story = await buildStory();
});
afterAll(() => story.store.close());

describe('gaps', () => {
  it('counts seconds since the previous line, null for the first', async () => {
    const t = await buildTimeline(story.store, { sid: 's-1' });
    expect(t.events[0]!.gap_seconds).toBeNull();
    const times = t.events.map((e) => Date.parse(e.ts));
    t.events.slice(1).forEach((e, i) => expect(e.gap_seconds).toBe((times[i + 1]! - times[i]!) / 1000));
    expect(t.events.find((e) => e.jti === 'r3b')!.gap_seconds).toBe(600);
  });

  it('reads at a glance', () => {
    expect([null, 0, 40, 850, 7380, 273600].map(gapText)).toEqual(['', '+0s', '+40s', '+14m10s', '+2h03m', '+3d04h']);
  });
});

describe('place changes', () => {
  it('marks the first line in a new place, not the lines after it, and lines without a place never', async () => {
    const t = await buildTimeline(story.store, { sid: 's-1' });
    const changed = t.events.filter((e) => e.place_change);
    expect(changed.map((e) => [e.event, e.jti, e.geo?.city])).toEqual([['refresh', 'r3b', 'Sydney']]);
    const unplaced = t.events.filter((e) => e.geo === null);
    expect(unplaced.length).toBeGreaterThan(0);
    expect(unplaced.every((e) => !e.place_change)).toBe(true);
  });

  it('compares names where both lines have them, coordinates otherwise', () => {
    const g = (country: string | null, city: string | null, lat: number | null = null, lon: number | null = null) => ({ country, city, lat, lon });
    expect(samePlace(g('GB', 'London'), g('GB', 'London'))).toBe(true);
    expect(samePlace(g('GB', 'London'), g('GB', null))).toBe(true);
    expect(samePlace(g('GB', 'London'), g('AU', 'Sydney'))).toBe(false);
    expect(samePlace(g('SE', 'Linköping'), g('SE', 'Stockholm'))).toBe(false);
    expect(samePlace(g(null, null, 51.5, -0.12), g(null, null, 51.52, -0.1))).toBe(true);
    expect(samePlace(g(null, null, 51.5, -0.12), g(null, null, -33.9, 151.2))).toBe(false);
  });
});
