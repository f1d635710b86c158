import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { compileMapping } from '../../src/ingest/mapping/mapping.js';
import { MAX_ELEMENTS } from '../../src/ingest/mapping/read-each.js';
import { detectPreset } from '../../src/ingest/mapping/preset-choice.js';
import { Store } from '../../src/store/db.js';
import { ingestPreset } from '../helpers/presets.js';
import { tempFile } from '../helpers/tmp.js';

const FILE = 'fixtures/presets/google-workspace/reports-activities.ndjson';
const CLIENT = '401234567890-expenses.apps.googleusercontent.com';
const ALICE = '114820517739900000001';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

interface Row {
  line: string; ts: string; event: string; outcome: string | null; sub: string | null; sid: string | null;
  client_id: string | null; ip: string | null; country: string | null; ua: string | null; aud: string | null;
  jti: string | null; parent_jti: string | null; reason: string | null; pe: string | null; el: string | null;
}

async function load(): Promise<{ rows: Row[]; rejects: [number | null, string, string][] }> {
  const { s, rows } = await ingestPreset<Row>(
    store, FILE, 'google-workspace',
    `line, ts, event, outcome, sub, sid, client_id, ip, country, ua, aud, jti, parent_jti, reason,
       extra->>'provider_event' AS pe, extra->>'element_index' AS el`,
    'line, el',
  );
  return { rows, rejects: s.rejects.map((r) => [r.line, r.reason, r.detail]) };
}

