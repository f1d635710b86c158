// Cloudflare Access (issue 16): the access_requests dataset records login attempts, so a record whose Action is
// empty is a login (allowed or denied as `Allowed` says), not an event of no kind.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { detectPreset } from '../../src/ingest/mapping/preset-choice.js';
import { presets } from '../../src/ingest/mapping/presets/index.js';
import { Store } from '../../src/store/db.js';

const FILE = 'fixtures/presets/cloudflare-access/empty-action.ndjson';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

it('an empty Action is a login: allowed → issue/success, denied → fail/failure; both spellings', async () => {
  const s = await ingestFile(store, FILE, { mapping: presets().get('cloudflare-access')! });
  expect([s.preset, s.rows, s.rejected, s.warnings]).toEqual(['cloudflare-access', 3, 0, []]);
  const rows = await store.json<Record<string, unknown>>(
    `SELECT ts, event, outcome, sub, client_id, aud, ip, country, sid, jti, extra->>'provider_event' AS pe,
       extra->>'Action' AS action FROM events ORDER BY line`,
  );
  expect(rows).toEqual([
    { ts: '2026-03-14 12:00:00', event: 'issue', outcome: 'success', sub: '0b7c1d2e-0000-5000-8000-0000000ca201', client_id: '6f0c2a9e-0000-4000-8000-000000000001', aud: 'portal.acme.example', ip: '67.43.156.7', country: 'US', sid: null, jti: null, pe: 'login', action: '' },
    { ts: '2026-03-14 12:05:00', event: 'fail', outcome: 'failure', sub: 'carol@acme.example', client_id: '6f0c2a9e-0000-4000-8000-000000000001', aud: 'portal.acme.example', ip: '175.16.199.1', country: 'T1', sid: null, jti: null, pe: 'login', action: '' },
    { ts: '2026-03-14 12:10:00.12345', event: 'issue', outcome: 'success', sub: 'carol@acme.example', client_id: '6f0c2a9e-0000-4000-8000-000000000002', aud: 'wiki.acme.example', ip: '81.2.69.142', country: 'FR', sid: null, jti: null, pe: 'login', action: null },
  ]);
});

it('--preset auto picks cloudflare-access for it', () => {
  expect(detectPreset(readFileSync(FILE))?.label).toBe('cloudflare-access');
});
