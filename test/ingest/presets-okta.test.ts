// The okta preset on OAuth grants made by a client, refresh-token grants, a reuse detection, and SSO: whose event
// it is (the user the token is for), which client, and which token. Fixtures: fixtures/presets/okta (SOURCE.md).
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectPreset } from '../../src/ingest/mapping/preset-choice.js';
import { Store } from '../../src/store/db.js';
import { ingestPreset } from '../helpers/presets.js';
import { tempFile } from '../helpers/tmp.js';

const SYSTEM_LOG = 'fixtures/presets/okta/system-log.ndjson';
const GRANTS = 'fixtures/presets/okta/oauth-grants.ndjson';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

type Row = Record<string, string | number | null>;
const COLS = 'line, ts, event, outcome, sub, sid, client_id, ip, country, city, lat, lon, ua, jti, parent_jti, reason';

async function load(path: string): Promise<{ rows: Row[]; rejects: [number | null, string][] }> {
  const { s, rows } = await ingestPreset<Row>(store, path, 'okta', `${COLS}, extra->>'provider_event' AS pe`);
  return { rows, rejects: s.rejects.map((r) => [r.line, r.reason]) };
}

const PORTAL = '0oaportal000000001';

describe('okta: OAuth grants made by a client', () => {
  it('event, outcome and the provider type (refresh grants keep their grant type)', async () => {
    const { rows, rejects } = await load(GRANTS);
    expect(rows.map((r) => [Number(r.line), r.ts, r.event, r.outcome, r.pe])).toEqual([
      [1, '2026-03-14 09:00:06', 'issue', 'success', 'app.oauth2.as.token.grant.access_token'],
      [2, '2026-03-14 09:00:06.01', 'issue', 'success', 'app.oauth2.as.token.grant.refresh_token'],
      [3, '2026-03-14 10:00:11', 'refresh', 'success', 'app.oauth2.as.token.grant.access_token (grantType refresh_token)'],
      [4, '2026-03-14 10:00:11.01', 'refresh', 'success', 'app.oauth2.as.token.grant.refresh_token (grantType refresh_token)'],
      // a reuse detection is logged SUCCESS (the detection worked): the refresh it caught failed
      [5, '2026-03-14 10:42:30', 'fail', 'failure', 'app.oauth2.as.token.detect_reuse'],
      [6, '2026-03-14 10:42:31.2', 'fail', 'failure', 'app.oauth2.as.token.grant (grantType refresh_token)'],
      [7, '2026-03-14 11:00:00', 'issue', 'success', 'app.oauth2.as.token.grant.access_token'],
    ]);
    expect(rejects).toEqual([]);
  });

  it('the subject is the user the token is for, the client the OAuth client (the actor), never each other', async () => {
    const { rows } = await load(GRANTS);
    expect(rows.map((r) => [r.sub, r.client_id])).toEqual([
      ['alice@example.com', PORTAL], // User target
      ['alice@example.com', PORTAL],
      ['alice@example.com', PORTAL], // no User target: the token's subject
      ['alice@example.com', PORTAL],
      ['alice@example.com', PORTAL],
      ['alice@example.com', PORTAL],
      ['0oabatch000000001', '0oabatch000000001'], // client_credentials: the client is its own subject
    ]);
  });

  it('tokens: the token granted is the jti; the refresh token presented again is the reuse detection\'s parent_jti', async () => {
    const { rows } = await load(GRANTS);
    expect(rows.map((r) => [r.jti, r.parent_jti])).toEqual([
      ['AT.alice-grant-0101', null],
      ['RT.alice-rt-0001', null],
      ['AT.alice-refresh-0103', null],
      ['RT.alice-rt-0002', null],
      [null, 'RT.alice-rt-0001'],
      [null, null],
      ['AT.batch-0107', null],
    ]);
  });

  it('session, IP, place, user agent and reason', async () => {
    const { rows } = await load(GRANTS);
    expect(rows.map((r) => [r.sid, r.ip, r.country, r.city])).toEqual([
      ['102aliceSessionAAAA', '81.2.69.142', 'GB', 'London'],
      ['102aliceSessionAAAA', '81.2.69.142', 'GB', 'London'],
      [null, '81.2.69.142', 'GB', 'London'], // "unknown" session
      [null, '81.2.69.142', 'GB', 'London'],
      [null, '175.16.199.1', 'CN', 'Changchun'],
      [null, '175.16.199.1', 'CN', 'Changchun'],
      [null, '67.43.156.1', null, null],
    ]);
    expect(rows[4]).toMatchObject({ lat: 43.88, lon: 125.3228, ua: 'python-requests/2.31.0' });
    expect(rows[5]!.reason).toBe('invalid_grant');
    // Okta names the country; the column holds its ISO 3166-1 code, the name stays in extra
    const [named] = await store.json<{ name: string }>(`SELECT extra->'client'->'geographicalContext'->>'country' AS name FROM events WHERE line = 5`);
    expect(named!.name).toBe('China');
  });

  it('keeps the reuse detection whole in extra, its Okta type in provider_event', async () => {
    await load(GRANTS);
    const [row] = await store.json<{ extra: string }>(`SELECT extra FROM events WHERE line = 5`);
    const original = JSON.parse(readFileSync(GRANTS, 'utf8').split('\n')[4]!);
    expect(JSON.parse(row!.extra)).toEqual({ ...original, provider_event: 'app.oauth2.as.token.detect_reuse' });
  });

  it('an org authorization server reuse detection (app.oauth2.token.detect_reuse) without a token target', async () => {
    const line = JSON.parse(readFileSync(GRANTS, 'utf8').split('\n')[4]!);
    const file = tempFile('org-as.ndjson', `${JSON.stringify({ ...line, eventType: 'app.oauth2.token.detect_reuse', target: [line.target[0]] })}\n`);
    const { rows } = await load(file);
    expect(rows.map((r) => [r.event, r.outcome, r.sub, r.client_id, r.jti, r.parent_jti])).toEqual([
      ['fail', 'failure', 'alice@example.com', PORTAL, null, null],
    ]);
  });

  it('hostile targets (an object, a string, entries without type) leave the fields empty, never stop the load', async () => {
    const line = JSON.parse(readFileSync(GRANTS, 'utf8').split('\n')[0]!);
    const file = tempFile('hostile.ndjson', [{ ...line, target: { id: 'x' } }, { ...line, target: 'AT.x' }, { ...line, target: [1, null, { id: 'AT.y' }] }]
      .map((r) => `${JSON.stringify(r)}\n`).join(''));
    const { rows, rejects } = await load(file);
    expect(rows.map((r) => [r.event, r.sub, r.client_id, r.jti])).toEqual(Array(3).fill(['issue', PORTAL, PORTAL, null]));
    expect(rejects).toEqual([]);
  });
});

