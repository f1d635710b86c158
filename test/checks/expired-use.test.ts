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
  it('exactly exp + leeway is on time, one second more is late (low: within the verifier skew)', async () => {
    expect(await run([use(960, 'success')])).toEqual([]);
    expect((await run([use(961, 'success')])).map((f) => f.severity)).toEqual(['low']);
    expect((await run([use(961, 'success')], { verifier_skew_seconds: 60 })).map((f) => f.severity)).toEqual(['critical']);
  });

  it('takes the leeway from the policy', async () => {
    expect((await run([use(930, 'success')], { clock_skew_seconds: 0, verifier_skew_seconds: 0 })).map((f) => f.severity)).toEqual(['critical']);
  });

  // Issue 21 item 5: a framework whose ClockSkew is 5 minutes (ASP.NET Core's default) accepts a token up to 300 s
  // after exp; such a use is low with a note, one later than that critical as before.
  it('accepted within verifier_skew_seconds (default 300 s) is low with a note; one second beyond is critical', async () => {
    const [low] = await run([use(900 + 300, 'success')]);
    expect(low).toMatchObject({ severity: 'low', title: "Token used shortly after it expired, within the verifier's clock skew" });
    expect(low!.evidence).toMatchObject({
      note: 'the verifier allows a generous skew', verifier_skew_seconds: [300], late_uses_within_verifier_skew: 1, late_uses_beyond_verifier_skew: 0,
    });
    const [crit] = await run([use(900 + 301, 'success')]);
    expect(crit).toMatchObject({ severity: 'critical', title: 'Token used after it expired' });
    expect(crit!.evidence.note).toBeUndefined();
  });

  it('within the skew with the outcome not recorded is low; beyond it medium; one accepted beyond among within is critical', async () => {
    expect((await run([use(1100)])).map((f) => f.severity)).toEqual(['low']);
    expect((await run([use(1100, 'success'), use(1300)])).map((f) => f.severity)).toEqual(['medium']);
    expect((await run([use(1000, 'success'), use(1250, 'success'), use(1500, 'success')])).map((f) => f.severity)).toEqual(['critical']);
  });

  it('verifier_skew_by_audience sets the skew for the API the event names (trailing slash ignored)', async () => {
    const at = (aud: string, dt: number) => ({ ...use(dt, 'success'), aud });
    const policy = { verifier_skew_by_audience: { 'https://strict.example/': 0, 'https://lax.example': 900 } };
    // 100 s late: within the default 300 s elsewhere, beyond the strict API's 0 s
    expect((await run([at('https://strict.example', 1000)], policy)).map((f) => f.severity)).toEqual(['critical']);
    expect((await run([at('https://other.example', 1000)], policy)).map((f) => f.severity)).toEqual(['low']);
    // 800 s late: beyond the default, within the lax API's 900 s
    expect((await run([at('https://lax.example/', 1700)], policy)).map((f) => f.severity)).toEqual(['low']);
    expect((await run([at('https://other.example', 1700)], policy)).map((f) => f.severity)).toEqual(['critical']);
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
