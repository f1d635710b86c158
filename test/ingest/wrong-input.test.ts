// Wrong input never looks like a clean result (issue 13 §7): a missing store is not created by check/check-keys;
// a file of which every line is rejected fails the command naming its reasons; events whose fields are under other
// names say which; an empty or unrecognised folder says so and exits 2.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldHints, sampleFields } from '../../src/ingest/field-hints.js';
import { cli } from '../helpers/cli.js';
import { tempDir, tempFile } from '../helpers/tmp.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLWJ5dGVz';
const ndjson = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('a store that is not there', () => {
  it.each([['check'], ['check-keys'], ['report'], ['check', '--fail-on', 'high']])('%s exits 2 and creates nothing', (...args) => {
    const db = join(tempDir(), 'case42.duckbd');
    const r = cli(['--db', db, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no store at .*case42\.duckbd: run .*ingest/);
    expect(existsSync(db)).toBe(false);
  });
});

describe('a file of which every line is rejected', () => {
  it('fails ingest (exit 2) naming the file, its top reasons, and where the time is instead', () => {
    const db = join(tempDir(), 'c.duckdb');
    const file = tempFile('okta-ish.ndjson', ndjson([
      { published: '2026-03-14T10:00:00Z', actor: { id: 'u1' }, authorization: `Bearer ${JWT}` },
      { published: '2026-03-14T10:01:00Z', actor: { id: 'u2' } },
    ]));
    const r = cli(['--db', db, 'ingest', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/okta-ish\.ndjson: every line was rejected \(missing-ts ×2\): the event time is not in `ts`; these lines have `published`/);
  });

  it('investigate stops there too, before checking: no clean report from a log it could not read', () => {
    const file = tempFile('auth.ndjson', ndjson([{ timestamp: 1773482400, user: 'a' }, { timestamp: 1773482460, user: 'b' }]));
    const r = cli(['--db', join(tempDir(), 'c.duckdb'), 'investigate', '--fail-on', 'high', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/auth\.ndjson: JSON lines, but not canonical events: the event time is not in `ts`; these lines have `timestamp`/);
    expect(r.stdout).not.toMatch(/No findings/);
    // read as events all the same (--kind events): every line rejected, the command fails naming why
    const forced = cli(['--db', join(tempDir(), 'e.duckdb'), 'ingest', '--kind', 'events', file]);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toMatch(/auth\.ndjson: every line was rejected \(missing-ts ×2\): the event time is not in `ts`; these lines have `timestamp`/);
  });

  it('in a folder, such a file is passed over by name and why, and the folder has nothing to read', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'auth.ndjson'), ndjson([{ timestamp: 1773482400, user: 'a' }]));
    const r = cli(['--db', join(tempDir(), 'c.duckdb'), 'investigate', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing to read in .*auth\.ndjson \(JSON lines, but not a recognised input: the event time is not in `ts`; these lines have `timestamp`/);
  });
});

describe('fields under other names', () => {
  it('JWTs in a field that is not a token field: a note even when every line loads', () => {
    const db = join(tempDir(), 'c.duckdb');
    const file = tempFile('gw.ndjson', ndjson([
      { ts: '2026-03-14T10:00:00Z', request: { headers: { 'x-access-token': JWT } }, ip: '203.0.113.1' },
      { ts: '2026-03-14T10:01:00Z', request: { headers: { 'x-access-token': JWT } }, ip: '203.0.113.1' },
    ]));
    const r = cli(['--db', db, 'ingest', file]);
    expect(r.code).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/no line carries a token in `token` or `authorization`, but `request\.headers\.x-access-token` hold JWTs: .*--mapping/);
  });

  it('near miss: a canonical file with tokens gives no note; coordinates under other names are named', () => {
    const canonical = sampleFields(Buffer.from(ndjson([{ ts: 1, token: JWT, geo: { lat: 1, lon: 2 }, note: JWT }])));
    expect(fieldHints(canonical, { missingTs: false })).toEqual([]);
    const coords = sampleFields(Buffer.from(ndjson([{ ts: 1, token: JWT, location: { latitude: 48.1, longitude: 11.5 } }])));
    expect(fieldHints(coords, { missingTs: false })).toEqual([expect.stringMatching(/`location\.latitude`, `location\.longitude`/)]);
  });
});

describe('a folder with nothing to read', () => {
  it.each([['empty'], ['unrecognised']])('an %s folder: ingest and investigate say so and exit 2', (what) => {
    const dir = join(tempDir(), what);
    mkdirSync(dir);
    if (what === 'unrecognised') writeFileSync(join(dir, 'notes.bin'), Buffer.from([0, 1, 2, 3, 255]));
    for (const cmd of ['ingest', 'investigate']) {
      const r = cli(['--db', join(tempDir(), `${cmd}.duckdb`), cmd, dir]);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr).toMatch(/nothing to read in .*: (no files|no file was recognised)/);
    }
  });
});
