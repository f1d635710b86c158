// The mapping language's issue-18 features, each on records written here and loaded into a real store: paths with
// indexes and quoted keys, time formats, value transforms, the first credential of a list, SQL-only mappings, lists
// within lists, several mapping files chosen per file, and hostile paths and patterns.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../../src/ingest/ingest-source.js';
import { ingestPaths } from '../../../src/ingest/ingest-paths.js';
import { compileMapping } from '../../../src/ingest/mapping/mapping.js';
import { parsePath } from '../../../src/ingest/mapping/mapping-path.js';
import { mappingChoice } from '../../../src/ingest/mapping/preset-choice.js';
import { Store } from '../../../src/store/db.js';
import { makeKey } from '../../helpers/tokens.js';
import { tempDir, tempFile } from '../../helpers/tmp.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

const ndjson = (...records: unknown[]): string => records.map((r) => `${typeof r === 'string' ? r : JSON.stringify(r)}\n`).join('');

type Row = Record<string, string | null>;

/** Load the records with the mapping; the summary's rejects and the events' chosen columns, by line. */
async function load(mapping: unknown, records: unknown[], cols = 'line, ts, sub, ip, jti'): Promise<{ rows: Row[]; rejects: [number | null, string, string][] }> {
  const s = await ingestFile(store, tempFile('log.ndjson', ndjson(...records)), { mapping: compileMapping(mapping, 'm.json') });
  const rows = await store.json<Row>(`SELECT ${cols} FROM events ORDER BY line`);
  return { rows, rejects: s.rejects.map((r) => [r.line, r.reason, r.detail]) };
}

const T = '2026-03-14T10:01:00Z';

