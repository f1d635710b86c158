import { describe, expect, it } from 'vitest';
import { failureBurst } from '../../src/checks/failure-burst.js';
import { findingsFor, T0 } from './behaviour-helpers.js';

const fail = (s: number, ip: string, sub: string) => ({ ts: T0 + s, event: 'fail', ip, sub, outcome: 'failure' });
const times = (n: number, step: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i * step);

describe('failure-burst', () => {
  it('fires at exactly min_failures inside the window (both ends included), not one below', async () => {
    const edge = times(10, 120 / 9).map((s, i) => fail(s, '198.51.100.1', `a-${i}`)); // 10 failures spanning exactly 120 s
    const short = times(9, 5).map((s, i) => fail(1000 + s, '198.51.100.2', `b-${i}`));
    const found = await findingsFor(failureBurst, [...edge, ...short]);
    expect(found.map((f) => [f.evidence.key, f.evidence.failures])).toEqual([['198.51.100.1', 10]]);
  });

  it('two bursts on one IP separated by a quiet gap are two findings, each merging its own windows', async () => {
    const events = [
      ...times(30, 8).map((s, i) => fail(s, '198.51.100.3', `c-${i}`)), // 232 s of overlapping windows
      ...times(12, 5, 3600).map((s, i) => fail(s, '198.51.100.3', `d-${i}`)),
    ];
    const found = await findingsFor(failureBurst, events);
    expect(found.map((f) => f.evidence.failures).sort()).toEqual([12, 30]);
    expect(new Set(found.map((f) => f.id)).size).toBe(2);
  });

  it('follows the policy window and threshold', async () => {
    const events = times(4, 20).map((s, i) => fail(s, '198.51.100.4', `e-${i}`)); // 4 failures in 60 s
    expect(await findingsFor(failureBurst, events)).toEqual([]);
    const found = await findingsFor(failureBurst, events, { failure_burst: { window_seconds: 60, min_failures: 4 } });
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence).toMatchObject({ window_seconds: 60, min_failures: 4, failures: 4 });
  });

  it('counts failed refreshes against the refresh token they present (parent_jti)', async () => {
    const events = times(10, 6).map((s, i) => ({
      ts: T0 + s, event: 'refresh', parent_jti: 'rt-stolen', ip: `192.0.2.${i + 1}`, outcome: 'failure', reason: 'invalid_grant',
    }));
    const found = await findingsFor(failureBurst, events);
    expect(found.map((f) => [f.evidence.key_kind, f.jti, f.severity])).toEqual([['token', 'rt-stolen', 'medium']]);
  });
});
