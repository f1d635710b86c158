// Auth0's log event type table (issue 16): token events, failures, Management API calls with their token's jti,
// notices, and codes the table does not list (kept, outcome unknown, counted in the ingest summary).
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { detectPreset } from '../../src/ingest/mapping/preset-choice.js';
import { presets } from '../../src/ingest/mapping/presets/index.js';
import { AUTH0_TYPES } from '../../src/ingest/mapping/presets/auth0.js';
import { Store } from '../../src/store/db.js';
import { ingestPreset } from '../helpers/presets.js';
import { tempFile } from '../helpers/tmp.js';

const FILE = 'fixtures/presets/auth0/event-types.ndjson';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

interface Row {
  line: number; ts: string; event: string; outcome: string | null; sub: string | null; client_id: string | null;
  sid: string | null; ip: string | null; country: string | null; jti: string | null; reason: string | null; pe: string;
}

async function load(): Promise<{ rows: Row[]; warnings: string[]; rejects: number }> {
  const { s, rows } = await ingestPreset<Row>(
    store, FILE, 'auth0',
    `CAST(line AS INTEGER) AS line, ts, event, outcome, sub, client_id, sid, ip, country, jti, reason, extra->>'provider_event' AS pe`,
  );
  return { rows, warnings: s.warnings, rejects: s.rejected };
}

