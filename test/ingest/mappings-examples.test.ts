// The example mappings shipped in mappings/, each loaded with its fixture (fixtures/mappings/<name>/, written from
// the project's published records: see each SOURCE.md) into a real store: every mapped field, the tokens captured
// and registered (or the claims a gateway validated), and the rejects of the bad lines.
import { readFileSync, readdirSync } from 'node:fs';
import { tempFile } from '../helpers/tmp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile, type SourceSummary } from '../../src/ingest/ingest-source.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { loadMappingFile, mappingChoice } from '../../src/ingest/mapping/preset-choice.js';
import { Store } from '../../src/store/db.js';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

type Row = Record<string, string | boolean | null>;

const COLS = `line, ts, event, outcome, sub, sid, client_id, ip, ua, jti, aud, reason, extra->>'provider_event' AS pe`;

async function load(name: string, file: string, withKeys = false): Promise<{ s: SourceSummary; rows: Row[] }> {
  if (withKeys) await ingestFile(store, `fixtures/mappings/${name}/jwks.json`);
  const s = await ingestFile(store, `fixtures/mappings/${name}/${file}`, { mapping: await loadMappingFile(`mappings/${name}.json`) });
  expect(s.preset).toBe(`mapping:${name}`);
  const rows = await store.json<Row>(`SELECT ${COLS} FROM events ORDER BY line, CAST(extra->'element_index' AS VARCHAR)`);
  return { s, rows };
}

/** The token each event carries, by its decoded claims (or null). */
const tokensOf = (): Promise<Row[]> => store.json<Row>(
  `SELECT e.line, t.sub, t.jti, t.exp, t.sig_status FROM events e LEFT JOIN tokens t ON t.sha256 = e.token_sha ORDER BY e.line`,
);

const rejects = (s: SourceSummary): [number | null, string, string][] => s.rejects.map((r) => [r.line, r.reason, r.detail]);

const ALICE_JTI = 'a1c3e0f2-0001-4c5e-9d1a-1e2f3a4b5c6d';
const BOB_JTI = 'b0b0b0b0-0002-4c5e-9d1a-1e2f3a4b5c6d';
const CAROL_JTI = 'c4r01000-0003-4c5e-9d1a-1e2f3a4b5c6d';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36';
const base = { sub: null, sid: null, client_id: null, jti: null, aud: null };

describe('nginx JSON access log (log_format escape=json, $time_local, $http_authorization)', () => {
  it('reads $time_local with its offset, the request as a use, the first bearer token of the header, the status as outcome', async () => {
    const { s, rows } = await load('nginx-json', 'access.ndjson', true);
    expect(rows).toEqual([
      { ...base, line: '1', ts: '2026-03-14 10:01:00', event: 'use', outcome: 'success', ip: '198.51.100.7', ua: CHROME, reason: '200', pe: 'use' },
      // +0100 honoured: 11:05:12 local is 10:05:12Z
      { ...base, line: '2', ts: '2026-03-14 10:05:12', event: 'use', outcome: 'success', ip: '203.0.113.50', ua: 'curl/8.5.0', reason: '200', pe: 'use' },
      { ...base, line: '3', ts: '2026-03-14 10:06:30', event: 'use', outcome: 'success', ip: '2001:db8::7', ua: 'okhttp/4.12.0', reason: '200', pe: 'use' },
      { ...base, line: '4', ts: '2026-03-14 10:07:00', event: 'use', outcome: 'success', ip: '198.51.100.7', ua: 'kube-probe/1.31', reason: '200', pe: 'use' },
      { ...base, line: '5', ts: '2026-03-14 10:08:00', event: 'use', outcome: 'failure', ip: '198.51.100.9', ua: 'curl/8.5.0', reason: '401', pe: 'use' },
    ]);
    // tokens: alice's (Bearer, then lower-case bearer with extra spaces), bob's (the first of two credentials),
    // none for the probe (empty header), carol's expired token; each decoded and verified with the fixture's key
    expect(await tokensOf()).toEqual([
      { line: '1', sub: 'alice@example.com', jti: ALICE_JTI, exp: 1773486000, sig_status: 'valid' },
      { line: '2', sub: 'alice@example.com', jti: ALICE_JTI, exp: 1773486000, sig_status: 'valid' },
      { line: '3', sub: 'bob@example.com', jti: BOB_JTI, exp: 1773486000, sig_status: 'valid' },
      { line: '4', sub: null, jti: null, exp: null, sig_status: null },
      { line: '5', sub: 'carol@example.com', jti: CAROL_JTI, exp: 1773478800, sig_status: 'valid' },
    ]);
    expect(s.newTokens).toBe(3);
    expect(rejects(s)).toEqual([
      [6, 'bad-ts', 'the time is not in the format %d/%b/%Y:%H:%M:%S %z: 2026-03-14T10:09:00+00:00 (mapping:nginx-json reads the time from $.time_local)'],
    ]);
  });
});

