import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../../src/ingest/ingest-source.js';
import { ingestPaths } from '../../../src/ingest/ingest-paths.js';
import { detectPreset, mappingChoice } from '../../../src/ingest/mapping/preset-choice.js';
import { presets } from '../../../src/ingest/mapping/presets/index.js';
import { Store } from '../../../src/store/db.js';
import { tempFile } from '../../helpers/tmp.js';

const DIR = 'fixtures/presets';
const FILES = {
  okta: `${DIR}/okta/system-log.ndjson`,
  auth0: `${DIR}/auth0/tenant-logs.ndjson`,
  entra: `${DIR}/entra/signin-logs.ndjson`,
  'cloudflare-access': `${DIR}/cloudflare-access/access-requests.ndjson`,
} as const;

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

interface Row { line: string; ts: string; event: string; outcome: string | null; sub: string | null; ip: string | null; pe: string | null }

async function load(name: keyof typeof FILES): Promise<{ rows: Row[]; rejects: [number | null, string][] }> {
  const s = await ingestFile(store, FILES[name], { mapping: presets().get(name)! });
  expect(s.preset).toBe(name);
  const rows = await store.json<Row>(
    `SELECT line, ts, event, outcome, sub, ip, extra->>'provider_event' AS pe FROM events ORDER BY line`,
  );
  return { rows, rejects: s.rejects.map((r) => [r.line, r.reason]) };
}

const cols = (rows: Row[], ...keys: (keyof Row)[]): unknown[][] => rows.map((r) => keys.map((k) => r[k]));

describe('presets on hand-written provider logs', () => {
  it('okta: session, SSO, token grant, failed sign-in, policy, logout; a line without `published` is rejected', async () => {
    const { rows, rejects } = await load('okta');
    expect(cols(rows, 'event', 'outcome', 'pe')).toEqual([
      ['issue', 'success', 'user.session.start'],
      ['issue', 'success', 'user.authentication.sso'],
      ['issue', 'success', 'app.oauth2.as.token.grant.access_token'],
      ['fail', 'failure', 'user.session.start'],
      ['policy.evaluate_sign_on', 'success', 'policy.evaluate_sign_on'],
      ['logout', 'success', 'user.session.end'],
    ]);
    expect(new Set(rows.map((r) => r.sub))).toEqual(new Set(['alice@example.com']));
    expect(rows.map((r) => r.ip)).toEqual(['81.2.69.142', '81.2.69.142', '81.2.69.142', '175.16.199.1', '175.16.199.1', null]);
    expect(rows[3]!.ts).toBe('2026-03-14 09:20:41.5');
    expect(rejects).toEqual([[7, 'missing-ts']]);
    const grant = await store.json<Record<string, unknown>>(`SELECT jti, sid, client_id, country, lat FROM events WHERE line = 3`);
    expect(grant).toEqual([{ jti: 'AT.alice-token-0001', sid: '102aliceSessionAAAA', client_id: '0oaclientportal001', country: 'GB', lat: 51.5142 }]);
    // the failed sign-in's "unknown" session is no session
    expect((await store.json<{ sid: string | null }>(`SELECT sid FROM events WHERE line = 4`))[0]!.sid).toBeNull();
  });

  it('okta: the provider record stays whole in extra', async () => {
    await load('okta');
    const [row] = await store.json<{ extra: string }>(`SELECT extra FROM events WHERE line = 1`);
    const original = JSON.parse(readFileSync(FILES.okta, 'utf8').split('\n')[0]!);
    expect(JSON.parse(row!.extra)).toEqual({ ...original, provider_event: 'user.session.start' });
  });

  it('auth0: log-stream and API shapes, codes to events, empty user_id falls back to the name tried', async () => {
    const { rows, rejects } = await load('auth0');
    expect(cols(rows, 'event', 'outcome', 'pe')).toEqual([
      ['issue', 'success', 's'],
      ['issue', 'success', 'seacft'],
      ['refresh', 'success', 'sertft'],
      ['fail', 'failure', 'fp'],
      ['fail', 'failure', 'fu'],
      ['logout', 'success', 'slo'],
      ['fail', 'failure', 'f'],
    ]);
    expect(rows.map((r) => r.sub)).toEqual([
      ...Array(4).fill('auth0|65f2alice00000000000001'), 'admin@example.com', 'auth0|65f2alice00000000000001', null,
    ]);
    expect(rows.map((r) => r.ip)).toEqual([...Array(3).fill('81.2.69.142'), '175.16.199.1', '175.16.199.1', '81.2.69.142', '67.43.156.1']);
    expect(rows[0]!.ts).toBe('2026-03-14 09:00:00.25');
    expect(rejects).toEqual([[8, 'missing-ts']]);
  });

  it('entra: categories to events, result codes to outcomes, createdDateTime with its offset when `time` is missing', async () => {
    const { rows, rejects } = await load('entra');
    expect(cols(rows, 'event', 'outcome', 'pe')).toEqual([
      ['issue', 'success', 'SignInLogs'],
      ['refresh', 'success', 'NonInteractiveUserSignInLogs'],
      ['fail', 'failure', 'SignInLogs'],
      ['issue', 'success', 'ServicePrincipalSignInLogs'],
    ]);
    expect(rows.map((r) => r.sub)).toEqual(['alice@acme.example', 'alice@acme.example', 'alice@acme.example', 'acme-batch-job']);
    expect(rows.map((r) => r.ip)).toEqual(['81.2.69.142', '81.2.69.142', '175.16.199.1', '67.43.156.1']);
    expect(rows.map((r) => r.ts)).toEqual(['2026-03-14 09:00:00.123456', '2026-03-14 10:00:01', '2026-03-14 10:30:12.5', '2026-03-14 11:45:00']);
    expect(rejects).toEqual([[5, 'missing-ts']]);
  });

  it('cloudflare-access: RFC 3339 with an offset, epoch seconds and nanoseconds, both field spellings', async () => {
    const { rows, rejects } = await load('cloudflare-access');
    expect(cols(rows, 'ts', 'event', 'outcome', 'pe')).toEqual([
      ['2026-03-14 09:00:00', 'issue', 'success', 'login'],
      ['2026-03-14 10:00:00', 'fail', 'failure', 'login'],
      ['2026-03-14 11:00:00', 'logout', 'success', 'logout'],
      ['2026-03-14 10:05:00', 'issue', 'success', 'login'],
    ]);
    expect(rows.map((r) => r.sub)).toEqual([
      '0b7c1d2e-0000-5000-8000-00000000a11c', 'alice@acme.example', '0b7c1d2e-0000-5000-8000-00000000a11c', 'alice@acme.example',
    ]);
    expect(rows.map((r) => r.ip)).toEqual(['81.2.69.142', '175.16.199.1', '81.2.69.142', '81.2.69.142']);
    expect(rejects).toEqual([[5, 'bad-ts']]);
  });
});

