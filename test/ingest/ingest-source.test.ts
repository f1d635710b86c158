import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { Store } from '../../src/store/db.js';
import { tempDir, tempFile } from '../helpers/tmp.js';
import { jwks, makeKey, unsigned, type TestKey } from '../helpers/tokens.js';

let store: Store;
let rsa: TestKey;
beforeEach(async () => {
  store = await Store.open(':memory:');
  rsa = await makeKey('rsa-1', 'RS256');
});
afterEach(() => store.close());

const claims = { sub: 'u-1', jti: 'j-1', iat: 1773482400, exp: 1773483300, iss: 'https://auth.example' };
const line = (o: unknown): string => `${JSON.stringify(o)}\n`;

describe('ingesting events', () => {
  it('loads canonical fields into columns, the rest into extra, and each distinct token once', async () => {
    const tok = await rsa.sign(claims);
    const other = await rsa.sign({ ...claims, jti: 'j-2' });
    const file = tempFile(
      'auth.ndjson',
      line({ ts: '2026-03-14T10:00:00Z', event: 'use', token: tok, sub: 'u-1', ip: '81.2.69.142', geo: { country: 'GB', lat: 51.5, lon: -0.1, asn: 1 }, request_id: 'r1' }) +
        line({ ts: 1773482460, event: 'use', authorization: `Bearer ${tok}`, outcome: 'SUCCESS' }) +
        line({ ts: 1773482520000, event: 'refresh', token: other, parent_jti: 'j-0' }),
    );
    const s = await ingestFile(store, file);
    expect([s.kind, s.rows, s.rejected, s.newTokens]).toEqual(['events', 3, 0, 2]);
    const rows = await store.json<Record<string, string>>(`SELECT line, ts, event, outcome, country, lat, extra, token_sha FROM events ORDER BY line`);
    expect(rows.map((r) => r.ts)).toEqual(['2026-03-14 10:00:00', '2026-03-14 10:01:00', '2026-03-14 10:02:00']);
    expect(rows[1]!.outcome).toBe('success');
    expect(rows[0]!.token_sha).toBe(rows[1]!.token_sha);
    expect(JSON.parse(rows[0]!.extra!)).toEqual({ geo: { asn: 1 }, request_id: 'r1' });
    expect(rows[0]!.lat).toBe(51.5);
  });

  it('rejects bad lines with line numbers and keeps every good line', async () => {
    const tok = await rsa.sign(claims);
    const file = tempFile(
      'auth.ndjson',
      line({ ts: '2026-03-14T10:00:00Z', token: tok }) +
        '{"ts": "2026-03-14T10:00:01Z", "token": \n' +
        line({ event: 'use' }) +
        line({ ts: 'yesterday', event: 'use' }) +
        line({ ts: '2026-03-14T10:00:02Z', token: 'not.a.jwt' }),
    );
    const s = await ingestFile(store, file);
    expect(s.rows).toBe(2);
    expect(s.rejects.map((r) => [r.line, r.reason])).toEqual([[2, 'truncated-json'], [3, 'missing-ts'], [4, 'bad-ts']]);
    const rejects = await store.json<{ path: string; line: string }>(`SELECT path, line FROM rejects ORDER BY line`);
    expect(rejects).toEqual([{ path: file, line: '2' }, { path: file, line: '3' }, { path: file, line: '4' }]);
    const bad = await store.json<{ decode_reason: string; sig_status: string }>(`SELECT decode_reason, sig_status FROM tokens WHERE NOT decode_ok`);
    // 'not' is base64url to a lenient decoder (as jose reads it): its bytes are not UTF-8
    expect(bad).toEqual([{ decode_reason: 'bad-utf8', sig_status: 'malformed' }]);
  });

  it('is idempotent by content and records the chain of custody', async () => {
    const file = tempFile('a.ndjson', line({ ts: 1773482400, event: 'use' }));
    const copy = tempFile('b.ndjson', line({ ts: 1773482400, event: 'use' }));
    expect((await ingestFile(store, file)).skipped).toBe(false);
    expect((await ingestFile(store, copy)).skipped).toBe(true);
    const src = await store.json<Record<string, unknown>>(`SELECT path, kind, rows, rejected, tool_version, length(sha256) AS l FROM sources`);
    expect(src).toEqual([{ path: file, kind: 'events', rows: '1', rejected: '0', tool_version: '0.1.0', l: '64' }]);
    expect((await store.json(`SELECT * FROM events`)).length).toBe(1);
  });

  it('reads gzip', async () => {
    const file = tempFile('logs.gz', gzipSync(line({ ts: 1773482400, event: 'use' }) + line({ ts: 1773482401, event: 'use' })));
    expect((await ingestFile(store, file)).rows).toBe(2);
  });
});