describe('Kong http-log plugin (kong.log.serialize())', () => {
  it('reads started_at as epoch ms, consumer and credential, client_ip; a REDACTED authorization is no token', async () => {
    const { s, rows } = await load('kong-http-log', 'http-log.ndjson', true);
    expect(rows).toEqual([
      { ...base, line: '1', ts: '2026-03-14 10:01:00.123', event: 'use', outcome: 'success', sub: 'alice@example.com', client_id: 'web-shop', ip: '192.168.65.1', ua: 'HTTPie/3.2.3', reason: '200', pe: 'use' },
      { ...base, line: '2', ts: '2026-03-14 10:02:00.456', event: 'use', outcome: 'success', sub: 'bob@example.com', client_id: 'mobile', ip: '192.168.65.1', ua: 'okhttp/4.12.0', reason: '200', pe: 'use' },
      { ...base, line: '3', ts: '2026-03-14 10:03:00.789', event: 'use', outcome: 'failure', ip: '203.0.113.50', ua: 'curl/8.5.0', reason: '401', pe: 'use' },
    ]);
    expect(await tokensOf()).toEqual([
      { line: '1', sub: 'alice@example.com', jti: ALICE_JTI, exp: 1773486000, sig_status: 'valid' },
      { line: '2', sub: null, jti: null, exp: null, sig_status: null },
      { line: '3', sub: 'carol@example.com', jti: CAROL_JTI, exp: 1773478800, sig_status: 'valid' },
    ]);
    // "REDACTED" registered nothing: the two tokens are all the store holds
    expect((await store.json<{ n: string }>(`SELECT count(*) AS n FROM tokens`))[0]!.n).toBe('2');
    expect(rejects(s)).toEqual([[4, 'missing-ts', 'no event time: mapping:kong-http-log reads the time from $.started_at, and this line has none']]);
  });
});

describe('Kong http-log batches', () => {
  it('a batch (max_batch_size > 1: a JSON array a request body, appended) is read record by record with the same mapping', async () => {
    const [a, b, c] = readFileSync('fixtures/mappings/kong-http-log/http-log.ndjson', 'utf8').split('\n');
    const file = tempFile('kong-batches.json', `[${a},${b}]\n[${c}]\n`);
    const s = await ingestFile(store, file, { mapping: await loadMappingFile('mappings/kong-http-log.json') });
    expect([s.preset, s.rows, s.rejected]).toEqual(['mapping:kong-http-log', 3, 0]);
    const rows = await store.json<Row>(`SELECT line, ts, sub, outcome FROM events ORDER BY line`);
    expect(rows).toEqual([
      { line: '1', ts: '2026-03-14 10:01:00.123', sub: 'alice@example.com', outcome: 'success' },
      { line: '2', ts: '2026-03-14 10:02:00.456', sub: 'bob@example.com', outcome: 'success' },
      { line: '3', ts: '2026-03-14 10:03:00.789', sub: null, outcome: 'failure' },
    ]);
  });
});

