// Mapping SQL is attacker-reachable (mapping files travel with evidence bundles): only pure scalar expressions run.
// Each refused call below was a way out on main: read_text copied /etc/passwd into the store and its reports, glob()
// listed folders, a URL made DuckDB try to install an extension.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../../src/ingest/ingest-source.js';
import { compileMapping } from '../../../src/ingest/mapping/mapping.js';
import { refusal } from '../../../src/ingest/mapping/mapping-sql.js';
import { mappingChoice } from '../../../src/ingest/mapping/preset-choice.js';
import { PRESET_FILES } from '../../../src/ingest/mapping/presets/index.js';
import { Store } from '../../../src/store/db.js';
import { tempDir, tempFile } from '../../helpers/tmp.js';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

const mappingWith = (sql: string) => ({ name: 'evil', raw: { a: '$.a' }, fields: { ts: '$.when', reason: { sql } } });
const LOG = `${JSON.stringify({ when: '2026-03-14T10:00:00Z', a: 'x' })}\n`;

const REFUSED: [string, RegExp][] = [
  ["(SELECT string_agg(content, '') FROM read_text('/etc/passwd'))", /subquery/],
  ["read_text('/etc/passwd')[1].content", /read_text/],
  ["(SELECT list(file) FROM glob('/*'))::VARCHAR", /subquery/],
  ["(SELECT count(*) FROM read_text('https://example.com/x'))::VARCHAR", /subquery/],
  ["getenv('HOME')", /getenv/],
  ["current_setting('temp_directory')", /current_setting/],
  ["main.getenv('HOME')", /getenv/],
  ["r_a IN (SELECT 1)", /subquery/],
  ["(WITH t AS (SELECT 1 AS c) SELECT c FROM t)::VARCHAR", /subquery/],
  ["st_read('x')", /st_read/],
  ["r_a FROM events", /one SQL expression/],
];

describe('mapping SQL sandbox', () => {
  it.each(REFUSED)('refuses %s', async (sql, why) => {
    expect(await refusal(sql)).toMatch(why);
  });

  it('a mapping file with file, glob, network, environment or extension calls is refused before anything is read', async () => {
    const dir = tempDir();
    const logs = tempFile('gw.ndjson', LOG);
    for (const [sql] of REFUSED) {
      const path = `${dir}/m${REFUSED.findIndex(([s]) => s === sql)}.json`;
      await import('node:fs').then((fs) => fs.writeFileSync(path, JSON.stringify(mappingWith(sql))));
      await expect(mappingChoice({ mapping: path })).rejects.toThrow(/mapping .*fields\.reason: (.*only pure scalar functions|the SQL must be one expression)/);
    }
    // a compiled mapping handed straight to ingest is checked there too: nothing of /etc/passwd reaches the store
    const evil = compileMapping(mappingWith("(SELECT string_agg(content, '') FROM read_text('/etc/passwd'))"), 'evil');
    await expect(ingestFile(store, logs, { mapping: evil })).rejects.toThrow(/not allowed|subquery/);
    const n = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM events`);
    expect(n!.n).toBe(0n);
    expect(readFileSync('/etc/passwd', 'utf8').length).toBeGreaterThan(0); // the file was there to be read
  });

  it('ordinary expressions pass: every built-in preset, CASE/CAST/LIKE/lambdas/JSON', async () => {
    for (const preset of PRESET_FILES) {
      for (const [field, source] of Object.entries(preset.fields)) {
        if (source && typeof source === 'object' && !Array.isArray(source) && source.sql !== undefined) expect(await refusal(source.sql), `${preset.name}.${field}`).toBeNull();
      }
    }
    for (const sql of [
      "CASE WHEN TRY_CAST(r_a AS INTEGER) < 400 THEN 'success' ELSE 'failure' END",
      "regexp_extract(r_a, '^Bearer (.*)$', 1)",
      "lower(trim(r_a)) || '-' || upper(r_a)",
      "json_extract_string(x, '$.a.b')",
      "r_a NOT LIKE 'x%' AND r_a IS NOT NULL",
      "list_transform(string_split(r_a, ','), lambda s: trim(s))[1]",
    ]) {
      expect(await refusal(sql), sql).toBeNull();
    }
  });

  it('a mapping with an allowed expression still loads its events', async () => {
    const path = tempFile('ok.json', JSON.stringify(mappingWith('upper(r_a)')));
    const s = await ingestFile(store, tempFile('gw.ndjson', LOG), { mapping: await mappingChoice({ mapping: path }) });
    expect(s.rows).toBe(1);
    expect((await store.one<{ reason: string }>(`SELECT reason FROM events`))!.reason).toBe('X');
  });
});
