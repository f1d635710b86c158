// The entra preset on both shapes responders hold: the Azure Monitor diagnostic export (envelope + properties) and
// Microsoft Graph signIn records, one a line. Fixtures: fixtures/presets/entra (see its SOURCE.md).
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectPreset } from '../../src/ingest/mapping/preset-choice.js';
import { Store } from '../../src/store/db.js';
import { ingestPreset } from '../helpers/presets.js';
import { tempFile } from '../helpers/tmp.js';

const ENVELOPE = 'fixtures/presets/entra/signin-logs.ndjson';
const GRAPH = 'fixtures/presets/entra/graph-signins.ndjson';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

const COLS = 'line, ts, event, outcome, sub, sid, client_id, ip, country, city, lat, lon, ua, aud, jti, parent_jti, reason';
type Row = Record<string, string | number | null>;

async function load(path: string): Promise<{ rows: Row[]; rejects: [number | null, string][] }> {
  const { s, rows } = await ingestPreset<Row>(store, path, 'entra', `${COLS}, extra->>'provider_event' AS pe`);
  return { rows, rejects: s.rejects.map((r) => [r.line, r.reason]) };
}

describe('entra: Azure Monitor export', () => {
  it('the time is when the sign-in happened (properties.createdDateTime), not when the record was emitted (time)', async () => {
    const { rows, rejects } = await load(ENVELOPE);
    const envelope = readFileSync(ENVELOPE, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { time?: string });
    // the export's `time` is 1 to 4 minutes after the sign-in: none of the stored times is it
    expect(rows.map((r) => r.ts)).toEqual(['2026-03-14 09:00:00.123456', '2026-03-14 10:00:01', '2026-03-14 10:30:12.5', '2026-03-14 11:45:00']);
    expect(envelope.slice(0, 3).map((e) => e.time)).toEqual(['2026-03-14T09:02:41.5512345Z', '2026-03-14T10:01:37.2200000Z', '2026-03-14T10:33:05.0040000Z']);
    expect(rejects).toEqual([[5, 'missing-ts']]);
    const rejectDetail = await store.json<{ detail: string }>(`SELECT detail FROM rejects`);
    expect(rejectDetail[0]!.detail).toMatch(/entra reads the time from \$\.properties\.createdDateTime or \$\.createdDateTime or \$\.time/);
  });

  it('maps every field of an interactive, a refresh, a failed and a service principal sign-in', async () => {
    const { rows } = await load(ENVELOPE);
    expect(rows.map((r) => [r.event, r.outcome, r.pe, r.sub, r.sid, r.client_id, r.ip, r.country])).toEqual([
      ['issue', 'success', 'SignInLogs', 'alice@acme.example', '5e55100a-0000-4000-8000-00000000a11c', 'de8bc8b5-d9f9-48b1-a8ad-b748da725064', '81.2.69.142', 'GB'],
      ['refresh', 'success', 'NonInteractiveUserSignInLogs', 'alice@acme.example', '5e55100a-0000-4000-8000-00000000a11c', 'de8bc8b5-d9f9-48b1-a8ad-b748da725064', '81.2.69.142', 'GB'],
      ['fail', 'failure', 'SignInLogs', 'alice@acme.example', null, 'de8bc8b5-d9f9-48b1-a8ad-b748da725064', '175.16.199.1', 'CN'],
      ['issue', 'success', 'ServicePrincipalSignInLogs', 'acme-batch-job', null, '1f1f1f1f-0000-0000-0000-000000000b0b', '67.43.156.1', 'BT'],
    ]);
    expect(rows[0]).toMatchObject({ city: 'London', lat: 51.5142, lon: -0.0931, aud: '00000003-aaaa-0000-c000-000000000000', jti: null, parent_jti: null });
    expect(rows[0]!.ua).toMatch(/Edg\/122/);
    expect(rows[2]!.reason).toBe('Error validating credentials due to invalid username or password.');
    // the envelope's own resourceId (the tenant's Azure path) is never the audience
    expect(rows.every((r) => r.aud === '00000003-aaaa-0000-c000-000000000000')).toBe(true);
  });
});

