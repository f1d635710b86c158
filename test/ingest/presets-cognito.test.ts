// The aws-cognito preset on hand-written CloudTrail records in the shapes Cognito user pools write
// (fixtures/presets/aws-cognito/SOURCE.md).
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectPreset } from '../../src/ingest/mapping/preset-choice.js';
import { Store } from '../../src/store/db.js';
import { ingestPreset } from '../helpers/presets.js';
import { tempFile } from '../helpers/tmp.js';

const FILE = 'fixtures/presets/aws-cognito/cloudtrail.ndjson';
const ALICE = '62a5e4b4-10c1-70f6-5e3a-a11ce0000001';
const BOB = '62a5e4b4-10c1-70f6-5e3a-00000000b0b1';
const CLIENT = '3n4example5client6id7abc';
const GOOD = '81.2.69.142';
const BAD = '175.16.199.1';
const APP = 'aws-amplify/6.0.16 auth/4 framework/2';
const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

const COLS = `line, CAST(ts AS VARCHAR) AS ts, event, outcome, sub, client_id, ip, ua, extra->>'provider_event' AS pe`;

async function load(path: string): Promise<{ rows: unknown[][]; rejects: [number | null, string][] }> {
  const { s, rows } = await ingestPreset<Record<string, unknown>>(store, path, 'aws-cognito', COLS);
  return { rows: rows.map((r) => Object.values(r)), rejects: s.rejects.map((r) => [r.line, r.reason]) };
}

describe('aws-cognito preset', () => {
  it('API calls and endpoint requests: events from the call, grant type and auth flow; sub from additionalEventData', async () => {
    const { rows, rejects } = await load(FILE);
    //  line  ts  event  outcome  sub  client_id  ip  ua  provider type
    expect(rows).toEqual([
      ['1', '2026-03-14 09:00:00', 'initiateauth (authflow user_srp_auth)', 'success', ALICE, CLIENT, GOOD, APP, 'InitiateAuth (AuthFlow USER_SRP_AUTH)'],
      ['2', '2026-03-14 09:00:01', 'issue', 'success', ALICE, CLIENT, GOOD, APP, 'RespondToAuthChallenge'],
      ['3', '2026-03-14 10:00:02', 'refresh', 'success', ALICE, CLIENT, GOOD, APP, 'InitiateAuth (AuthFlow REFRESH_TOKEN_AUTH)'],
      ['4', '2026-03-14 10:30:12', 'fail', 'failure', ALICE, CLIENT, BAD, 'python-requests/2.31.0', 'InitiateAuth (AuthFlow USER_PASSWORD_AUTH)'],
      ['5', '2026-03-14 10:30:15', 'fail', 'failure', null, CLIENT, BAD, 'python-requests/2.31.0', 'InitiateAuth (AuthFlow USER_PASSWORD_AUTH)'],
      // the managed login's token endpoint: no user at all, the client from the form's list
      ['6', '2026-03-14 11:00:00', 'issue', 'success', null, CLIENT, GOOD, SAFARI, 'Token_POST (grant_type authorization_code)'],
      ['7', '2026-03-14 12:00:00', 'refresh', 'success', null, CLIENT, GOOD, SAFARI, 'Token_POST (grant_type refresh_token)'],
      ['8', '2026-03-14 12:05:00', 'fail', 'failure', null, CLIENT, BAD, 'curl/8.5.0', 'Token_POST (grant_type refresh_token)'],
      ['9', '2026-03-14 12:10:00', 'use', 'success', ALICE, null, GOOD, APP, 'GetUser'],
      ['10', '2026-03-14 12:20:00', 'revoke', 'success', ALICE, null, GOOD, APP, 'GlobalSignOut'],
      // an admin call is about the user acted on, not the IAM role that made it
      ['11', '2026-03-14 12:21:00', 'revoke', 'success', BOB, null, '67.43.156.1', expect.stringMatching(/^aws-cli\//), 'AdminUserGlobalSignOut'],
      // one hidden refresh token revoked: not a revocation of every token of the user
      ['12', '2026-03-14 12:22:00', 'revoketoken', 'success', ALICE, CLIENT, GOOD, APP, 'RevokeToken'],
      ['13', '2026-03-14 12:23:00', 'logout', 'success', null, CLIENT, GOOD, SAFARI, 'Logout_GET'],
      // "AWS Internal" is no address
      ['14', '2026-03-14 12:24:00', 'describeuserpool', 'success', null, null, null, 'AWS Internal', 'DescribeUserPool'],
    ]);
    expect(rejects).toEqual([[15, 'missing-ts']]);
  });

  it('reasons, and no session, token or place Cognito does not log', async () => {
    await load(FILE);
    const rows = await store.json<Record<string, unknown>>(`SELECT line, reason FROM events WHERE reason IS NOT NULL ORDER BY line`);
    expect(rows).toEqual([
      { line: '4', reason: 'NotAuthorizedException: Incorrect username or password.' },
      { line: '5', reason: 'NotAuthorizedException: Incorrect username or password.' },
      { line: '8', reason: 'HTTP 400' },
    ]);
    const [none] = await store.json<Record<string, unknown>>(
      `SELECT count(*) FILTER (WHERE sid IS NOT NULL OR jti IS NOT NULL OR parent_jti IS NOT NULL OR token_sha IS NOT NULL OR country IS NOT NULL) AS n FROM events`,
    );
    expect(none).toEqual({ n: '0' });
  });

  it('keeps the whole record in extra, the IAM caller included', async () => {
    await load(FILE);
    const [row] = await store.json<{ extra: string }>(`SELECT extra FROM events WHERE line = 11`);
    const original = JSON.parse(readFileSync(FILE, 'utf8').split('\n')[10]!);
    expect(JSON.parse(row!.extra)).toEqual({ ...original, provider_event: 'AdminUserGlobalSignOut' });
  });

  it('an identity pool (cognito-identity) or another service is not a user-pool record', () => {
    const other = tempFile('trail.ndjson', `${JSON.stringify({ eventVersion: '1.08', eventTime: '2026-03-14T09:00:00Z', eventSource: 'cognito-identity.amazonaws.com', eventName: 'GetId', sourceIPAddress: GOOD })}\n`);
    expect(detectPreset(readFileSync(other))).toBeNull();
  });
});

describe('--preset auto and aws-cognito', () => {
  it('recognises the CloudTrail records', () => {
    expect(detectPreset(readFileSync(FILE))?.label).toBe('aws-cognito');
  });

  it('does not take another preset\'s fixture', () => {
    const others = readdirSync('fixtures/presets', { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'aws-cognito')
      .flatMap((d) => readdirSync(`fixtures/presets/${d.name}`).filter((f) => !f.endsWith('.md')).map((f) => `fixtures/presets/${d.name}/${f}`));
    expect(others.length).toBeGreaterThan(3);
    for (const path of others) expect([path, detectPreset(readFileSync(path))?.label]).not.toEqual([path, 'aws-cognito']);
  });
});
