// Hostile values in the containment list: every value a log or token carries is stripped of control characters
// where the action is made, whichever field it lands in (review regression: a session's sub was taken raw).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { buildContainment } from '../../src/report/containment.js';
import { renderContainmentNdjson } from '../../src/report/render-containment.js';
import { toNdjson } from '../../src/format/serialize.js';
import { Store } from '../../src/store/db.js';

const dir = mkdtempSync(join(tmpdir(), 'jwtf-containment-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SUB = 'u-1\u001b[2J\u009b31m\u202e';
const finding: Finding = {
  id: 'revoked-use:0000000000000001', check: 'revoked-use', severity: 'high', title: 'used after revocation',
  jti: null, sub: SUB, kid: null, token: null, first_seen: '2026-03-14T11:05:00Z', last_seen: '2026-03-14T11:06:00Z',
  events: [], evidence: { revocations: [{ scope: 'sid', value: 's-1\u0007' }] }, remediation: 'revoke it',
};

describe('containment values from logs', () => {
  it('strips control characters from the sub of a session to revoke, as from every other target', async () => {
    const store = await Store.open(join(dir, 'store.duckdb'));
    try {
      const c = await buildContainment(store, [finding]);
      const session = c.actions.find((a) => a.action === 'revoke-session');
      expect(session?.sid).toBe('s-1\uFFFD');
      expect(session?.sub).toBe('u-1\uFFFD[2J\uFFFD31m\uFFFD');
      const line = await renderContainmentNdjson(c);
      expect(line).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    } finally {
      store.close();
    }
  });

  it('NDJSON escapes the DEL, C1 and bidi controls JSON.stringify leaves raw, keeping the value exact', async () => {
    const text = await toNdjson([{ v: 'a\u009b\u202eb\u007f' }]);
    expect(text).not.toMatch(/[\u007f-\u009f\u202a-\u202e]/);
    expect(JSON.parse(text.trim())).toEqual({ v: 'a\u009b\u202eb\u007f' });
  });
});
