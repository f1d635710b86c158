import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../../src/ingest/ingest-source.js';
import { compileMapping } from '../../../src/ingest/mapping/mapping.js';
import { mappingChoice } from '../../../src/ingest/mapping/preset-choice.js';
import { PRESET_FILES } from '../../../src/ingest/mapping/presets/index.js';
import { Store } from '../../../src/store/db.js';
import { tempFile } from '../../helpers/tmp.js';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

const ndjson = (...records: unknown[]): string => records.map((r) => `${JSON.stringify(r)}\n`).join('');

// A made-up gateway log: the worked example of docs/presets.md.
const GATEWAY = {
  name: 'acme-gateway',
  raw: { status: '$.http.status' },
  fields: {
    ts: '$.when',
    event: '$.kind',
    sub: ['$.user.id', '$.user.email'],
    ip: '$.peer.addr',
    token: '$.http.headers.authorization',
    outcome: { sql: "CASE WHEN TRY_CAST(r_status AS INTEGER) < 400 THEN 'success' WHEN r_status IS NOT NULL THEN 'failure' END" },
  },
  event_types: { 'api.call': 'use', "user's login": 'issue' },
};

describe('a custom mapping file', () => {
  it('maps paths, path lists, SQL and the event table, and keeps the record and its type in extra', async () => {
    const mapping = tempFile('gateway.json', JSON.stringify(GATEWAY));
    const logs = tempFile(
      'gw.ndjson',
      ndjson(
        { when: '2026-03-14T10:00:00Z', kind: "user's login", user: { email: 'a@x.example' }, peer: { addr: '10.0.0.1' }, http: { status: 200 } },
        { when: 1773482460, kind: 'api.call', user: { id: 'u-1', email: 'a@x.example' }, peer: { addr: '10.0.0.2' }, http: { status: 401, headers: { authorization: 'Bearer abc.def.ghi' } } },
        { when: '2026-03-14T10:02:00Z', kind: 'Health.Check' },
        { kind: 'api.call' },
      ),
    );
    const s = await ingestFile(store, logs, { mapping: await mappingChoice({ mapping }) });
    expect([s.preset, s.rows]).toEqual(['mapping:acme-gateway', 3]);
    expect(s.rejects).toEqual([{ line: 4, reason: 'missing-ts', detail: 'no event time: mapping:acme-gateway reads the time from $.when, and this line has none' }]);
    const rows = await store.json<Record<string, string | null>>(
      `SELECT ts, event, sub, ip, outcome, token_sha IS NOT NULL AS has_token, extra->>'provider_event' AS pe, extra->>'$.http.status' AS status FROM events ORDER BY line`,
    );
    expect(rows).toEqual([
      { ts: '2026-03-14 10:00:00', event: 'issue', sub: 'a@x.example', ip: '10.0.0.1', outcome: 'success', has_token: false, pe: "user's login", status: '200' },
      { ts: '2026-03-14 10:01:00', event: 'use', sub: 'u-1', ip: '10.0.0.2', outcome: 'failure', has_token: true, pe: 'api.call', status: '401' },
      { ts: '2026-03-14 10:02:00', event: 'health.check', sub: null, ip: null, outcome: null, has_token: false, pe: 'Health.Check', status: null },
    ]);
    const [src] = await store.json<{ preset: string }>(`SELECT preset FROM sources`);
    expect(src!.preset).toBe('mapping:acme-gateway');
  });

  it('reads a provider file with no canonical shape as events only because the mapping says so', async () => {
    const logs = tempFile('gw.ndjson', ndjson({ when: '2026-03-14T10:00:00Z', kind: 'api.call' }));
    await expect(ingestFile(store, logs)).rejects.toThrow(/cannot tell what this file holds/);
    expect((await ingestFile(store, logs, { mapping: compileMapping(GATEWAY, 'gw') })).rows).toBe(1);
  });
});

describe('a bad mapping file', () => {
  const bad = (patch: Record<string, unknown>): unknown => ({ ...GATEWAY, ...patch });
  it.each([
    [bad({ colour: 'blue' }), /mapping m: colour: unknown key/],
    [bad({ name: 'no spaces please' }), /mapping m: name: /],
    [bad({ fields: { event: '$.kind' } }), /mapping m: fields.ts: is required/],
    [bad({ fields: { ts: '$.when', subject: '$.user' } }), /mapping m: fields.subject: not a canonical field/],
    [bad({ fields: { ts: 'when' } }), /mapping m: fields.ts: "when" is not a JSON path/],
    [bad({ fields: { ts: '$.items[0.when' } }), /fields.ts: .* is not a JSON path/],
    [bad({ fields: { ts: { sql: 'r_when; DROP TABLE events' } } }), /fields.ts: the SQL must be one expression/],
    [bad({ event_types: { login: 'signin' } }), /mapping m: event_types.login: must map to one of issue, refresh/],
    [bad({ outcome: { ok: 'yes' } }), /mapping m: outcome.ok: must map to one of success, failure/],
    [bad({ raw: { 'Bad-Name': '$.x' } }), /mapping m: raw.Bad-Name: /],
    [bad({ raw: { whole: '$.http', status: '$.http.status' } }), /path \$\.http is read as a value but \$\.http\.status reads inside it/],
    [bad({ detect: { any: [{}] } }), /mapping m: detect.any\[0\]: a rule needs/],
    [[1, 2], /mapping m: \(top level\): must be a JSON object/],
  ])('%#: names the key', (input, message) => {
    expect(() => compileMapping(input, 'm')).toThrow(message);
  });

  it('that is not JSON says so, with the file name', async () => {
    const file = tempFile('m.json', '{ "name": "x", ');
    await expect(mappingChoice({ mapping: file })).rejects.toThrow(new RegExp(`mapping ${file}: not valid JSON`));
  });
});

describe('the built-in presets', () => {
  it.each(PRESET_FILES.map((f) => [f.name, f] as const))('%s is a valid mapping file (JSON round trip)', (name, file) => {
    expect(compileMapping(JSON.parse(JSON.stringify(file)), name, true).label).toBe(name);
  });
});