describe('Envoy / Istio JSON access log with jwt_authn payload_in_metadata', () => {
  it('maps the validated claims (Envoy\'s key and Istio\'s issuer key) to a not-captured token and the claim fields; IPs lose their ports', async () => {
    const { s, rows } = await load('envoy-jwt-authn', 'access.ndjson');
    expect(rows).toEqual([
      {
        line: '1', ts: '2026-03-14 10:01:00.123', event: 'use', outcome: 'success', sub: 'alice@example.com', sid: 'sess-alice-1', client_id: 'web-shop',
        ip: '203.0.113.7', ua: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0', jti: ALICE_JTI, aud: 'https://api.example.com', reason: 'via_upstream', pe: 'use',
      },
      {
        line: '2', ts: '2026-03-14 10:02:30', event: 'use', outcome: 'success', sub: 'bob@example.com', sid: 'sess-bob-1', client_id: 'mobile',
        ip: '2001:db8::7', ua: 'okhttp/4.12.0', jti: BOB_JTI, aud: '["https://api.example.com","https://billing.example.com"]', reason: 'via_upstream', pe: 'use',
      },
      // jwt_authn refused the token: no claims, no token, the refusal's details as reason
      { ...base, line: '3', ts: '2026-03-14 10:03:00.5', event: 'use', outcome: 'failure', ip: '198.51.100.23', ua: 'curl/8.5.0', reason: 'jwt_authn_access_denied{Jwt_is_expired}', pe: 'use' },
    ]);
    expect(await tokensOf()).toEqual([
      { line: '1', sub: 'alice@example.com', jti: ALICE_JTI, exp: 1773486000, sig_status: 'not-captured' },
      { line: '2', sub: 'bob@example.com', jti: BOB_JTI, exp: 1773486000, sig_status: 'not-captured' },
      { line: '3', sub: null, jti: null, exp: null, sig_status: null },
    ]);
    expect(rejects(s)).toEqual([[4, 'bad-ts', 'the time is not ISO-8601 or epoch seconds/milliseconds: - (mapping:envoy-jwt-authn reads the time from $.start_time)']]);
  });
});

describe('Kubernetes audit log (audit.k8s.io/v1 Event)', () => {
  it('reads the service-account token\'s jti from credential-id, the first source IP, the stage as event, the code as outcome', async () => {
    const { s, rows } = await load('k8s-audit', 'audit.ndjson');
    const SA = 'system:serviceaccount:shop:orders-api';
    const SA_UA = 'orders-api/v1.4.2 (linux/amd64) kubernetes/$Format';
    const JTI = '17ab4926-813f-4ffe-9173-f288d07c1b31';
    const RBAC = 'RBAC: allowed by RoleBinding "orders-api/shop" of Role "orders-api" to ServiceAccount "orders-api/shop"';
    expect(rows).toEqual([
      // the RequestReceived stage of the same request is kept as its own type, not a second use
      { ...base, line: '1', ts: '2026-03-14 10:01:00.360338', event: 'requestreceived', outcome: null, sub: SA, jti: JTI, ip: '10.23.0.6', ua: SA_UA, reason: null, pe: 'RequestReceived' },
      { ...base, line: '2', ts: '2026-03-14 10:01:00.360338', event: 'use', outcome: 'success', sub: SA, jti: JTI, ip: '10.23.0.6', ua: SA_UA, reason: RBAC, pe: 'ResponseComplete' },
      // the same token from outside the cluster (the first source IP is the client's, before the proxy's)
      { ...base, line: '3', ts: '2026-03-14 11:42:07.101', event: 'use', outcome: 'success', sub: SA, jti: JTI, ip: '203.0.113.50', ua: 'kubectl/v1.31.0 (linux/amd64) kubernetes/9edcffc', reason: RBAC, pe: 'ResponseComplete' },
      // near miss: a user without credential-id has no jti
      {
        ...base, line: '4', ts: '2026-03-14 10:05:17.272555', event: 'use', outcome: 'success', sub: 'kubernetes-admin', ip: '172.30.1.2', ua: 'kubectl/v1.31.0 (linux/amd64) kubernetes/9edcffc',
        reason: 'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"', pe: 'ResponseComplete',
      },
      {
        ...base, line: '5', ts: '2026-03-14 10:06:38.525321', event: 'use', outcome: 'failure', sub: 'system:anonymous', ip: '198.51.100.99', ua: 'python-requests/2.31.0',
        reason: 'secrets "db" is forbidden: User "system:anonymous" cannot get resource "secrets" in API group "" in the namespace "shop"', pe: 'ResponseComplete',
      },
    ]);
    expect(s.newTokens).toBe(0); // the audit log never holds a token
    expect(rejects(s)).toEqual([[6, 'missing-ts', 'no event time: mapping:k8s-audit reads the time from $.requestReceivedTimestamp or $.stageTimestamp, and this line has none']]);
  });
});

