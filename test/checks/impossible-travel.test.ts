import { describe, expect, it } from 'vitest';
import { impossibleTravel } from '../../src/checks/impossible-travel.js';
import { findingsFor, T0 } from './behaviour-helpers.js';

const LONDON = { country: 'GB', city: 'London', lat: 51.5142, lon: -0.0931 };
const SYDNEY = { country: 'AU', city: 'Sydney', lat: -33.8688, lon: 151.2093 };
const MADRID = { country: 'ES', city: 'Madrid', lat: 40.4168, lon: -3.7038 }; // ~1,260 km from London
const at = (min: number, geo: object | null, extra: object) =>
  ({ ts: T0 + min * 60, event: 'use', ip: '81.2.69.142', outcome: 'success', ...(geo ? { geo } : {}), ...extra });

describe('impossible-travel', () => {
  it('places a refresh token where the refresh events that exchange it happened (parent_jti)', async () => {
    const found = await findingsFor(impossibleTravel, [
      { ...at(0, LONDON, { jti: 'rt-2', sub: 'kim' }), event: 'refresh', parent_jti: 'rt-1' },
      { ...at(15, LONDON, { jti: 'rt-3a', sub: 'kim' }), event: 'refresh', parent_jti: 'rt-2' },
      { ...at(45, SYDNEY, { jti: 'rt-3b', sub: 'kim', ip: '1.128.0.1' }), event: 'refresh', parent_jti: 'rt-2' },
    ]);
    const token = found.filter((f) => f.evidence.level === 'token');
    expect(token.map((f) => [f.jti, f.severity])).toEqual([['rt-2', 'critical']]);
    const hop = (token[0]!.evidence.hops as { elapsed_minutes: number; speed_kmh: number }[])[0]!;
    expect(hop.elapsed_minutes).toBe(30);
    expect(hop.speed_kmh).toBeGreaterThan(30_000);
  });

  it('follows the policy speed: London → Madrid in two hours is fine at 900 km/h, not at 500', async () => {
    const events = [at(0, LONDON, { jti: 'm', sub: 'lee' }), at(120, MADRID, { jti: 'm', sub: 'lee', ip: '90.0.0.1' })];
    expect(await findingsFor(impossibleTravel, events)).toEqual([]);
    const slow = await findingsFor(impossibleTravel, events, { impossible_travel: { max_speed_kmh: 500 } });
    expect(slow.map((f) => f.severity)).toEqual(['critical']);
  });

  it('never places unlocated events, out-of-range coordinates or an IPv6 trusted network', async () => {
    const found = await findingsFor(
      impossibleTravel,
      [
        at(0, LONDON, { jti: 'n', sub: 'max' }),
        at(5, null, { jti: 'n', sub: 'max', ip: '1.128.0.1' }),
        at(6, { lat: 123, lon: 500 }, { jti: 'n', sub: 'max' }),
        at(7, SYDNEY, { jti: 'n', sub: 'max', ip: '2001:db8::7' }),
      ],
      { impossible_travel: { trusted_networks: ['2001:db8::/32'] } },
    );
    expect(found).toEqual([]);
  });

  it('reports one finding per token however often it hops, with a stable id', async () => {
    const events = [0, 20, 40, 60].map((m, i) => at(m, i % 2 ? SYDNEY : LONDON, { jti: 'p', sub: 'ned', outcome: i === 3 ? 'failure' : 'success' }));
    const [first, ...rest] = await findingsFor(impossibleTravel, events);
    expect(rest).toEqual([]);
    expect(first!.evidence.impossible_hops).toBe(3);
    expect(first!.severity).toBe('critical');
    expect((await findingsFor(impossibleTravel, events))[0]!.id).toBe(first!.id);
  });
});
