import { beforeAll, describe, expect, it } from 'vitest';
import { expiredUse } from '../../src/checks/expired-use.js';
import { jwks, makeKey, type TestKey } from '../helpers/tokens.js';
import { audit, ndjson } from './key-audit-helpers.js';

const T0 = 1773482400;
let key: TestKey;
let token: string;
beforeAll(async () => {
  key = await makeKey('ed', 'EdDSA');
  token = await key.sign({ sub: 'alice', jti: 'j1', iat: T0, exp: T0 + 900 });
});
const run = (rows: unknown[], policy: Record<string, unknown> = {}) => audit(expiredUse, { 'k.json': jwks(key), 'e.ndjson': ndjson(rows) }, policy);
const use = (dt: number, outcome?: string) => ({ ts: T0 + dt, event: 'use', token, outcome });

describe('expired-use', () => {
  it('exactly exp + leeway is on time, one second more is late', async () => {
    expect(await run([use(960, 'success')])).toEqual([]);
    expect((await run([use(961, 'success')])).map((f) => f.severity)).toEqual(['critical']);
  });

  it('takes the leeway from the policy', async () => {
    expect((await run([use(930, 'success')], { clock_skew_seconds: 0 })).map((f) => f.severity)).toEqual(['critical']);
  });

  it('a token rejected every time raises nothing; one accepted late use among rejections is critical', async () => {
    expect(await run([use(1000, 'failure'), use(2000, 'failure')])).toEqual([]);
    const [f] = await run([use(1000, 'failure'), use(2000, 'success'), use(3000, 'failure')]);
    expect(f).toMatchObject({ severity: 'critical', first_seen: '2026-03-14T10:16:40Z', last_seen: '2026-03-14T10:50:00Z' });
    expect(f!.evidence).toMatchObject({ uses: 3, accepted: 1, late_by_seconds: { first: 100, last: 2100 } });
  });

  it('a fail event without outcome counts as rejected', async () => {
    expect(await run([{ ts: T0 + 1000, event: 'fail', token }])).toEqual([]);
  });
});