describe('OpenTelemetry logs (OTLP/JSON)', () => {
  it('one event per log record across resources and scopes; attributes by key; timeUnixNano as string or number, 0 falls back to observed', async () => {
    const { s, rows } = await load('otel-logs', 'logs.ndjson');
    expect(rows).toEqual([
      { line: '1', ts: '2026-03-14 10:01:00', event: 'issue', outcome: 'success', sub: 'alice@example.com', sid: 'sess-alice-1', client_id: 'web-shop', ip: '198.51.100.7', ua: CHROME, jti: ALICE_JTI, aud: 'auth-gateway', reason: 'token issued', pe: 'auth.login' },
      { line: '1', ts: '2026-03-14 10:06:00.25', event: 'refresh', outcome: 'success', sub: 'alice@example.com', sid: 'sess-alice-1', client_id: 'web-shop', ip: '198.51.100.7', ua: null, jti: 'a1c3e0f2-0009-4c5e-9d1a-1e2f3a4b5c6d', aud: 'auth-gateway', reason: 'token refreshed', pe: 'auth.token.refresh' },
      // timeUnixNano "0" (unknown): the observed time
      { ...base, line: '1', ts: '2026-03-14 10:10:00', event: 'use', outcome: 'failure', sub: 'alice@example.com', ip: '203.0.113.50', ua: null, jti: ALICE_JTI, aud: 'auth-gateway', reason: 'token rejected', pe: 'auth.token.use' },
      // a second resource (service billing), eventName at the record's top level, timeUnixNano a JSON number
      { ...base, line: '1', ts: '2026-03-14 10:15:00', event: 'logout', outcome: null, sub: 'bob@example.com', sid: 'sess-bob-1', ip: null, ua: null, aud: 'billing', reason: 'logout', pe: 'auth.logout' },
    ]);
    const idx = await store.json<{ el: string }>(`SELECT CAST(extra->'element_index' AS VARCHAR) AS el FROM events ORDER BY el`);
    expect(idx.map((r) => r.el)).toEqual(['[0,0,0]', '[0,0,1]', '[0,1,0]', '[1,0,0]']);
    // extra: the record as each event saw it — its resource, its scope, its log record — not the whole batch
    const seen = await store.json<Row>(`SELECT extra->>'$.resourceLogs.scopeLogs.logRecords.body.stringValue' AS body,
        extra->>'$.resourceLogs.scopeLogs.scope.name' AS scope, extra->>'$.resourceLogs.resource.attributes[0].value.stringValue' AS service,
        length(CAST(extra AS VARCHAR)) < 2000 AS small FROM events ORDER BY CAST(extra->'element_index' AS VARCHAR)`);
    expect(seen).toEqual([
      { body: 'token issued', scope: 'com.example.auth', service: 'auth-gateway', small: true },
      { body: 'token refreshed', scope: 'com.example.auth', service: 'auth-gateway', small: true },
      { body: 'token rejected', scope: 'com.example.audit', service: 'auth-gateway', small: true },
      { body: 'logout', scope: 'billing', service: 'billing', small: true },
    ]);
    expect(rejects(s)).toEqual([
      [1, 'missing-ts', 'no event time: mapping:otel-logs reads the time from an SQL expression over t, observed, and this element ($.resourceLogs[0].scopeLogs[1].logRecords[1]) has none'],
      [2, 'no-elements', 'mapping:otel-logs reads one event per element of $.resourceLogs[*].scopeLogs[*].logRecords, and this record has none (absent, empty or not a list)'],
    ]);
  });
});

describe('the example mappings together', () => {
  it('given all at once (--mapping × 5 with --preset auto), each fixture is read by its own mapping through detect', async () => {
    const files = readdirSync('mappings').map((f) => `mappings/${f}`);
    expect(files).toHaveLength(5);
    const choice = await mappingChoice({ preset: 'auto', mapping: files });
    const logs = ['nginx-json/access.ndjson', 'kong-http-log/http-log.ndjson', 'envoy-jwt-authn/access.ndjson', 'k8s-audit/audit.ndjson', 'otel-logs/logs.ndjson'];
    const run = await ingestPaths(store, logs.map((l) => `fixtures/mappings/${l}`), { mapping: choice });
    expect(run.sources.map((s) => [s.path.split('/')[2], s.preset])).toEqual([
      ['nginx-json', 'mapping:nginx-json'], ['kong-http-log', 'mapping:kong-http-log'], ['envoy-jwt-authn', 'mapping:envoy-jwt-authn'],
      ['k8s-audit', 'mapping:k8s-audit'], ['otel-logs', 'mapping:otel-logs'],
    ]);
  });

  it('a built-in preset\'s fixture is not claimed by any of them', async () => {
    const choice = await mappingChoice({ mapping: readdirSync('mappings').map((f) => `mappings/${f}`) });
    const run = await ingestPaths(store, ['fixtures/presets/okta/system-log.ndjson'], { mapping: choice });
    expect(run.sources[0]!.preset).toBeNull();
  });
});