describe('google-workspace preset: Reports API activities, one event per element of events[]', () => {
  it('maps login, token and saml events: time from id.time, event, outcome, subject, client, IP, country, reason', async () => {
    const { rows } = await load();
    expect(rows.map((r) => [r.line, r.el, r.ts, r.event, r.outcome, r.pe])).toEqual([
      ['1', '0', '2026-03-14 09:00:00.123', 'issue', 'success', 'login_success'],
      ['2', '0', '2026-03-14 09:20:41.5', 'fail', 'failure', 'login_failure'],
      ['3', '0', '2026-03-14 09:21:05', 'fail', 'failure', 'login_challenge'],
      ['3', '1', '2026-03-14 09:21:05', 'login_challenge', 'success', 'login_challenge'],
      ['4', '0', '2026-03-14 09:30:00', 'issue', 'success', 'authorize'],
      ['5', '0', '2026-03-14 10:02:17.25', 'use', 'success', 'activity'],
      ['6', '0', '2026-03-14 10:15:00', 'revoke', 'success', 'revoke'],
      ['7', '0', '2026-03-14 11:00:00', 'issue', 'success', 'login_success'],
      ['8', '0', '2026-03-14 11:05:00', 'fail', 'failure', 'login_failure'],
      ['9', '0', '2026-03-14 12:00:00', 'logout', 'success', 'logout'],
      ['10', null, '2026-03-14 12:30:00', 'issue', 'success', 'login_success'],
    ]);
    // the Google account id (an ID token's `sub`); the address when the actor has none, or Google's placeholder id
    expect(rows.map((r) => r.sub)).toEqual([
      ALICE, 'bob@acme.example', ALICE, ALICE, ALICE, ALICE, ALICE, ALICE, 'mallory@acme.example', ALICE, ALICE,
    ]);
    expect(rows.map((r) => r.ip)).toEqual([
      '81.2.69.142', '175.16.199.1', '81.2.69.142', '81.2.69.142', '81.2.69.142', '67.43.156.1', '81.2.69.142',
      '81.2.69.142', '175.16.199.1', '81.2.69.142', '81.2.69.142',
    ]);
    expect(rows.map((r) => r.country)).toEqual(['GB', 'CN', 'GB', 'GB', 'GB', 'BT', 'GB', null, null, null, null]);
    // token events: the OAuth client; saml: the application signed into
    expect(rows.map((r) => r.client_id)).toEqual([null, null, null, null, CLIENT, CLIENT, CLIENT, 'Acme Wiki', 'Acme Wiki', null, null]);
    expect(rows.map((r) => r.reason)).toEqual([
      null, 'login_failure_invalid_password', null, null, null, null, null, null, 'failure_app_not_configured_for_user', null, null,
    ]);
    // Google records no session, user agent, audience or token id here
    for (const k of ['sid', 'ua', 'aud', 'jti', 'parent_jti'] as const) expect(rows.every((r) => r[k] === null)).toBe(true);
  });

  it('rejects each element of a record without a time, and a record without events, naming line and element', async () => {
    const { rejects } = await load();
    expect(rejects).toEqual([
      [11, 'missing-ts', 'no event time: google-workspace reads the time from $.id.time, and this element ($.events[0]) has none'],
      [11, 'missing-ts', 'no event time: google-workspace reads the time from $.id.time, and this element ($.events[1]) has none'],
      [12, 'no-elements', 'google-workspace reads one event per element of $.events, and this record has none (absent, empty or not a list)'],
    ]);
  });

  it('keeps the whole activity in extra, with the element it came from', async () => {
    await load();
    const [row] = await store.json<{ extra: string }>(`SELECT extra FROM events WHERE line = 3 AND (extra->>'element_index') = '1'`);
    const original = JSON.parse(readFileSync(FILE, 'utf8').split('\n')[2]!);
    expect(JSON.parse(row!.extra)).toEqual({ ...original, provider_event: 'login_challenge', element_index: 1 });
  });

  it('--preset auto recognises the activities', () => {
    expect(detectPreset(readFileSync(FILE))?.label).toBe('google-workspace');
  });

  it('--preset auto never takes another provider\'s fixture', () => {
    for (const dir of readdirSync('fixtures/presets', { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'google-workspace')) {
      for (const f of readdirSync(`fixtures/presets/${dir.name}`).filter((n) => !n.endsWith('.md'))) {
        expect(detectPreset(readFileSync(`fixtures/presets/${dir.name}/${f}`))?.label, `${dir.name}/${f}`).not.toBe('google-workspace');
      }
    }
  });

  it('the API\'s whole response ({"items": [...]}, pretty-printed) is read record by record, each record\'s events as above', async () => {
    const items = readFileSync(FILE, 'utf8').split('\n').slice(0, 4).map((l) => JSON.parse(l) as unknown);
    const body = JSON.stringify({ kind: 'admin#reports#activities', etag: '"e"', items, nextPageToken: 'A:1:-2:login:C03acme01' }, null, 2);
    const s = await ingestFile(store, tempFile('activities.json', body), { mapping: 'auto' });
    expect([s.preset, s.rows, s.rejects.length]).toEqual(['google-workspace', 5, 0]);
    const rows = await store.json<{ line: string; event: string; el: string }>(
      `SELECT line, event, extra->>'element_index' AS el FROM events ORDER BY line, el`,
    );
    expect(rows.map((r) => [r.line, r.el, r.event])).toEqual([['1', '0', 'issue'], ['2', '0', 'fail'], ['3', '0', 'fail'], ['3', '1', 'login_challenge'], ['4', '0', 'issue']]);
  });
});

describe('mapping language: `each` and name-value selectors', () => {
  const ts = '2026-03-14T09:00:00Z';
  const mapping = (extra: Record<string, unknown> = {}): unknown => ({
    name: 'gw-like',
    each: '$.items',
    fields: { ts: '$.when', event: '$.items.kind', sub: '$.who', ua: '$.items.props[key=agent].val', reason: '$.items.props[key=why]' },
    ...extra,
  });

  it('hostile records: a bad line, an array line, a list that is a string, selectors over non-lists, keep the good ones', async () => {
    const lines = [
      JSON.stringify({ when: ts, who: 'u-1', items: [{ kind: 'a', props: [{ key: 'agent', val: 'UA/1' }, { key: 'why', val: 'x' }] }, { kind: 'b', props: 'not a list' }] }),
      '{"when": "2026-03-14T09:00:00Z", "items": [',
      JSON.stringify([{ when: ts }]),
      JSON.stringify({ when: ts, who: 'u-2', items: 'not a list' }),
      JSON.stringify({ when: ts, who: 'u-3', items: [null, 7, { kind: 'c', props: [{ key: 'agent' }, 'odd', { key: 'agent', val: 'UA/2' }] }] }),
      JSON.stringify({ when: 'not a time', who: 'u-4', items: [{ kind: 'd' }] }),
    ];
    const s = await ingestFile(store, tempFile('gw.ndjson', `${lines.join('\n')}\n`), { mapping: compileMapping(mapping(), 'gw.json') });
    const rows = await store.json<Record<string, string | null>>(
      `SELECT line, event, sub, ua, reason, extra->>'element_index' AS el FROM events ORDER BY line, el`,
    );
    expect(rows).toEqual([
      { line: '1', event: 'a', sub: 'u-1', ua: 'UA/1', reason: '{"key":"why","val":"x"}', el: '0' },
      { line: '1', event: 'b', sub: 'u-1', ua: null, reason: null, el: '1' },
      // null and 7 are elements too (no fields of their own); the first `agent` without a value reads as none
      { line: '5', event: null, sub: 'u-3', ua: null, reason: null, el: '0' },
      { line: '5', event: null, sub: 'u-3', ua: null, reason: null, el: '1' },
      { line: '5', event: 'c', sub: 'u-3', ua: null, reason: null, el: '2' },
    ]);
    expect(s.rejects.map((r) => [r.line, r.reason])).toEqual([[2, 'truncated-json'], [3, 'not-an-object'], [4, 'no-elements'], [6, 'bad-ts']]);
    expect(s.rejects[3]!.detail).toMatch(/^the time is not .*\(mapping:gw-like reads the time from \$\.when; \$\.items\[0\]\)$/);
  });

  it('a record with more elements than MAX_ELEMENTS is rejected whole, named; the others load', async () => {
    const many = Array.from({ length: MAX_ELEMENTS + 1 }, () => ({ kind: 'x' }));
    const lines = [JSON.stringify({ when: ts, who: 'u-1', items: many }), JSON.stringify({ when: ts, who: 'u-2', items: [{ kind: 'ok' }] })];
    const s = await ingestFile(store, tempFile('crowded.ndjson', `${lines.join('\n')}\n`), { mapping: compileMapping(mapping(), 'gw.json') });
    expect(s.rows).toBe(1);
    expect(s.rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [1, 'too-many-elements', `${MAX_ELEMENTS + 1} elements in $.items, more than ${MAX_ELEMENTS} per record (each event keeps the whole record): not expanded`],
    ]);
  });

  it('checks `each` and selector paths before anything runs', () => {
    expect(() => compileMapping(mapping({ each: 'items' }), 'gw.json')).toThrow(/mapping gw.json: each: must be a JSON path of keys/);
    expect(() => compileMapping(mapping({ each: '$.items[0]' }), 'gw.json')).toThrow(/each: must be a JSON path of keys/);
    const withToken = mapping();
    (withToken as { fields: Record<string, string> }).fields.token = '$.items.jwt';
    expect(() => compileMapping(withToken, 'gw.json')).toThrow(/fields.token: cannot be read with `each`/);
    for (const bad of ['$.a[key=]', '$.a[=v].x', '$.a[k=v]x', '$.a[k"=v]']) {
      expect(() => compileMapping({ name: 'm', fields: { ts: '$.t', ua: bad } }, 'm.json')).toThrow(/fields.ua: .* is not a JSON path/);
    }
    expect(() => compileMapping({ name: 'm', fields: { ts: '$.t', ua: "$.a[Name=it's].Value" } }, 'm.json')).not.toThrow();
  });
});