describe('verification across sources', () => {
  it('marks tokens unknown-key until their key arrives, then valid', async () => {
    const tok = await rsa.sign(claims);
    const none = unsigned(claims, 'nOnE');
    const events = tempFile('auth.ndjson', line({ ts: 1773482400, token: tok }) + line({ ts: 1773482401, token: none }));
    await ingestFile(store, events);
    const before = await store.json<{ alg: string; sig_status: string }>(`SELECT alg, sig_status FROM tokens ORDER BY alg`);
    expect(before).toEqual([{ alg: 'RS256', sig_status: 'unknown-key' }, { alg: 'nOnE', sig_status: 'unsigned' }]);
    const keys = tempFile('jwks.json', jwks(rsa));
    const s = await ingestFile(store, keys);
    expect([s.kind, s.rows, s.reverified]).toEqual(['jwks', 1, 1]);
    const after = await store.json<{ sig_status: string; sig_kid: string }>(`SELECT sig_status, sig_kid FROM tokens WHERE alg = 'RS256'`);
    expect(after).toEqual([{ sig_status: 'valid', sig_kid: 'rsa-1' }]);
  });

  it('loads keys before logs when given a folder, and tampered tokens are invalid', async () => {
    const dir = tempDir();
    const tok = await rsa.sign(claims);
    const [h, , sig] = tok.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${sig}`;
    writeFileSync(join(dir, 'a-events.ndjson'), line({ ts: 1773482400, token: tok }) + line({ ts: 1773482401, token: forged }));
    writeFileSync(join(dir, 'b-keys.json'), jwks(rsa));
    writeFileSync(join(dir, 'README.md'), '# notes\n');
    const run = await ingestPaths(store, [dir]);
    expect(run.sources.map((s) => s.kind)).toEqual(['jwks', 'events']);
    expect(run.sources[1]!.reverified).toBe(0);
    const rows = await store.json<{ sub: string; sig_status: string }>(`SELECT sub, sig_status FROM tokens ORDER BY sub`);
    expect(rows).toEqual([{ sub: 'admin', sig_status: 'invalid' }, { sub: 'u-1', sig_status: 'valid' }]);
  });
});

describe('other kinds', () => {
  it('reads rotation records and revocations, rejecting what they cannot be', async () => {
    const rot = tempFile(
      'rotation.ndjson',
      line({ ts: '2026-01-01T00:00:00Z', kid: 'k1', action: 'created', actor: 'ops' }) +
        line({ ts: '2026-02-01T00:00:00Z', kid: 'k1', action: 'Retired' }) +
        line({ ts: '2026-02-01T00:00:00Z', kid: 'k1', action: 'deleted' }) +
        line({ ts: '2026-02-01T00:00:00Z', action: 'retired', kid: null }),
    );
    const r = await ingestFile(store, rot, { kind: 'key-events' });
    expect([r.rows, r.rejects.map((x) => x.reason)]).toEqual([2, ['bad-action', 'missing-kid']]);
    const rev = tempFile('revocations.ndjson', line({ ts: 1773482400, jti: 'j-1', reason: 'logout' }) + line({ ts: 1773482400, reason: 'x' }));
    const v = await ingestFile(store, rev);
    expect([v.kind, v.rows, v.rejects.map((x) => x.reason)]).toEqual(['revocations', 1, ['missing-target']]);
  });

  it('reads captures in both forms and keeps malformed tokens as evidence', async () => {
    const tok = await rsa.sign(claims);
    const text = tempFile('tokens.txt', `${tok}\n\nBearer ${tok}\nabc.def\n`);
    const t = await ingestFile(store, text);
    expect([t.kind, t.rows, t.newTokens]).toEqual(['captures-text', 3, 2]);
    const nd = tempFile('cap.ndjson', line({ captured_at: '2026-03-14T10:00:00Z', token: tok, source: 'proxy', note: 'n' }));
    const n = await ingestFile(store, nd);
    expect([n.kind, n.rows, n.newTokens]).toEqual(['captures', 1, 0]);
    const reasons = await store.json<{ decode_reason: string }>(`SELECT decode_reason FROM tokens WHERE NOT decode_ok`);
    expect(reasons).toEqual([{ decode_reason: 'not-three-parts' }]);
  });
});

describe('text captures: a scheme with no token', () => {
  it('is rejected as missing-token (as the NDJSON form does), not registered as a token `Bearer`', async () => {
    const tok = await rsa.sign(claims);
    const text = tempFile('tokens.txt', `${tok}\nBearer\nDPoP   \n\uFEFFBearer \t\nBearer ${tok}\n`);
    const t = await ingestFile(store, text);
    expect([t.kind, t.rows, t.newTokens]).toEqual(['captures-text', 2, 1]);
    expect(t.rejects.map((r) => [r.line, r.reason])).toEqual([[2, 'missing-token'], [3, 'missing-token'], [4, 'missing-token']]);
    expect(await store.json(`SELECT count(*)::INT AS n FROM tokens`)).toEqual([{ n: 1 }]);
  });
});

describe('one key in two forms', () => {
  it('keeps the JWKS kid whichever of JWKS and PEM arrives first', async () => {
    const { createPublicKey } = await import('node:crypto');
    const pem = createPublicKey({ key: rsa.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const tok = await rsa.sign(claims);
    for (const order of [['pem', 'jwks'], ['jwks', 'pem']]) {
      const s = await Store.open(':memory:');
      await ingestFile(s, tempFile('e.ndjson', line({ ts: 1773482400, token: tok })));
      for (const kind of order) await ingestFile(s, kind === 'pem' ? tempFile('k.pem', pem) : tempFile('k.json', jwks(rsa)));
      const keys = await s.json<{ kid: string }>(`SELECT kid FROM keys`);
      const t = await s.json<{ sig_status: string; sig_kid: string }>(`SELECT sig_status, sig_kid FROM tokens`);
      s.close();
      expect(keys).toEqual([{ kid: 'rsa-1' }]);
      expect(t).toEqual([{ sig_status: 'valid', sig_kid: 'rsa-1' }]);
    }
  });
});
