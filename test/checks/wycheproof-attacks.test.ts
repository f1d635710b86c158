// Project Wycheproof's JWS attack vectors, each ingested as an accepted use with its group's key in the registry:
// the right check must fire for each (alg none, HS-with-EC-key confusion, embedded jwk, ECDSA r=s=0).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { algConfusion } from '../../src/checks/alg-confusion.js';
import { algNone } from '../../src/checks/alg-none.js';
import { algNotAllowed } from '../../src/checks/alg-not-allowed.js';
import { badSignature } from '../../src/checks/bad-signature.js';
import { runChecks } from '../../src/checks/engine.js';
import { headerInjection } from '../../src/checks/header-injection.js';
import { retiredKey } from '../../src/checks/retired-key.js';
import { revokedKey } from '../../src/checks/revoked-key.js';
import { unknownKey } from '../../src/checks/unknown-key.js';
import type { Finding } from '../../src/findings/finding.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { fingerprintOf } from '../../src/jwt/fingerprint.js';
import { sha256Hex } from '../../src/util/sha256.js';
import { DEFAULT_POLICY } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';

const FILE = new URL('../../fixtures/vectors/wycheproof/json_web_signature_test.json', import.meta.url);
const CHECKS = [algNone, algConfusion, algNotAllowed, headerInjection, badSignature, unknownKey, retiredKey, revokedKey];

/** tcId → the check that must fire for it, and the severity an accepted use earns. */
const ATTACKS: Record<number, { check: string; severity: string; what: string }> = {
  16: { check: 'alg-none', severity: 'critical', what: 'alg none with a kid, empty signature' },
  341: { check: 'alg-none', severity: 'critical', what: 'alg none' },
  342: { check: 'alg-none', severity: 'critical', what: 'alg NONE' },
  343: { check: 'alg-none', severity: 'critical', what: 'alg none, kid "none"' },
  344: { check: 'alg-none', severity: 'critical', what: 'alg none naming the PS512 key' },
  31: { check: 'alg-confusion', severity: 'high', what: 'HS256 keyed from the EC verification key, naming it' },
  32: { check: 'header-injection', severity: 'critical', what: 'attacker key embedded as jwk' },
  386: { check: 'bad-signature', severity: 'critical', what: 'ECDSA r = s = 0 (CVE-2022-21449)' },
};

interface WyTest { tcId: number; jws: string }
interface WyGroup { private: Record<string, unknown>; public?: Record<string, unknown>; tests: WyTest[] }

const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi'];
const publicOf = (g: WyGroup) => g.public ?? Object.fromEntries(Object.entries(g.private).filter(([m]) => !PRIVATE.includes(m)));

describe('Wycheproof JWS attack vectors raise the right check', () => {
  const byToken = new Map<number, Finding[]>();

  beforeAll(async () => {
    const groups = (JSON.parse(readFileSync(FILE, 'utf8')) as { testGroups: WyGroup[] }).testGroups;
    const picked = groups.flatMap((g) => g.tests.filter((t) => t.tcId in ATTACKS).map((t) => ({ t, key: publicOf(g) })));
    expect(picked.map((p) => p.t.tcId).sort((a, b) => a - b)).toEqual(Object.keys(ATTACKS).map(Number));
    const keys = [...new Map(picked.map((p) => [p.key.kid, p.key])).values()];
    const dir = tempDir();
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ keys }));
    const events = picked.map(({ t }, i) => ({ ts: 1773482400 + i * 60, event: 'use', token: t.jws, ip: '192.0.2.1', outcome: 'success' }));
    writeFileSync(join(dir, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const store = await Store.open(':memory:');
    try {
      await ingestPaths(store, [dir]);
      const findings = await runChecks(store, DEFAULT_POLICY, CHECKS);
      for (const { t } of picked) byToken.set(t.tcId, findings.filter((f) => f.token === fingerprintOf(sha256Hex(t.jws))));
    } finally {
      store.close();
    }
  });

  for (const [id, want] of Object.entries(ATTACKS)) {
    it(`tcId ${id}: ${want.what} → ${want.check} (${want.severity})`, () => {
      const found = byToken.get(Number(id))!.filter((f) => f.check === want.check);
      expect(found.map((f) => f.severity)).toEqual([want.severity]);
    });
  }

  it('names the psychic signature and keeps confusion out of bad-signature', () => {
    const psychic = byToken.get(386)!.find((f) => f.check === 'bad-signature')!;
    expect(psychic.title).toMatch(/psychic/i);
    expect(psychic.evidence).toMatchObject({ cve: 'CVE-2022-21449', sig_detail: 'ecdsa-zero-signature' });
    expect(byToken.get(31)!.map((f) => f.check)).toEqual(['alg-confusion']);
    expect(byToken.get(32)!.find((f) => f.check === 'header-injection')!.evidence).toMatchObject({ flags: ['embedded-jwk'] });
  });

  it('unsigned vectors raise nothing but alg-none (kid "none" is not an unknown key)', () => {
    for (const id of [16, 341, 342, 343, 344]) expect(byToken.get(id)!.map((f) => f.check)).toEqual(['alg-none']);
  });
});
