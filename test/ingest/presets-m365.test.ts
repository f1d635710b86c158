import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectPreset } from '../../src/ingest/mapping/preset-choice.js';
import { Store } from '../../src/store/db.js';
import { ingestPreset } from '../helpers/presets.js';

const FILE = 'fixtures/presets/m365-audit/unified-audit-log.ndjson';
const OFFICE = '4765445b-32c6-49b0-83e6-1d93765276ca';
const AZCLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const GRAPH = '00000003-0000-0000-c000-000000000000';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

type Row = Record<'line' | 'ts' | 'event' | 'outcome' | 'sub' | 'sid' | 'client_id' | 'ip' | 'country' | 'ua' | 'aud' | 'jti' | 'parent_jti' | 'reason' | 'pe', string | null>;

async function load(): Promise<{ rows: Row[]; rejects: [number | null, string, string][] }> {
  const { s, rows } = await ingestPreset<Row>(
    store, FILE, 'm365-audit',
    `line, ts, event, outcome, sub, sid, client_id, ip, country, ua, aud, jti, parent_jti, reason, extra->>'provider_event' AS pe`,
  );
  return { rows, rejects: s.rejects.map((r) => [r.line, r.reason, r.detail]) };
}

const cols = (rows: Row[], ...keys: (keyof Row)[]): unknown[][] => rows.map((r) => keys.map((k) => r[k]));

describe('m365-audit preset: Unified Audit Log Azure AD STS logons', () => {
  it('outcome from the operation (a failed logon says ResultStatus "Success"), time from CreationTime as UTC', async () => {
    const { rows } = await load();
    expect(cols(rows, 'line', 'ts', 'event', 'outcome', 'pe')).toEqual([
      ['1', '2026-03-14 09:00:00', 'issue', 'success', 'UserLoggedIn'],
      ['2', '2026-03-14 09:20:41', 'fail', 'failure', 'UserLoginFailed'],
      ['3', '2026-03-14 09:21:05', 'fail', 'failure', 'UserLoginFailed'],
      ['4', '2026-03-14 10:02:17', 'issue', 'success', 'UserLoggedIn'],
      ['5', '2026-03-14 11:45:00', 'issue', 'success', 'UserLoggedIn'],
      ['6', '2026-03-14 12:00:00', 'mailitemsaccessed', 'success', 'MailItemsAccessed'],
    ]);
  });

  it('subject, client, session and user agent from the name-value lists, IP without its port, reason from LogonError and ErrorNumber', async () => {
    const { rows } = await load();
    expect(cols(rows, 'sub', 'client_id', 'aud')).toEqual([
      ['alice@acme.example', OFFICE, GRAPH],
      ['bob@acme.example', OFFICE, null],
      ['alice@acme.example', AZCLI, '797f4846-ba00-4fd7-ba43-dac1f8f63013'],
      ['alice@acme.example', AZCLI, '797f4846-ba00-4fd7-ba43-dac1f8f63013'],
      ['alice@acme.example', OFFICE, GRAPH],
      ['alice@acme.example', null, null],
    ]);
    // 175.16.199.1:51234, [2001:db8:4f0::17]:443, [::ffff:67.43.156.1]:60112, ClientIP null → ActorIpAddress
    expect(rows.map((r) => r.ip)).toEqual(['81.2.69.142', '175.16.199.1', '2001:db8:4f0::17', '67.43.156.1', '2001:db8::abcd', '81.2.69.142']);
    expect(rows.map((r) => r.sid)).toEqual(['0b6f2d3c-9a1e-4c7b-8f5d-2e4a6c8e0a01', null, '7d1c3e5f-2b4a-4c6e-8a0f-1e3c5a7b9d03', null, null, null]);
    expect(rows.map((r) => r.ua)).toEqual([UA, 'python-requests/2.31.0', UA, 'python/3.11.4 (Linux) msal-python/1.24.0 azure-cli/2.57.0', UA, null]);
    expect(rows.map((r) => r.reason)).toEqual([
      null, 'InvalidUserNameOrPassword (AADSTS50126)', 'UserStrongAuthClientAuthNRequiredInterrupt (AADSTS50074)', null, null, null,
    ]);
    // the audit log records no place, token id or parent token
    for (const k of ['country', 'jti', 'parent_jti'] as const) expect(rows.every((r) => r[k] === null)).toBe(true);
  });

  it('a record without CreationTime is rejected with its line; the record stays whole in extra', async () => {
    const { rejects } = await load();
    expect(rejects).toEqual([[7, 'missing-ts', 'no event time: m365-audit reads the time from $.CreationTime, and this line has none']]);
    const [row] = await store.json<{ extra: string }>(`SELECT extra FROM events WHERE line = 2`);
    const original = JSON.parse(readFileSync(FILE, 'utf8').split('\n')[1]!);
    expect(JSON.parse(row!.extra)).toEqual({ ...original, provider_event: 'UserLoginFailed' });
  });

  it('--preset auto recognises the audit log', () => {
    expect(detectPreset(readFileSync(FILE))?.label).toBe('m365-audit');
  });

  it('--preset auto never takes another provider\'s fixture', () => {
    for (const dir of readdirSync('fixtures/presets', { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'm365-audit')) {
      for (const f of readdirSync(`fixtures/presets/${dir.name}`).filter((n) => !n.endsWith('.md'))) {
        expect(detectPreset(readFileSync(`fixtures/presets/${dir.name}/${f}`))?.label, `${dir.name}/${f}`).not.toBe('m365-audit');
      }
    }
  });
});
