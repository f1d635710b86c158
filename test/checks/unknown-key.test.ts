// unknown-key follows the registry as it grows: a kid whose JWKS is ingested after its tokens stops firing,
// because ingest re-verifies the tokens a new kid can settle.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks, runCoveredChecks } from '../../src/checks/engine.js';
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

  describe('a retired key the rotation records name but the registry lacks (the JWKS saved after rotation)', () => {
    const DAY = 86_400;
    const iso = (t: number): string => new Date(t * 1000).toISOString();
    const ISS = 'https://auth.example';

    async function run(records: object[], tokens: { claims: Record<string, unknown>; outcome?: string }[], extra: string[] = []) {
      const old = await makeKey('old-1', 'EdDSA');
      const current = await makeKey('cur-1', 'EdDSA');
      const dir = tempDir();
      const events = await Promise.all(tokens.map(async (t, i) =>
        ({ ts: T0 + i, event: 'use', token: await old.sign(t.claims), outcome: t.outcome ?? 'success' })));
      writeFileSync(join(dir, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
      writeFileSync(join(dir, 'keys.json'), jwks(current));
      writeFileSync(join(dir, 'rotation.ndjson'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const store = await Store.open(':memory:');
      try {
        await ingestPaths(store, [dir]);
        const { findings, coverage } = await runCoveredChecks(store, DEFAULT_POLICY, [unknownKey]);
        let after: unknown[] = [];
        if (extra.includes('old-jwks')) {
          const late = join(tempDir(), 'old.json');
          writeFileSync(late, jwks(old));
          await ingestPaths(store, [late]);
          after = await runChecks(store, DEFAULT_POLICY, [unknownKey]);
        }
        return { findings, coverage: coverage[0]!, after };
      } finally {
        store.close();
      }
    }
    const life = [
      { ts: iso(T0 - 90 * DAY), kid: 'old-1', action: 'created', actor: 'kms' },
      { ts: iso(T0 - 89 * DAY), kid: 'old-1', action: 'activated', actor: 'kms' },
      { ts: iso(T0 - 10 * DAY), kid: 'old-1', action: 'retired', actor: 'kms' },
    ];
    const rt = (sub: string, iat: number | null) => ({ claims: { iss: ISS, sub, ...(iat === null ? {} : { iat }), exp: T0 + 30 * DAY } });

    it('is one low finding per kid and a coverage note, not an unknown key; the old JWKS settles it', async () => {
      const tokens = Array.from({ length: 30 }, (_, i) => rt(`u-${i}`, T0 - 20 * DAY + i * 3600));
      const { findings, coverage, after } = await run(life, tokens, ['old-jwks']);
      expect(findings.map((f) => [f.kid, f.severity, f.evidence.tokens, f.evidence.accepted])).toEqual([['old-1', 'low', 30, 30]]);
      expect(findings[0]!.title).toMatch(/^Known key "old-1" \(retired .*\) is not in the registry: 30 token/);
      expect(findings[0]!.evidence.request).toMatch(/JWKS/);
      expect(coverage.unit).toContain('30 token(s) name a kid the rotation records know but the registry lacks');
      expect(after).toEqual([]);
    });

    it('keeps tokens the records do not cover at the unknown-key severity', async () => {
      const { findings } = await run(life, [
        rt('in-life', T0 - 20 * DAY),
        rt('after-retirement', T0 - 2 * DAY), // signed after the key stopped signing
        rt('before-creation', T0 - 100 * DAY), // backdated before the key existed
        rt('no-iat', null), // nothing to place it by
      ]);
      const by = findings.map((f) => [f.severity, f.evidence.tokens, (f.evidence.subjects as string[]).join(' ')]);
      expect(by).toEqual([
        ['high', 3, 'after-retirement before-creation no-iat'],
        ['low', 1, 'in-life'],
      ]);
      const high = findings.find((f) => f.severity === 'high')!;
      expect(high.evidence).toMatchObject({ tokens_signed_outside_recorded_life: 2, tokens_without_iat: 1 });
    });

    it('does not vouch for a kid whose records say compromised, or whose records name another issuer', async () => {
      const compromised = [...life.slice(0, 2), { ts: iso(T0 - 5 * DAY), kid: 'old-1', action: 'compromised', actor: 'secops' }];
      const a = await run(compromised, [rt('alice', T0 - 20 * DAY)]);
      expect(a.findings.map((f) => [f.severity, f.evidence.records_say !== undefined])).toEqual([['high', true]]);
      const otherIssuer = life.map((r) => ({ ...r, iss: 'https://other.example' }));
      const b = await run(otherIssuer, [rt('bob', T0 - 20 * DAY)]);
      expect(b.findings.map((f) => f.severity)).toEqual(['high']);
      expect(b.coverage.unit).toContain('1 token(s) name a kid the rotation records know');
    });
  });
});