describe('paths with array indexes, quoted keys and picks', () => {
  it('reads [0], [-1], "quoted.keys/with-slashes", single quotes, a key at the top, and a pick then an index', async () => {
    const mapping = {
      name: 'paths',
      fields: {
        ts: '$.records[0].time',
        sub: '$.user.extra["authentication.kubernetes.io/credential-id"][0]',
        ip: '$.sourceIPs[-1]',
        jti: "$['top.level'].id",
        ua: '$.attrs[key=user.agent].value.list[1]',
        sid: "$.user.extra['a.b'][0]",
      },
    };
    const { rows } = await load(mapping, [
      {
        records: [{ time: T }, { time: '2000-01-01T00:00:00Z' }],
        user: { extra: { 'authentication.kubernetes.io/credential-id': ['JTI=abc', 'second'], 'a.b': ['s-1'] } },
        sourceIPs: ['10.0.0.1', '192.0.2.7'],
        'top.level': { id: 'j-1' },
        attrs: [{ key: 'user', value: {} }, { key: 'user.agent', value: { list: ['first', 'curl/8'] } }],
      },
      // near misses: the index past the end, the quoted key absent, a string where a list is expected, an empty list
      { records: [{ time: T }], user: { extra: { 'authentication.kubernetes.io/credential-id': 'JTI=not-a-list' } }, sourceIPs: [], 'top.level': 'text', attrs: 'nope' },
    ], 'line, ts, sub, ip, jti, ua, sid');
    expect(rows).toEqual([
      { line: '1', ts: '2026-03-14 10:01:00', sub: 'JTI=abc', ip: '192.0.2.7', jti: 'j-1', ua: 'curl/8', sid: 's-1' },
      { line: '2', ts: '2026-03-14 10:01:00', sub: null, ip: null, jti: null, ua: null, sid: null },
    ]);
  });

  it('a plain path reading inside an indexed path\'s prefix: the indexed one reads the record instead (no clash)', async () => {
    const mapping = { name: 'clash', fields: { ts: '$.t', sub: '$.user.name', sid: '$.user["x.y"]' } };
    const { rows } = await load(mapping, [{ t: T, user: { name: 'alice', 'x.y': 'sid-1' } }], 'sub, sid');
    expect(rows).toEqual([{ sub: 'alice', sid: 'sid-1' }]);
  });

  it('a plain path inside another field\'s path is extracted from it (the claims object and its sub, both mapped)', async () => {
    const mapping = { name: 'inside', fields: { ts: '$.t', reason: '$.jwt', sub: '$.jwt.sub', jti: ['$.jwt.nope', '$.jwt.id'], sid: '$.jwt.s.deep' } };
    const { rows } = await load(mapping, [{ t: T, jwt: { sub: 'alice', id: 'j-7', s: { deep: 'd' } } }, { t: T, jwt: 'not an object' }], 'sub, jti, sid, reason');
    expect(rows).toEqual([
      { sub: 'alice', jti: 'j-7', sid: 'd', reason: '{"sub":"alice","id":"j-7","s":{"deep":"d"}}' },
      { sub: null, jti: null, sid: null, reason: 'not an object' },
    ]);
  });

  it('refuses what is not a path, naming the field and why', () => {
    const bad = (p: string): unknown => ({ name: 'm', fields: { ts: '$.t', sub: p } });
    expect(() => compileMapping(bad('$.a["unclosed]'), 'm')).toThrow(/fields.sub: .* is not a JSON path \(a quoted key opened/);
    expect(() => compileMapping(bad('$.a["has\\"quote"]'), 'm')).toThrow(/fields.sub: .*not a JSON path/);
    expect(() => compileMapping(bad('$.a[*]'), 'm')).toThrow(/\[\*\] is for `each` only/);
    expect(() => compileMapping(bad('$.a.b c'), 'm')).toThrow(/is not a key/);
  });
});

describe('hostile paths and patterns', () => {
  it('a 1,000-deep path is refused before anything runs; 64 steps are the limit', () => {
    const deep = `$${'.a'.repeat(1000)}`;
    expect(() => compileMapping({ name: 'm', fields: { ts: '$.t', sub: deep } }, 'm')).toThrow(/longer than 1000 characters|deeper than 64 steps/);
    expect(parsePath(`$${'[0]'.repeat(65)}`)).toBe('deeper than 64 steps');
    expect(Array.isArray(parsePath(`$${'.a'.repeat(64)}`))).toBe(true);
  });

  it('a huge index is refused; the largest allowed reads nothing', async () => {
    expect(() => compileMapping({ name: 'm', fields: { ts: '$.t', sub: '$.a[99999999999]' } }, 'm')).toThrow(/index 99999999999 is out of range/);
    expect(() => compileMapping({ name: 'm', fields: { ts: '$.t', sub: '$.a[-99999999999999999999]' } }, 'm')).toThrow(/out of range/);
    const { rows } = await load({ name: 'm', fields: { ts: '$.t', sub: '$.a[999999999]', ip: '$.a[-999999999]' } }, [{ t: T, a: [1, 2] }], 'sub, ip');
    expect(rows).toEqual([{ sub: null, ip: null }]);
  });

  it('a pattern that backtracks catastrophically elsewhere runs in linear time here (RE2) and simply does not match', async () => {
    const mapping = { name: 'redos', fields: { ts: '$.t', sub: { path: '$.s', regex: '^(a+)+$' } } };
    const { rows } = await load(mapping, [{ t: T, s: `${'a'.repeat(100_000)}!` }, { t: T, s: 'aaa' }], 'sub');
    expect(rows).toEqual([{ sub: null }, { sub: 'aaa' }]);
  });

  it('a pattern DuckDB cannot compile, or without a capture group, is refused naming the field', async () => {
    const file = (regex: string): string => tempFile('m.json', JSON.stringify({ name: 'm', fields: { ts: '$.t', sub: { path: '$.s', regex } } }));
    await expect(mappingChoice({ mapping: file('(?<=a)b(c)') })).rejects.toThrow(/fields.sub.regex: not an RE2 pattern/);
    await expect(mappingChoice({ mapping: file('JTI=.+') })).rejects.toThrow(/fields.sub.regex: needs a capture group/);
    await expect(mappingChoice({ mapping: file('(?:JTI)=.+') })).rejects.toThrow(/needs a capture group/);
    await expect(mappingChoice({ mapping: file('\\(JTI\\)=[(]') })).rejects.toThrow(/needs a capture group/);
    await expect(mappingChoice({ mapping: file('(?P<jti>.+)') })).resolves.toBeTruthy();
    // a pattern whose compiled program would be enormous is refused by RE2 itself, before any file is read
    await expect(mappingChoice({ mapping: file('((a{1000}){1000}){1000}') })).rejects.toThrow(/fields.sub.regex: not an RE2 pattern/);
  });
});

describe('time formats', () => {
  const at = (format: string): unknown => ({ name: 'tf', fields: { ts: { path: '$.t', format }, sub: '$.u' } });

  it.each([
    ['epoch_s', [1773482460, '1773482460', 1773482460.25]],
    ['epoch_ms', [1773482460000, '1773482460000', 1773482460250]],
    ['epoch_us', [1773482460000000, '1773482460000000', 1773482460250000]],
    ['epoch_ns', ['1773482460000000000', 1773482460000000000, '1773482460250000000']],
  ] as const)('%s: numbers and numeric strings, fractions kept to the microsecond', async (format, values) => {
    const { rows } = await load(at(format), values.map((t) => ({ t })), 'ts');
    expect(rows.map((r) => r.ts)).toEqual(['2026-03-14 10:01:00', '2026-03-14 10:01:00', '2026-03-14 10:01:00.25']);
  });

  it('epoch_ns keeps the nanosecond string exact to the microsecond (no double rounding)', async () => {
    const { rows } = await load(at('epoch_ns'), [{ t: '1544712660300000001' }, { t: '1544712660300001999' }], 'ts');
    expect(rows.map((r) => r.ts)).toEqual(['2018-12-13 14:51:00.3', '2018-12-13 14:51:00.300001']);
  });

  it('a declared unit is not guessed: 1773482460 as milliseconds is 1970', async () => {
    const { rows } = await load(at('epoch_ms'), [{ t: 1773482460 }], 'ts');
    expect(rows[0]!.ts).toBe('1970-01-21 12:38:02.46');
  });

  it('strptime: nginx $time_local with its offset honoured, and a format without a zone read as UTC', async () => {
    const { rows } = await load(at('%d/%b/%Y:%H:%M:%S %z'), [{ t: '14/Mar/2026:10:01:00 +0000' }, { t: '14/Mar/2026:11:01:00 +0100' }, { t: '13/Mar/2026:23:01:00 -1100' }], 'ts');
    expect(rows.map((r) => r.ts)).toEqual(['2026-03-14 10:01:00', '2026-03-14 10:01:00', '2026-03-14 10:01:00']);
    const local = await load(at('%Y-%m-%d %H:%M:%S'), [{ t: '2026-03-14 10:01:00' }], 'ts');
    expect(local.rows[0]!.ts).toBe('2026-03-14 10:01:00');
  });

  it('an ISO time with an offset is honoured by the default', async () => {
    const { rows } = await load({ name: 'iso', fields: { ts: '$.t' } }, [{ t: '2026-03-14T11:01:00+01:00' }], 'ts');
    expect(rows[0]!.ts).toBe('2026-03-14 10:01:00');
  });

  it('a value that does not parse is a bad-ts reject naming the format; an absent one is missing-ts; out of range is no time', async () => {
    const { rows, rejects } = await load(at('%d/%b/%Y:%H:%M:%S %z'), [{ t: '2026-03-14T10:01:00Z' }, { u: 'x' }, { t: '14/Mar/2026:10:01:00 +0000' }]);
    expect(rows).toHaveLength(1);
    expect(rejects).toEqual([
      [1, 'bad-ts', 'the time is not in the format %d/%b/%Y:%H:%M:%S %z: 2026-03-14T10:01:00Z (mapping:tf reads the time from $.t)'],
      [2, 'missing-ts', 'no event time: mapping:tf reads the time from $.t, and this line has none'],
    ]);
    const ns = await load(at('epoch_ns'), [{ t: 'soon' }, { t: '9'.repeat(40) }, { t: -1e30 }]);
    expect(ns.rejects.map((r) => [r[1], r[2].slice(0, 50)])).toEqual([
      ['bad-ts', 'the time is not epoch nanoseconds (epoch_ns): soon '],
      ['bad-ts', `the time is not epoch nanoseconds (epoch_ns): ${'9'.repeat(4)}`],
      ['bad-ts', 'the time is not epoch nanoseconds (epoch_ns): -1e+30'],
    ].map(([a, b]) => [a, b!.slice(0, 50)]));
  });

  it('a format is checked: unknown names, % formats DuckDB cannot compile, a format on another field', async () => {
    expect(() => compileMapping(at('epoch_minutes'), 'm')).toThrow(/fields.ts.format: must be one of iso, epoch_s/);
    expect(() => compileMapping({ name: 'm', fields: { ts: '$.t', sub: { path: '$.u', format: 'epoch_s' } } }, 'm')).toThrow(/fields.sub.format: a time format is for `ts` only/);
    await expect(mappingChoice({ mapping: tempFile('m.json', JSON.stringify(at('%d/%Q'))) })).rejects.toThrow(/fields.ts.format: not a strptime format/);
  });
});

describe('value transforms', () => {
  it('strip_port: IPv4 and host ports, bracketed IPv6 with or without a port; a bare IPv6 stays whole', async () => {
    const mapping = { name: 'ports', fields: { ts: '$.t', ip: { path: '$.a', strip_port: true } } };
    const cases = ['1.2.3.4:8085', '[2001:db8::1]:443', '[2001:db8::1]', '2001:db8::1', '::1', '1.2.3.4', 'gw.example:443', ' 10.0.0.9:1 ', '[]:80'];
    const { rows } = await load(mapping, cases.map((a) => ({ t: T, a })), 'ip');
    expect(rows.map((r) => r.ip)).toEqual(['1.2.3.4', '2001:db8::1', '2001:db8::1', '2001:db8::1', '::1', '1.2.3.4', 'gw.example', '10.0.0.9', null]);
  });

  it('regex: the first group; no match is absent; applied before strip_port', async () => {
    const mapping = {
      name: 'rx',
      fields: {
        ts: '$.t',
        jti: { path: '$.cred[0]', regex: '^JTI=([0-9a-f-]+)$' },
        ip: { path: '$.xff', regex: '^\\s*([^,]+)', strip_port: true },
      },
    };
    const { rows } = await load(mapping, [
      { t: T, cred: ['JTI=89466cbc-3e17-4ea0-9319-bf8c162d3065'], xff: '203.0.113.9:51234, 10.0.0.1' },
      { t: T, cred: ['X509SHA256=ab12'], xff: '[2001:db8::7]:443' },
    ], 'jti, ip');
    expect(rows).toEqual([
      { jti: '89466cbc-3e17-4ea0-9319-bf8c162d3065', ip: '203.0.113.9' },
      { jti: null, ip: '2001:db8::7' },
    ]);
  });

  it('token: Bearer/DPoP in any case and spacing; several credentials give the first; a comma list the first', async () => {
    const key = await makeKey('k1', 'ES256');
    const a = await key.sign({ sub: 'alice', jti: 'tok-a' });
    const b = await key.sign({ sub: 'bob', jti: 'tok-b' });
    const mapping = { name: 'tok', fields: { ts: '$.t', token: '$.h' } };
    const headers = [`Bearer ${a}`, `bEaReR \t ${a}  `, `DPoP ${a}`, `Bearer ${a}, Bearer ${b}`, `Bearer ${a},Bearer ${b}`, `${a}, ${b}`, a, 'Basic dXNlcjpwdw==', 'Bearer', 'Digest username="u", response="r"'];
    await load(mapping, headers.map((h) => ({ t: T, h })));
    const rows = await store.json<{ line: string; jti: string | null }>(
      `SELECT e.line, t.jti FROM events e LEFT JOIN tokens t ON t.sha256 = e.token_sha ORDER BY e.line`,
    );
    expect(rows.map((r) => r.jti)).toEqual(['tok-a', 'tok-a', 'tok-a', 'tok-a', 'tok-a', 'tok-a', 'tok-a', null, null, null]);
    // another scheme is no token: a Basic password is not stored as one; a lone scheme word is an undecodable text
    const raws = await store.json<{ raw: string }>(`SELECT raw FROM tokens WHERE NOT decode_ok ORDER BY raw`);
    expect(raws.map((r) => r.raw)).toEqual(['Bearer']);
    // the second token stays in the record (extra), as the evidence was written
    const [kept] = await store.json<{ h: string }>(`SELECT extra->>'h' AS h FROM events WHERE line = 4`);
    expect(kept!.h).toContain(b);
  });
});

describe('SQL-only mappings and raw names', () => {
  it('a mapping whose fields are all SQL loads (no "Empty object in JSON structure")', async () => {
    const mapping = { name: 'sql-only', fields: { ts: { sql: "x->>'when'" }, sub: { sql: "upper(x->>'$.user.id')" } } };
    const { rows } = await load(mapping, [{ when: T, user: { id: 'u-1' } }], 'ts, sub');
    expect(rows).toEqual([{ ts: '2026-03-14 10:01:00', sub: 'U-1' }]);
  });

  it('an SQL source with options: SQL, then the regex and the format', async () => {
    const mapping = { name: 'sql-opt', fields: { ts: { sql: "x->>'when'", format: 'epoch_ms' }, jti: { sql: "x->>'cred'", regex: 'JTI=(.+)' } } };
    const { rows } = await load(mapping, [{ when: '1773482460000', cred: 'JTI=j9' }], 'ts, jti');
    expect(rows).toEqual([{ ts: '2026-03-14 10:01:00', jti: 'j9' }]);
  });

  it('an r_ name not declared in raw is refused naming the field, not a binder error mid-load', () => {
    expect(() => compileMapping({ name: 'm', fields: { ts: { sql: 'r_when' } } }, 'm')).toThrow(/mapping m: fields.ts: r_when is not declared in `raw` \(no raw fields\)/);
    expect(() => compileMapping({ name: 'm', raw: { when: '$.w' }, fields: { ts: { sql: 'r_when' }, sub: { sql: 'r_who' } } }, 'm')).toThrow(/fields.sub: r_who is not declared in `raw` \(r_when\)/);
  });

  it('an options object is exactly path or sql, with known options', () => {
    expect(() => compileMapping({ name: 'm', fields: { ts: { path: '$.t', sql: 'x' } } }, 'm')).toThrow(/fields.ts: give either "path"/);
    expect(() => compileMapping({ name: 'm', fields: { ts: { format: 'epoch_s' } } }, 'm')).toThrow(/fields.ts: give either "path"/);
    expect(() => compileMapping({ name: 'm', fields: { ts: { path: '$.t', colour: 1 } } }, 'm')).toThrow(/fields.ts.colour: unknown key/);
    expect(() => compileMapping({ name: 'm', fields: { ts: '$.t', ip: { path: '$.a', strip_port: 'yes' } } }, 'm')).toThrow(/fields.ip.strip_port: must be true or false/);
  });
});

describe('each over lists within lists', () => {
  const mapping = {
    name: 'nested',
    each: '$.outer[*].inner',
    fields: { ts: '$.outer.inner.t', sub: '$.outer.who', ip: '$.host' },
  };

  it('one event per innermost element, reading its parents and the record; the element named in extra and rejects', async () => {
    const { rows, rejects } = await load(mapping, [
      { host: 'h1', outer: [{ who: 'a', inner: [{ t: T }, { t: '2026-03-14T10:02:00Z' }] }, { who: 'b', inner: [{ nope: 1 }, { t: '2026-03-14T10:03:00Z' }] }] },
      { host: 'h2', outer: [{ who: 'c', inner: [] }] },
      { host: 'h3', outer: { who: 'd', inner: { t: T } } },
    ], "line, ts, sub, ip, CAST(extra->'element_index' AS VARCHAR) AS el");
    expect(rows).toEqual([
      { line: '1', ts: '2026-03-14 10:01:00', sub: 'a', ip: 'h1', el: '[0,0]' },
      { line: '1', ts: '2026-03-14 10:02:00', sub: 'a', ip: 'h1', el: '[0,1]' },
      { line: '1', ts: '2026-03-14 10:03:00', sub: 'b', ip: 'h1', el: '[1,1]' },
      { line: '3', ts: '2026-03-14 10:01:00', sub: 'd', ip: 'h3', el: '[null,null]' },
    ]);
    expect(rejects).toEqual([
      [1, 'missing-ts', 'no event time: mapping:nested reads the time from $.outer.inner.t, and this element ($.outer[1].inner[0]) has none'],
      [2, 'no-elements', 'mapping:nested reads one event per element of $.outer[*].inner, and this record has none (absent, empty or not a list)'],
    ]);
  });

  it('a record with more than 1,000 elements at any level is rejected whole, not expanded', async () => {
    const many = { host: 'h', outer: [{ who: 'a', inner: Array.from({ length: 1001 }, () => ({ t: T })) }] };
    const { rows, rejects } = await load(mapping, [many, { host: 'ok', outer: [{ who: 'z', inner: [{ t: T }] }] }], 'ip');
    expect(rows).toEqual([{ ip: 'ok' }]);
    expect(rejects.map((r) => r.slice(0, 2))).toEqual([[1, 'too-many-elements']]);
  });

  it('each accepts [*] between key paths only', () => {
    for (const each of ['$.a[*]', '$.a[0].b', '$.a[*][*].b', '$.a["x"]']) {
      expect(() => compileMapping({ ...mapping, each }, 'm')).toThrow(/each: must be a JSON path of keys/);
    }
  });
});

describe('--mapping given several times', () => {
  const gw = (name: string, marker: string, detect = true): unknown => ({
    name,
    ...(detect ? { detect: { any: [{ has: [marker] }] } } : {}),
    fields: { ts: '$.when', sub: `$.${marker}` },
  });
  const write = (dir: string, name: string, content: unknown): string => {
    const p = join(dir, name);
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
    return p;
  };

  it('each file is read by the mapping whose detect rules match it; a file neither matches is read as detected', async () => {
    const dir = tempDir();
    const m1 = write(dir, 'alpha.json', gw('alpha', 'alpha_user'));
    const m2 = write(dir, 'beta.json', gw('beta', 'beta_user'));
    const logs = tempDir();
    write(logs, 'a.ndjson', ndjson({ when: T, alpha_user: 'ann' }));
    write(logs, 'b.ndjson', ndjson({ when: T, beta_user: 'bob' }));
    write(logs, 'c.ndjson', ndjson({ ts: T, event: 'use', sub: 'cat' }));
    const choice = await mappingChoice({ mapping: [m1, m2] });
    const run = await ingestPaths(store, [logs], { mapping: choice });
    expect(run.sources.map((s) => [s.path.replace(`${logs}/`, ''), s.preset, s.rows]).sort()).toEqual([
      ['a.ndjson', 'mapping:alpha', 1], ['b.ndjson', 'mapping:beta', 1], ['c.ndjson', null, 1],
    ]);
    expect((await store.json<{ sub: string }>(`SELECT sub FROM events ORDER BY sub`)).map((r) => r.sub)).toEqual(['ann', 'bob', 'cat']);
  });

  it('with --preset auto, the presets and the mappings compete per file (the mapping wins a tie)', async () => {
    const dir = tempDir();
    const m1 = write(dir, 'alpha.json', gw('alpha', 'alpha_user'));
    const choice = await mappingChoice({ preset: 'auto', mapping: [m1] });
    expect(choice).toMatchObject({ presets: true });
    const logs = tempDir();
    write(logs, 'a.ndjson', ndjson({ when: T, alpha_user: 'ann' }));
    write(logs, 'okta.ndjson', ndjson({
      uuid: 'u1', published: T, eventType: 'user.session.start', actor: { alternateId: 'okta@x.example', type: 'User' },
      client: { ipAddress: '1.2.3.4' }, outcome: { result: 'SUCCESS' }, authenticationContext: {}, debugContext: { debugData: {} },
    }));
    const run = await ingestPaths(store, [logs], { mapping: choice });
    const byFile = Object.fromEntries(run.sources.map((s) => [s.path.replace(`${logs}/`, ''), s.preset]));
    expect(byFile).toEqual({ 'a.ndjson': 'mapping:alpha', 'okta.ndjson': 'okta' });
  });

  it('a mapping without detect rules, two mappings of one name, or --preset NAME with --mapping are refused', async () => {
    const dir = tempDir();
    const m1 = write(dir, 'alpha.json', gw('alpha', 'alpha_user'));
    const bare = write(dir, 'bare.json', gw('bare', 'x', false));
    const twin = write(dir, 'twin.json', gw('alpha', 'other'));
    await expect(mappingChoice({ mapping: [m1, bare] })).rejects.toThrow(/--mapping .*bare.json: no `detect` rules, so it can never be chosen/);
    await expect(mappingChoice({ preset: 'auto', mapping: [bare] })).rejects.toThrow(/no `detect` rules.*among the presets and the other mappings/);
    await expect(mappingChoice({ mapping: [m1, twin] })).rejects.toThrow(/both named 'alpha'/);
    await expect(mappingChoice({ preset: 'okta', mapping: [m1] })).rejects.toThrow(/give --preset NAME or --mapping, not both/);
    // one mapping alone, without detect, reads every file as before
    const one = await mappingChoice({ mapping: [bare] });
    expect(one).toMatchObject({ label: 'mapping:bare' });
  });
});
