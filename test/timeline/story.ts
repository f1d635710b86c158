// A small signed story for timeline tests: u-1's session s-1 with a refresh family of three generations (r1 → r2 →
// {r3 London, r3b Sydney: r2 is exchanged twice}), access tokens issued with each refresh, a capture, a revocation
// and the signing key's retirement; u-2's unrelated chain; u-4's session known only from the log; and a cyclic pair
// of parent links that must terminate.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';
import { jwks, makeKey, type TestKey } from '../helpers/tokens.js';

export const T0 = Date.parse('2026-03-14T09:00:00Z');
export const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const LONDON = { country: 'GB', city: 'London', lat: 51.5072, lon: -0.1276 };
const SYDNEY = { country: 'AU', city: 'Sydney', lat: -33.8688, lon: 151.2093 };

interface Ev {
  min: number;
  event: string;
  jti?: string;
  sub: string;
  sid: string;
  parent?: string;
  geo?: typeof LONDON;
  token?: string;
  aud?: string;
  outcome?: string;
}

export interface Story {
  store: Store;
  /** compact tokens by jti, to check that none is ever printed */
  tokens: Map<string, string>;
}

/** [jti, sub, sid claim (null: none), token_use] */
async function tokensFor(key: TestKey, specs: [string, string, string | null, 'refresh' | 'access'][]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const iat = Math.floor(T0 / 1000);
  for (const [jti, sub, sid, use] of specs) {
    const claims = { iss: 'https://auth.example', sub, jti, iat, exp: iat + 86400, token_use: use, aud: 'https://api.example' };
    out.set(jti, await key.sign(sid === null ? claims : { ...claims, sid }));
  }
  return out;
}

export async function buildStory(): Promise<Story> {
  const key = await makeKey('rsa-1', 'RS256');
  const tokens = await tokensFor(key, [
    ['r1', 'u-1', 's-1', 'refresh'], ['a1', 'u-1', 's-1', 'access'], ['r2', 'u-1', 's-1', 'refresh'], ['a2', 'u-1', 's-1', 'access'],
    ['r3', 'u-1', 's-1', 'refresh'], ['r3b', 'u-1', 's-1', 'refresh'], ['a3b', 'u-1', 's-1', 'access'],
    ['r9', 'u-2', 's-2', 'refresh'], ['r10', 'u-2', 's-2', 'refresh'],
    ['solo', 'u-4', null, 'access'], ['mate', 'u-4', null, 'access'],
  ]);
  const u1 = { sub: 'u-1', sid: 's-1' };
  const events: Ev[] = [
    { min: 0, event: 'issue', jti: 'r1', ...u1, geo: LONDON },
    { min: 0, event: 'issue', jti: 'a1', ...u1, geo: LONDON },
    { min: 5, event: 'use', jti: 'a1', ...u1, geo: LONDON, aud: 'https://api.example' },
    { min: 10, event: 'refresh', jti: 'r2', parent: 'r1', ...u1, geo: LONDON },
    { min: 10, event: 'issue', jti: 'a2', ...u1, geo: LONDON },
    { min: 20, event: 'refresh', jti: 'r3', parent: 'r2', ...u1, geo: LONDON },
    { min: 30, event: 'refresh', jti: 'r3b', parent: 'r2', ...u1, geo: SYDNEY },
    { min: 30, event: 'issue', jti: 'a3b', ...u1, geo: SYDNEY },
    { min: 32, event: 'use', jti: 'a3b', ...u1, geo: SYDNEY, aud: 'https://api.example' },
    { min: 40, event: 'use', jti: 'a3b', ...u1, aud: 'https://api.example', outcome: 'failure' },
    { min: 1, event: 'issue', jti: 'r9', sub: 'u-2', sid: 's-2', geo: LONDON },
    { min: 11, event: 'refresh', jti: 'r10', parent: 'r9', sub: 'u-2', sid: 's-2', geo: LONDON },
    // u-4's tokens carry no sid claim and are never refreshed: only the log says they share session s-4
    { min: 60, event: 'issue', jti: 'solo', sub: 'u-4', sid: 's-4' },
    { min: 61, event: 'issue', jti: 'mate', sub: 'u-4', sid: 's-4' },
    // a garbled log: x1 and x2 name each other as parent (no tokens)
    { min: 50, event: 'refresh', jti: 'x2', parent: 'x1', sub: 'u-3', sid: 's-3' },
    { min: 51, event: 'refresh', jti: 'x1', parent: 'x2', sub: 'u-3', sid: 's-3' },
  ];
  const lines = events.map((e) => JSON.stringify({
    ts: at(e.min), event: e.event, token: e.jti ? tokens.get(e.jti) : undefined, jti: e.jti, sub: e.sub, sid: e.sid,
    parent_jti: e.parent, geo: e.geo, ip: e.geo === SYDNEY ? '1.128.0.1' : '81.2.69.142', aud: e.aud,
    ua: e.geo === SYDNEY ? 'curl/8.5.0' : 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/133.0.0.0 Safari/537.36',
    outcome: e.outcome ?? 'success',
  }));
  const dir = tempDir();
  writeFileSync(join(dir, 'a-keys.json'), jwks(key));
  writeFileSync(join(dir, 'b-rotation.ndjson'), `${JSON.stringify({ ts: at(-60), kid: 'rsa-1', action: 'created' })}\n${JSON.stringify({ ts: at(120), kid: 'rsa-1', action: 'retired', actor: 'ops' })}\n`);
  writeFileSync(join(dir, 'c-events.ndjson'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'd-revocations.ndjson'), `${JSON.stringify({ ts: at(45), sub: 'u-1', reason: 'reuse detected' })}\n`);
  writeFileSync(join(dir, 'e-capture.ndjson'), `${JSON.stringify({ captured_at: at(33), token: tokens.get('a3b'), source: 'proxy', note: 'odd UA' })}\n`);
  const store = await Store.open(':memory:');
  await ingestPaths(store, [dir]);
  return { store, tokens };
}