describe('entra: Microsoft Graph /auditLogs/signIns records', () => {
  it('maps v1.0 and beta records: kind from signInEventTypes or isInteractive, outcome from status.errorCode', async () => {
    const { rows, rejects } = await load(GRAPH);
    expect(rows.map((r) => [Number(r.line), r.ts, r.event, r.outcome, r.pe, r.sub])).toEqual([
      [1, '2026-03-14 11:05:10', 'issue', 'success', 'interactiveUser', 'bob@acme.example'],
      [2, '2026-03-14 12:05:44', 'refresh', 'success', 'nonInteractiveUser', 'bob@acme.example'],
      [3, '2026-03-14 12:20:02.331123', 'issue', 'success', 'interactiveUser', 'bob@acme.example'],
      [4, '2026-03-14 12:21:15', 'fail', 'failure', 'interactiveUser', 'bob@acme.example'],
      [5, '2026-03-14 12:30:00', 'issue', 'success', 'servicePrincipal', 'acme-batch-job'],
    ]);
    expect(rejects).toEqual([[6, 'missing-ts']]);
  });

  it('reads session, client, IP, place, user agent, audience and failure reason from the flat record', async () => {
    const { rows } = await load(GRAPH);
    const app = 'de8bc8b5-d9f9-48b1-a8ad-b748da725064';
    const api = '00000003-aaaa-0000-c000-000000000000';
    expect(rows.map((r) => [r.sid, r.client_id, r.ip, r.country, r.city, r.lat, r.lon, r.aud])).toEqual([
      [null, app, '81.2.69.160', 'GB', 'London', 51.5142, -0.0931, api],
      ['5e55100b-0000-4000-8000-000000000b0b', app, '81.2.69.160', 'GB', 'London', 51.5142, -0.0931, api],
      ['5e55100b-0000-4000-8000-000000000b0b', app, '175.16.199.1', 'CN', 'Changchun', 43.88, 125.3228, api],
      [null, app, '175.16.199.1', 'CN', 'Changchun', 43.88, 125.3228, api],
      [null, '1f1f1f1f-0000-0000-0000-000000000b0b', '67.43.156.1', 'BT', null, 27.5, 90.5, api],
    ]);
    expect(rows[1]!.ua).toMatch(/Edg\/122/);
    expect(rows[2]!.ua).toBe('python-requests/2.31.0');
    expect(rows[3]!.reason).toBe('Error validating credentials due to invalid username or password.');
    // uniqueTokenIdentifier is the token's `uti`, not its jti: it stays in extra, with the risk fields
    expect(rows.map((r) => [r.jti, r.parent_jti])).toEqual(Array(5).fill([null, null]));
    const [risky] = await store.json<{ extra: string }>(`SELECT extra FROM events WHERE line = 3`);
    expect(JSON.parse(risky!.extra)).toMatchObject({
      riskEventTypes_v2: ['anomalousToken', 'unfamiliarFeatures'], riskLevelDuringSignIn: 'high', uniqueTokenIdentifier: 'Ym9iLXV0aS0wMDAz',
      correlationId: 'bbbbbbbb-0000-0000-0000-000000000003', provider_event: 'interactiveUser',
    });
  });

  it('a hostile signInEventTypes (a string, an object) falls back to isInteractive instead of stopping the load', async () => {
    const base = JSON.parse(readFileSync(GRAPH, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    const file = tempFile('signins.ndjson', [{ ...base, signInEventTypes: 'interactiveUser' }, { ...base, signInEventTypes: { a: 1 }, isInteractive: false }]
      .map((r) => `${JSON.stringify(r)}\n`).join(''));
    const { rows, rejects } = await load(file);
    expect(rows.map((r) => [r.event, r.pe])).toEqual([['issue', 'interactiveUser'], ['refresh', 'nonInteractiveUser']]);
    expect(rejects).toEqual([]);
  });
});

describe('entra: --preset auto', () => {
  it.each([ENVELOPE, GRAPH])('recognises %s', (path) => {
    expect(detectPreset(readFileSync(path))?.label).toBe('entra');
  });

  // every other provider's fixture (today's and those added later) is not read as entra
  const others = readdirSync('fixtures/presets', { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'entra')
    .flatMap((d) => readdirSync(`fixtures/presets/${d.name}`).filter((f) => /\.(ndjson|jsonl?|log)$/.test(f)).map((f) => `fixtures/presets/${d.name}/${f}`));
  it.each(others)('does not take %s for entra', (path) => {
    expect(detectPreset(readFileSync(path))?.label).not.toBe('entra');
  });
});
