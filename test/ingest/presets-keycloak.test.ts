// The keycloak preset on hand-written records in Keycloak's published shapes (fixtures/presets/keycloak/SOURCE.md).
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectPreset } from '../../src/ingest/mapping/preset-choice.js';
import { Store } from '../../src/store/db.js';
import { ingestPreset } from '../helpers/presets.js';

const DIR = 'fixtures/presets/keycloak';
const FILES = ['events.ndjson', 'admin-events.ndjson', 'server-log.json', 'ecs-log.json'];
const ALICE = '5d3c1a0e-7b2f-4c1e-9a44-0a11ce000001';
const BOB = '5d3c1a0e-7b2f-4c1e-9a44-00000000b0b1';
const ADMIN = '5d3c1a0e-7b2f-4c1e-9a44-0000000ad310';
const ADMIN_CLIENT = '2f6e1b0a-9c3d-4e5f-8a7b-00000000c0a5';
const SID = '7c9e2b41-3d5a-4f60-8b1c-5e55a11ce001';
const R1 = 'd3a1e0f2-41be-4c6a-9d11-0000000000a1';
const R2 = 'd3a1e0f2-41be-4c6a-9d11-0000000000b2';
const R3 = 'd3a1e0f2-41be-4c6a-9d11-0000000000c3';
const GOOD = '81.2.69.142';
const BAD = '175.16.199.1';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

type Row = [string, string, string, string | null, string | null, string | null, string | null, string | null, string | null, string | null, string | null];
const COLS = `line, CAST(ts AS VARCHAR) AS ts, event, outcome, sub, sid, client_id, ip, jti, parent_jti, extra->>'provider_event' AS pe`;

async function load(file: string): Promise<{ rows: Row[]; rejects: [number | null, string][] }> {
  const { s, rows } = await ingestPreset<Record<string, string | null>>(store, `${DIR}/${file}`, 'keycloak', COLS);
  return {
    rows: rows.map((r) => [r.line, r.ts, r.event, r.outcome, r.sub, r.sid, r.client_id, r.ip, r.jti, r.parent_jti, r.pe] as Row),
    rejects: s.rejects.map((r) => [r.line, r.reason]),
  };
}

