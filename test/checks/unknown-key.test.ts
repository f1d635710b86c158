// unknown-key follows the registry as it grows: a kid whose JWKS is ingested after its tokens stops firing,
// because ingest re-verifies the tokens a new kid can settle.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { unknownKey } from '../../src/checks/unknown-key.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { DEFAULT_POLICY } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { jwks, makeKey } from '../helpers/tokens.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = 1773482400;

describe('unknown-key', () => {
  it('stops firing once a later-ingested JWKS brings the key', async () => {
    const late = await makeKey('late-key', 'EdDSA');
    const known = await makeKey('known-key', 'EdDSA');
    const dir = tempDir();
    const events = [
      { ts: T0, event: 'use', token: await late.sign({ sub: 'alice', jti: 'a1', iat: T0 }), outcome: 'success' },
      { ts: T0 + 60, event: 'use', token: await known.sign({ sub: 'bob', jti: 'b1', iat: T0 }), outcome: 'success' },
    ];
    writeFileSync(join(dir, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    writeFileSync(join(dir, 'known.json'), jwks(known));
    const store = await Store.open(':memory:');
    try {
      await ingestPaths(store, [join(dir, 'events.ndjson'), join(dir, 'known.json')]);
      const before = await runChecks(store, DEFAULT_POLICY, [unknownKey]);
      expect(before.map((f) => [f.kid, f.severity, f.evidence.accepted])).toEqual([['late-key', 'high', 1]]);

      const lateJwks = join(tempDir(), 'late.json');
      writeFileSync(lateJwks, jwks(late));
      await ingestPaths(store, [lateJwks]);
      expect(await runChecks(store, DEFAULT_POLICY, [unknownKey])).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('groups tokens per kid and keeps the finding id stable across runs', async () => {
    const rogue = await makeKey('rogue', 'EdDSA');
    const dir = tempDir();
    const tokens = await Promise.all(['s1', 's2', 's3'].map((sub) => rogue.sign({ sub, iat: T0 })));
    writeFileSync(join(dir, 'captures.txt'), tokens.join('\n') + '\n');
    const store = await Store.open(':memory:');
    try {
      await ingestPaths(store, [dir]);
      const [a] = await runChecks(store, DEFAULT_POLICY, [unknownKey]);
      const [b] = await runChecks(store, DEFAULT_POLICY, [unknownKey]);
      expect(a).toMatchObject({ kid: 'rogue', severity: 'low', token: null, sub: null, evidence: { tokens: 3, uses: 0 } });
      expect(a!.evidence.subjects).toEqual(['s1', 's2', 's3']);
      expect(b!.id).toBe(a!.id);
    } finally {
      store.close();
    }
  });
});