describe('okta: SSO', () => {
  it('the client is the application signed in to (AppInstance target), not the Okta dashboard the browser used', async () => {
    await load(SYSTEM_LOG);
    const [sso] = await store.json<Row>(`SELECT event, sub, client_id, extra->'client'->>'id' AS okta_client FROM events WHERE line = 2`);
    expect(sso).toEqual({ event: 'issue', sub: 'alice@example.com', client_id: '0oaportal000000001', okta_client: 'okta.2b1959c8-bcc0-56eb-a589-cfcfb7422f26' });
  });

  it('a user acting is still the subject of the rest of the log; a grant by the user\'s own browser keeps client.id', async () => {
    const { rows } = await load(SYSTEM_LOG);
    expect(new Set(rows.map((r) => r.sub))).toEqual(new Set(['alice@example.com']));
    expect(rows.map((r) => r.client_id)).toEqual([null, '0oaportal000000001', '0oaclientportal001', null, null, null]);
  });
});

describe('okta: --preset auto', () => {
  it.each([SYSTEM_LOG, GRANTS])('recognises %s', (path) => {
    expect(detectPreset(readFileSync(path))?.label).toBe('okta');
  });

  // every other provider's fixture (today's and those added later) is not read as okta
  const others = readdirSync('fixtures/presets', { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'okta')
    .flatMap((d) => readdirSync(`fixtures/presets/${d.name}`).filter((f) => /\.(ndjson|jsonl?|log)$/.test(f)).map((f) => `fixtures/presets/${d.name}/${f}`));
  it.each(others)('does not take %s for okta', (path) => {
    expect(detectPreset(readFileSync(path))?.label).not.toBe('okta');
  });
});