describe('keycloak preset', () => {
  it('event store records: epoch-millisecond time in UTC, types to events, the refresh-token family by jti', async () => {
    const { rows, rejects } = await load('events.ndjson');
    //  line  ts (UTC)                       event       outcome    sub  sid  client  ip  jti  parent_jti  provider type
    expect(rows).toEqual([
      ['1', '2026-03-14 09:00:00.123', 'issue', 'success', ALICE, SID, 'portal', GOOD, null, null, 'LOGIN'],
      ['2', '2026-03-14 09:00:01', 'issue', 'success', ALICE, SID, 'portal', GOOD, R1, null, 'CODE_TO_TOKEN'],
      ['3', '2026-03-14 09:05:00', 'refresh', 'success', ALICE, SID, 'portal', GOOD, R2, R1, 'REFRESH_TOKEN'],
      ['4', '2026-03-14 09:35:00', 'refresh', 'failure', ALICE, SID, 'portal', BAD, null, R1, 'REFRESH_TOKEN_ERROR'],
      ['5', '2026-03-14 09:35:10', 'fail', 'failure', 'mallory.guess', null, 'portal', BAD, null, null, 'LOGIN_ERROR'],
      ['6', '2026-03-14 09:35:20', 'use', 'success', ALICE, SID, 'orders-api', GOOD, null, null, 'INTROSPECT_TOKEN'],
      ['7', '2026-03-14 09:35:30', 'issue', 'success', ALICE, SID, 'orders-api', '10.20.0.7', 'onrtac:6b1f0a52-2e9d-4b61-a1c3-a11ce0000a03', null, 'TOKEN_EXCHANGE'],
      ['8', '2026-03-14 09:36:10', 'logout', 'success', ALICE, SID, 'portal', GOOD, null, null, 'LOGOUT'],
      ['9', '2026-03-14 09:36:11', 'revoke', 'success', ALICE, null, 'portal', GOOD, R3, null, 'REVOKE_GRANT'],
      ['10', '2026-03-14 09:36:20', 'revoke_grant (revoked_client)', 'success', ALICE, null, 'account-console', GOOD, null, null, 'REVOKE_GRANT (revoked_client)'],
      ['12', '2026-03-14 09:36:40', 'issue', 'success', '5d3c1a0e-7b2f-4c1e-9a44-0000000005a1', null, 'batch-job', '10.20.0.9', 'trrtcc:0c1e2d3f-4a5b-4c6d-8e7f-0000000005a1', null, 'CLIENT_LOGIN'],
    ]);
    expect(rejects).toEqual([[11, 'missing-ts']]);
    // 1773478800123 ms is 2026-03-14T09:00:00.123Z: not seconds, not local time
    expect(Date.parse('2026-03-14T09:00:00.123Z')).toBe(1773478800123);
    const extra = await store.json<{ aud: string | null; reason: string | null }>(`SELECT aud, reason FROM events WHERE line IN (4, 7) ORDER BY line`);
    expect(extra).toEqual([
      { aud: null, reason: 'invalid_token: Maximum allowed refresh token reuse exceeded' },
      { aud: 'billing-api', reason: null },
    ]);
  });

  it('admin events: a session sign-out is a revoke of the user or session acted on, other calls are the admin\'s', async () => {
    const { rows, rejects } = await load('admin-events.ndjson');
    expect(rows).toEqual([
      ['1', '2026-03-14 09:40:00', 'revoke', 'success', ALICE, null, ADMIN_CLIENT, '67.43.156.1', null, null, 'admin ACTION users/{id}/logout'],
      ['2', '2026-03-14 09:40:01.5', 'revoke', 'success', null, SID, ADMIN_CLIENT, '67.43.156.1', null, null, 'admin DELETE sessions/{id}'],
      ['3', '2026-03-14 09:41:00', 'admin update users/{id}', 'success', ADMIN, null, ADMIN_CLIENT, '67.43.156.1', null, null, 'admin UPDATE users/{id}'],
      ['4', '2026-03-14 09:42:00', 'admin create clients', 'failure', ADMIN, null, ADMIN_CLIENT, '67.43.156.1', null, null, 'admin CREATE clients'],
    ]);
    expect(rejects).toEqual([]);
  });

  it('jboss-logging lines in the JSON log: the line time with its offset, quoted, escaped and pre-23 unquoted values', async () => {
    const { rows, rejects } = await load('server-log.json');
    expect(rows).toEqual([
      ['2', '2026-03-14 09:00:00.123', 'issue', 'success', ALICE, SID, 'portal', GOOD, null, null, 'LOGIN'],
      ['3', '2026-03-14 09:05:00', 'refresh', 'success', ALICE, SID, 'portal', GOOD, R2, R1, 'REFRESH_TOKEN'],
      // userId="null" is no user: the name tried, read past `\"` and `, ` inside quoted values
      ['4', '2026-03-14 09:20:41.5', 'fail', 'failure', 'mallory, "guess"', null, 'portal', BAD, null, null, 'LOGIN_ERROR'],
      ['5', '2026-03-14 09:21:00', 'revoke', 'success', BOB, null, ADMIN_CLIENT, '67.43.156.1', null, null, 'admin ACTION users/{id}/logout'],
      ['6', '2026-03-14 09:22:00', 'fail', 'failure', 'guest user', null, 'portal', BAD, null, null, 'LOGIN_ERROR'],
    ]);
    // the start-up line is no event: rejected, named by line, not loaded and not silently dropped
    expect(rejects).toEqual([[1, 'missing-ts']]);
    const [r] = await store.json<{ reason: string }>(`SELECT reason FROM events WHERE line = 4`);
    expect(r!.reason).toBe('user_not_found');
  });

  it('ECS log lines: log.logger and a nanosecond @timestamp (kept to the microsecond)', async () => {
    const { rows, rejects } = await load('ecs-log.json');
    expect(rows).toEqual([
      ['2', '2026-03-14 09:00:01.591777', 'issue', 'success', ALICE, SID, 'portal', GOOD, R1, null, 'CODE_TO_TOKEN'],
      ['3', '2026-03-14 09:36:10.004', 'logout', 'success', ALICE, SID, 'portal', GOOD, null, null, 'LOGOUT'],
    ]);
    expect(rejects).toEqual([[1, 'missing-ts']]);
  });

  it('keeps the whole record in extra', async () => {
    await load('events.ndjson');
    const [row] = await store.json<{ extra: string }>(`SELECT extra FROM events WHERE line = 3`);
    const original = JSON.parse(readFileSync(`${DIR}/events.ndjson`, 'utf8').split('\n')[2]!);
    expect(JSON.parse(row!.extra)).toEqual({ ...original, provider_event: 'REFRESH_TOKEN' });
  });
});

describe('--preset auto and keycloak', () => {
  it.each(FILES)('recognises %s', (file) => {
    expect(detectPreset(readFileSync(`${DIR}/${file}`))?.label).toBe('keycloak');
  });

  it('does not take another preset\'s fixture', () => {
    const others = readdirSync('fixtures/presets', { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'keycloak')
      .flatMap((d) => readdirSync(`fixtures/presets/${d.name}`).filter((f) => !f.endsWith('.md')).map((f) => `fixtures/presets/${d.name}/${f}`));
    expect(others.length).toBeGreaterThan(3);
    for (const path of others) expect([path, detectPreset(readFileSync(path))?.label]).not.toEqual([path, 'keycloak']);
  });
});
