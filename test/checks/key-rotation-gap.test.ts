import { beforeAll, describe, expect, it } from 'vitest';
import { keyRotationGap } from '../../src/checks/key-rotation-gap.js';
import { jwks, makeKey, type TestKey } from '../helpers/tokens.js';
import { audit, ndjson, rec } from './key-audit-helpers.js';

let a: TestKey;
let b: TestKey;
beforeAll(async () => {
  a = await makeKey('ed-a', 'EdDSA');
  b = await makeKey('ed-b', 'EdDSA');
});

const day = (iso: string, days: number): string => new Date(Date.parse(iso) + days * 86_400_000).toISOString();
const problems = (fs: { evidence: Record<string, unknown>; kid: string | null; severity: string }[]) =>
  fs.map((f) => `${f.kid} ${f.evidence.problem} ${f.severity}`).sort();

describe('key-rotation-gap', () => {
  it('judges age at the last event, not the wall clock', async () => {
    const rotation = ndjson([rec('ed-a', 'created', '2019-01-01T00:00:00Z'), rec('ed-a', 'activated', '2019-01-01T00:00:00Z')]);
    const events = ndjson([{ ts: '2019-06-01T00:00:00Z', event: 'use', token: await a.sign({ sub: 'u', iat: 1559347200 }) }]);
    expect(await audit(keyRotationGap, { 'k.json': jwks(a), 'r.ndjson': rotation, 'e.ndjson': events })).toEqual([]);
    // no events or captures: "now" is the only reference left, and 2019 is long ago
    const alone = await audit(keyRotationGap, { 'k.json': jwks(a), 'r.ndjson': rotation });
    expect(problems(alone)).toEqual(['ed-a overdue medium']);
    expect(alone[0]!.evidence).toMatchObject({ created: '2019-01-01T00:00:00Z', max_age_days: 365 });
  });

  it('takes key_max_age_days from the policy', async () => {
    const rotation = ndjson([rec('ed-a', 'activated', '2026-01-01T00:00:00Z')]);
    const events = ndjson([{ ts: '2026-06-01T00:00:00Z', event: 'logout', sub: 'u' }]);
    const files = { 'k.json': jwks(a), 'r.ndjson': rotation, 'e.ndjson': events };
    expect(await audit(keyRotationGap, files)).toEqual([]);
    const strict = await audit(keyRotationGap, files, { key_max_age_days: 90 });
    expect(problems(strict)).toEqual(['ed-a overdue medium']);
    expect(strict[0]!.evidence.age_days).toBe(151);
  });

  it('allows an overlap of exactly key_overlap_max_days, not one second more', async () => {
    const start = '2026-01-01T00:00:00Z';
    const files = (extraSeconds: number) => ({
      'k.json': jwks(a, b),
      'r.ndjson': ndjson([
        rec('ed-a', 'activated', start),
        rec('ed-b', 'activated', day(start, 10)),
        rec('ed-a', 'retired', new Date(Date.parse(day(start, 40)) + extraSeconds * 1000).toISOString()),
      ]),
      'e.ndjson': ndjson([{ ts: day(start, 60), event: 'logout', sub: 'u' }]),
    });
    expect(await audit(keyRotationGap, files(0))).toEqual([]);
    const over = await audit(keyRotationGap, files(1));
    expect(problems(over)).toEqual(['ed-a long-overlap low']);
    expect(over[0]!.evidence).toMatchObject({ other_kid: 'ed-b', overlap_days: 30 });
  });

  it('a compromise is settled only by a retirement or revocation after it', async () => {
    const files = (actions: [string, string][]) => ({
      'k.json': jwks(a),
      'r.ndjson': ndjson([rec('ed-a', 'created', '2026-01-01T00:00:00Z'), ...actions.map(([act, ts]) => rec('ed-a', act, ts))]),
      'e.ndjson': ndjson([{ ts: '2026-03-01T00:00:00Z', event: 'logout', sub: 'u' }]),
    });
    const settled = files([['compromised', '2026-02-01T00:00:00Z'], ['revoked', '2026-02-01T00:00:00Z']]);
    expect(await audit(keyRotationGap, settled)).toEqual([]);
    const unsettled = files([['retired', '2026-01-15T00:00:00Z'], ['compromised', '2026-02-01T00:00:00Z']]);
    expect(problems(await audit(keyRotationGap, unsettled))).toEqual(['ed-a compromised-active high']);
  });

  it('names the rotation records as evidence with their source lines, and keeps ids stable', async () => {
    const files = {
      'k.json': jwks(a),
      'r.ndjson': ndjson([rec('ed-a', 'retired', '2026-01-01T00:00:00Z'), rec('ed-a', 'activated', '2026-02-01T00:00:00Z')]),
      'e.ndjson': ndjson([{ ts: '2026-03-01T00:00:00Z', event: 'logout', sub: 'u' }]),
    };
    const [first, again] = [await audit(keyRotationGap, files), await audit(keyRotationGap, files)];
    expect(problems(first!)).toEqual(['ed-a out-of-order medium']);
    expect(first!.map((f) => f.id)).toEqual(again!.map((f) => f.id));
    const disorder = first!.find((f) => f.evidence.problem === 'out-of-order')!;
    expect(disorder.events.map((e) => e.line)).toEqual([1, 2]);
    expect(disorder.evidence.out_of_order).toEqual([{ ts: '2026-02-01T00:00:00Z', action: 'activated', after: 'retired' }]);
  });
});