describe('auth0 preset: the whole event type table', () => {
  it('maps every line: event, outcome, subject, session, jti, client, IP, country, time', async () => {
    const { rows, rejects } = await load();
    expect(rejects).toBe(0);
    expect(rows.map((r) => [r.line, r.pe, r.event, r.outcome])).toEqual([
      [1, 'sertft', 'refresh', 'success'],
      [2, 'ferrt', 'fail', 'failure'],
      [3, 'fens', 'fail', 'failure'],
      [4, 'fecte', 'fail', 'failure'],
      [5, 'fpar', 'fail', 'failure'],
      [6, 'fs', 'fail', 'failure'],
      [7, 'gd_auth_failed', 'fail', 'failure'],
      [8, 'gd_auth_rejected', 'fail', 'failure'],
      [9, 'api_limit', 'api_limit', 'failure'],
      [10, 'sens', 'issue', 'success'],
      [11, 'secte', 'issue', 'success'],
      [12, 'sapi', 'use', 'success'],
      [13, 'w', 'w', null],
      [14, 'zz_new_code', 'zz_new_code', null],
      [15, 'zz_new_code', 'zz_new_code', null],
      [16, 'mgmt_api_read', 'use', 'success'],
    ]);
    const alice = 'auth0|65f2alice00000000000001';
    const admin = 'auth0|65f2admin00000000000007';
    expect(rows.map((r) => r.sub)).toEqual([
      alice, alice, null, 'alice@example.com', null, 'mallory@example.net', alice, alice, null,
      'apple|000123.aliceapple', alice, admin, alice, alice, alice, admin,
    ]);
    expect(rows[0]!.ts).toBe('2026-03-14 11:00:00');
    expect(rows[15]!.ts).toBe('2026-03-14 11:50:00');
  });

  it('sertft: the new access token is the jti, the refresh token\'s session the sid', async () => {
    const { rows } = await load();
    expect(rows[0]).toMatchObject({
      jti: '5f1c2d0e9a8b4c7d6e5f4a3b2c1d0e9f', sid: 'sess_alice_0001', client_id: 'AcmeSpaClient00000000000000000001',
      ip: '81.2.69.142', country: 'GB',
    });
    // a session named at details.session_id (MFA steps, PAR) is the sid too
    expect(rows.map((r) => r.sid)).toEqual([
      'sess_alice_0001', null, null, null, 'sess_other_0009', null, 'sess_alice_0002', 'sess_alice_0002',
      null, null, null, null, null, null, null, null,
    ]);
  });

  it('ferrt: the reuse detected, in Auth0\'s words, with the token family kept whole in extra', async () => {
    const { rows } = await load();
    expect(rows[1]).toMatchObject({ reason: 'Reused rotating refresh token detected, revoked the family', ip: '175.16.199.1', country: 'CN', jti: null });
    const [row] = await store.json<{ extra: string }>(`SELECT extra FROM events WHERE line = 2`);
    const original = JSON.parse(readFileSync(FILE, 'utf8').split('\n')[1]!);
    expect(JSON.parse(row!.extra)).toEqual({ ...original, provider_event: 'ferrt' });
    expect(original.data.details).toEqual({ familyId: 'rtf_alice_0001', tokenCounter: 2, latestCounter: 3 });
  });

  it('Management API calls carry the calling token\'s jti; successful exchanges the issued token\'s', async () => {
    const { rows } = await load();
    expect(rows.filter((r) => r.jti !== null).map((r) => [r.pe, r.jti, r.client_id])).toEqual([
      ['sertft', '5f1c2d0e9a8b4c7d6e5f4a3b2c1d0e9f', 'AcmeSpaClient00000000000000000001'],
      ['sens', '8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d', 'AcmeMobileClient000000000000000002'],
      ['secte', '1e2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b', 'AcmeSpaClient00000000000000000001'],
      ['sapi', 'c0ffee00c0ffee00c0ffee00c0ffee01', 'AcmeDashboardClient00000000000003'],
      ['mgmt_api_read', 'c0ffee00c0ffee00c0ffee00c0ffee02', 'AcmeDashboardClient00000000000003'],
    ]);
    expect(rows[11]!.ip).toBe('81.2.69.160');
  });

  it('countries from location_info are ISO codes; absent where Auth0 added none', async () => {
    const { rows } = await load();
    expect(rows.map((r) => r.country)).toEqual(['GB', 'CN', ...Array(7).fill(null), 'FR', ...Array(6).fill(null)]);
  });

  it('codes Auth0 does not list are kept, outcome unknown, and counted in the ingest summary', async () => {
    const { warnings } = await load();
    expect(warnings).toEqual([
      '2 records with event types the auth0 preset does not know, kept as they are with outcome unknown: zz_new_code (2)',
    ]);
  });

  it('an unknown code is named in the summary without its control characters', async () => {
    const record = { log_id: '1', data: { date: '2026-03-14T09:00:00Z', type: 'zz\u001b[2Jevil\ncode', user_id: 'auth0|a' } };
    const s = await ingestFile(store, tempFile('auth0.ndjson', `${JSON.stringify(record)}\n`), { mapping: presets().get('auth0')! });
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/: zz\uFFFD\[2jevil\uFFFDcode \(1\)$/);
    expect(s.warnings[0]).not.toMatch(/[\u0000-\u001f]/);
  });

  it('the tenant-logs fixture has no code outside the table (no warning)', async () => {
    const s = await ingestFile(store, 'fixtures/presets/auth0/tenant-logs.ndjson', { mapping: presets().get('auth0')! });
    expect(s.warnings).toEqual([]);
  });

  it('every code of the table is classified once', () => {
    expect(new Set(AUTH0_TYPES).size).toBe(AUTH0_TYPES.length);
    const file = presets().get('auth0')!.file;
    for (const code of ['ferrt', 'fens', 'fecte', 'fpar', 'fs', 'gd_auth_failed', 'gd_auth_rejected']) {
      expect([code, file.event_types?.[code], file.outcome?.[code]]).toEqual([code, 'fail', 'failure']);
    }
    expect([file.event_types?.sertft, file.event_types?.sens, file.event_types?.secte]).toEqual(['refresh', 'issue', 'issue']);
    expect([file.event_types?.api_limit, file.outcome?.api_limit]).toEqual([undefined, 'failure']);
  });

  it('--preset auto picks auth0 for this fixture', () => {
    expect(detectPreset(readFileSync(FILE))?.label).toBe('auth0');
  });
});