describe('--preset auto', () => {
  it.each(Object.entries(FILES))('recognises %s', (name, path) => {
    expect(detectPreset(readFileSync(path))?.label).toBe(name);
  });

  it('reads a folder of mixed providers, each with its preset, recorded in sources.preset', async () => {
    const run = await ingestPaths(store, [DIR], { mapping: await mappingChoice({ preset: 'auto' }) });
    expect(run.sources.map((s) => [s.preset, s.rows, s.rejected]).sort()).toEqual([
      [null, 3, 1], ['auth0', 16, 0], ['auth0', 3, 0], ['auth0', 7, 1], ['aws-cognito', 14, 1], ['aws-cognito', 3, 0], ['cloudflare-access', 3, 0], ['cloudflare-access', 4, 1], ['entra', 3, 0], ['entra', 4, 1], ['entra', 5, 1], ['google-workspace', 11, 3], ['keycloak', 11, 1], ['keycloak', 2, 1], ['keycloak', 4, 0], ['keycloak', 5, 1], ['m365-audit', 6, 1], ['okta', 3, 1], ['okta', 6, 1], ['okta', 7, 0],
    ]); // exports/: whole API responses (test/ingest/api-exports.test.ts), one canonical
    const src = await store.json<{ preset: string }>(`SELECT preset FROM sources ORDER BY preset`);
    expect(src.map((s) => s.preset)).toEqual(['auth0', 'auth0', 'auth0', 'aws-cognito', 'aws-cognito', 'cloudflare-access', 'cloudflare-access', 'entra', 'entra', 'entra', 'google-workspace', 'keycloak', 'keycloak', 'keycloak', 'keycloak', 'm365-audit', 'okta', 'okta', 'okta', null]);
    const rejects = await store.json<{ reason: string; detail: string }>(`SELECT reason, detail FROM rejects WHERE path LIKE '%/okta/%'`);
    expect(rejects).toEqual([{ reason: 'missing-ts', detail: 'no event time: okta reads the time from $.published, and this line has none' }]);
  });

  it('reads a file no preset recognises as canonical', async () => {
    const file = tempFile('auth.ndjson', `${JSON.stringify({ ts: 1773482400, event: 'use', sub: 'u-1' })}\n`);
    expect(detectPreset(readFileSync(file))).toBeNull();
    const s = await ingestFile(store, file, { mapping: 'auto' });
    expect([s.kind, s.preset, s.rows]).toEqual(['events', null, 1]);
  });

  it('leaves keys and captures to their own readers even with a preset', async () => {
    const file = tempFile('revocations.ndjson', `${JSON.stringify({ ts: 1773482400, sub: 'u-1', reason: 'stolen' })}\n`);
    const s = await ingestFile(store, file, { mapping: presets().get('okta')! });
    expect([s.kind, s.preset]).toEqual(['revocations', null]);
  });

  it('rejects an unknown preset name and --preset with --mapping', async () => {
    await expect(mappingChoice({ preset: 'onelogin' })).rejects.toThrow(/--preset must be one of okta, auth0, entra, cloudflare-access, .*auto/);
    await expect(mappingChoice({ preset: 'okta', mapping: 'm.json' })).rejects.toThrow(/not both/);
  });
});
