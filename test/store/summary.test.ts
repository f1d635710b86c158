// The store summary investigate prints first: accepted tokens without a valid signature are listed (the count is
// the whole count even when the list is cut), and tokens left unverified only because their kid — known from the
// rotation records — is missing from the key set are counted per kid apart, not listed as if forged.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { Store } from '../../src/store/db.js';
import { summarize } from '../../src/store/summary.js';
import { jwks, makeKey } from '../helpers/tokens.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = 1773482400;
const lines = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('store summary', () => {
  it('lists forged acceptances, counts them whole, and sets apart a known key missing from the key set', async () => {
    const current = await makeKey('current', 'EdDSA');
    const archived = await makeKey('archived', 'EdDSA'); // in the rotation records (retired 2026-02-01), not in the JWKS
    const rogue = await makeKey('rogue', 'EdDSA'); // nowhere
    const events: unknown[] = [];
    for (let i = 0; i < 55; i++) {
      events.push({ ts: T0 + i, event: 'use', token: await rogue.sign({ sub: `m${i}`, iat: T0 }), outcome: 'success' });
    }
    for (let i = 0; i < 3; i++) {
      const token = await archived.sign({ sub: `u${i}`, iat: 1769904000 - 86_400 }); // the day before its retirement
      events.push({ ts: T0 + i, event: 'use', token, outcome: 'success' }, { ts: T0 + 60 + i, event: 'use', token, outcome: 'success' });
    }
    // signed a day after the recorded retirement: not explained by the records, listed with the forged ones
    events.push({ ts: T0, event: 'use', token: await archived.sign({ sub: 'late', iat: 1769904000 + 86_400 }), outcome: 'success' });
    events.push({ ts: T0, event: 'use', token: await current.sign({ sub: 'ok', iat: T0 }), outcome: 'success' });
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), lines(events));
    writeFileSync(join(dir, 'keys.json'), jwks(current));
    writeFileSync(join(dir, 'rotation.ndjson'), lines([
      { ts: '2026-01-01T00:00:00Z', kid: 'archived', action: 'activated', actor: 'kms' },
      { ts: '2026-02-01T00:00:00Z', kid: 'archived', action: 'retired', actor: 'kms' },
      { ts: '2026-02-01T00:00:00Z', kid: 'current', action: 'activated', actor: 'kms' },
    ]));
    const store = await Store.open(':memory:');
    try {
      await ingestPaths(store, [dir]);
      const s = await summarize(store);
      expect(s.suspicious_total).toBe(56);
      expect(s.suspicious_accepted).toHaveLength(50);
      expect(s.suspicious_accepted.filter((t) => t.kid === 'archived').map((t) => t.sub)).toEqual(['late']);
      expect(s.unverifiable_known_kids).toEqual([{ kid: 'archived', tokens: 3, accepted_uses: 6 }]);
    } finally {
      store.close();
    }
  });
});
