// The containment list on a real store: the bundled incident ingested and checked in a temp DuckDB file. What it
// plants (fixtures/incident-acme/README.md) must be on the list; what is routine or below the threshold must not.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { CHECKS } from '../../src/checks/registry.js';
import { severityRank, type Finding } from '../../src/findings/finding.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { DEFAULT_POLICY, mergePolicy } from '../../src/policy/policy.js';
import { ACTION_KINDS, CONTAINMENT_RULES } from '../../src/report/containment-rules.js';
import { buildContainment, type Containment, type ContainmentAction } from '../../src/report/containment.js';
import { Store } from '../../src/store/db.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;
const ATTACKER = '175.16.199.23';
const FORGED = {
  'alg-none': '5c2af73f-e6e8-4fc1-9ff8-ba1ec2cf589f',
  'alg-confusion': '300cda34-a0a3-4c3b-b9b6-6cc6a7f0f6fb',
  'header-injection (kid path)': '0036e346-53d3-48f4-9f05-0fc6c9b80e64',
  'header-injection (embedded jwk)': 'b3dd7c9f-ff92-49d7-9762-303e1f582534',
  'revoked-key': '644be357-2d02-4b07-a7ff-10adb38de41a',
};

const dirs: string[] = [];
async function checkedStore(folder: string, policyFile?: string): Promise<{ store: Store; findings: Finding[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'jwtf-containment-'));
  dirs.push(dir);
  const store = await Store.open(join(dir, 'store.duckdb'));
  await ingestPaths(store, [join(FIXTURES, folder)]);
  const policy = policyFile ? mergePolicy(JSON.parse(readFileSync(join(FIXTURES, folder, policyFile), 'utf8'))) : DEFAULT_POLICY;
  return { store, findings: await runChecks(store, policy, CHECKS) };
}

const find = (c: Containment, action: ContainmentAction['action'], target: string) => c.actions.find((a) => a.action === action && a.target === target);
const targets = (c: Containment, action: ContainmentAction['action']) => c.actions.filter((a) => a.action === action).map((a) => a.target);

describe('the containment rules', () => {
  it('name every check of the registry, and say why when a check justifies nothing', () => {
    expect(Object.keys(CONTAINMENT_RULES).sort()).toEqual(CHECKS.map((c) => c.id).sort());
    for (const [id, rule] of Object.entries(CONTAINMENT_RULES)) {
      if (rule.actions.length === 0) expect(rule.none, id).toMatch(/\w/);
      for (const r of rule.actions) expect(ACTION_KINDS, id).toContain(r.kind);
    }
  });
});

describe('the containment list of the bundled incident', () => {
  let store: Store;
  let findings: Finding[];
  let high: Containment;

  beforeAll(async () => {
    ({ store, findings } = await checkedStore('incident-acme'));
    high = await buildContainment(store, findings);
  }, 120_000);

  afterAll(() => {
    store?.close();
    while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
  });

  it('names the compromised signing key acme-es-1 with its thumbprint, first', async () => {
    const [key] = await store.json<{ thumbprint: string }>(`SELECT thumbprint FROM keys WHERE kid = $kid`, { kid: 'acme-es-1' });
    const action = find(high, 'revoke-key', 'acme-es-1');
    expect(action).toMatchObject({ severity: 'critical', kid: 'acme-es-1', thumbprint: key!.thumbprint });
    expect(action!.checks).toContain('revoked-key');
    expect(high.actions[0]).toBe(action);
  });

  it('never names an oct key by its thumbprint (a hash of the secret)', async () => {
    const low = await buildContainment(store, findings, 'low');
    const secrets = await store.json<{ kid: string }>(`SELECT kid FROM keys WHERE kty = 'oct' OR is_secret`);
    expect(secrets.length).toBeGreaterThan(0);
    const secretKids = new Set(secrets.map((k) => k.kid));
    const onSecrets = low.actions.filter((a) => a.kid !== null && secretKids.has(a.kid));
    expect(onSecrets.length).toBeGreaterThan(0); // acme-internal-hs: rotation records missing (medium)
    for (const a of onSecrets) expect(a.thumbprint).toBeNull();
    const oct = await store.json<{ thumbprint: string }>(`SELECT thumbprint FROM keys WHERE kty = 'oct' OR is_secret`);
    expect(JSON.stringify(low)).not.toContain(oct[0]!.thumbprint);
  });

  it('deny-lists the forged tokens by jti, until their exp', async () => {
    for (const [what, jti] of Object.entries(FORGED)) {
      const [t] = await store.json<{ fingerprint: string; exp: number }>(`SELECT fingerprint, exp FROM tokens WHERE jti = $jti`, { jti });
      const action = find(high, 'deny-token', jti);
      expect(action, what).toBeDefined();
      expect(action!.tokens, what).toContain(t!.fingerprint);
      expect(action!.until, what).toBe(new Date(Number(t!.exp) * 1000).toISOString().replace('.000Z', 'Z'));
    }
  });

  it("revokes subject u-1000 (impersonated by the forged tokens) and the sessions the forged tokens carried", async () => {
    expect(find(high, 'revoke-subject', 'u-1000')).toMatchObject({ severity: 'critical' });
    const sids = await store.json<{ sid: string }>(
      `SELECT DISTINCT e.sid FROM events e JOIN tokens t ON t.sha256 = e.token_sha
       WHERE t.jti IN (SELECT unnest($jtis::VARCHAR[])) AND e.sid IS NOT NULL`, { jtis: JSON.stringify(Object.values(FORGED)) });
    expect(sids.length).toBeGreaterThan(0);
    for (const { sid } of sids) expect(targets(high, 'revoke-session')).toContain(sid);
    // the revoked laptop session (incident 8) and the stolen refresh token's session (incident 7)
    expect(targets(high, 'revoke-session')).toEqual(expect.arrayContaining(['s-67cd2977d08f636b', 's-85a3618bb27f612e']));
  });

  it('blocks the address that presented the alg-none and alg-confusion tokens', () => {
    const block = find(high, 'block-ip', ATTACKER);
    expect(block).toMatchObject({ severity: 'critical' });
    expect(block!.checks).toEqual(expect.arrayContaining(['alg-none', 'alg-confusion', 'revoked-key']));
    expect(targets(high, 'review-ip')).not.toContain(ATTACKER); // one row per address: the block
  });

  it("never tells anyone to block the legitimate user's address: replays and a tampered token sent from the victim's browser are for review", () => {
    expect(targets(high, 'block-ip')).toEqual([ATTACKER]);
    // incident 7: London is the user, Sydney the thief; the evidence cannot say which, so both are for review
    expect(find(high, 'review-ip', '81.2.69.194')?.checks).toEqual(expect.arrayContaining(['refresh-reuse']));
    expect(find(high, 'review-ip', '1.128.0.1')).toBeDefined();
    // incident 11b: the tampered token came from the same IP and browser as u-1016's genuine token
    const tampered = findings.find((f) => f.check === 'bad-signature' && f.jti === '3b6e014c-ca04-466c-b7d0-03db1ae574d8')!;
    const review = high.actions.filter((a) => a.action === 'review-ip' && a.findings.includes(tampered.id));
    expect(review).toHaveLength(1);
    expect(review[0]!.note).toMatch(/validly signed/);
  });

  it('justifies each action with findings at or above the threshold, at the highest severity among them, over their window', () => {
    const byId = new Map(findings.map((f) => [f.id, f]));
    for (const a of high.actions) {
      const from = a.findings.map((id) => byId.get(id)!);
      expect(from.every((f) => f !== undefined && severityRank(f.severity) <= severityRank('high'))).toBe(true);
      expect(a.severity).toBe(from.map((f) => f.severity).sort((x, y) => severityRank(x) - severityRank(y))[0]);
      expect(a.checks).toEqual([...new Set(from.map((f) => f.check))].sort());
      expect(a.first_seen).toBe(from.map((f) => f.first_seen).filter(Boolean).sort()[0] ?? null);
    }
  });

  it('is in a complete order (action, severity, target) with one row per target and action', () => {
    const keys = high.actions.map((a) => `${a.action} ${a.target} ${a.thumbprint ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
    const order = high.actions.map((a) => [ACTION_KINDS.indexOf(a.action), severityRank(a.severity), a.target] as const);
    const sorted = [...order].sort((x, y) => x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0));
    expect(order).toEqual(sorted);
    expect(Object.values(high.counts).reduce((s, n) => s + n, 0)).toBe(high.actions.length);
  });

  it('takes nothing from findings below the threshold (near miss: the low probing attempts and the rejected jku token)', () => {
    const lows = findings.filter((f) => severityRank(f.severity) > severityRank('high'));
    expect(lows.length).toBeGreaterThan(0);
    expect(high.findings_below).toBe(lows.length);
    const lowIds = new Set(lows.map((f) => f.id));
    for (const a of high.actions) expect(a.findings.some((id) => lowIds.has(id)), `${a.action} ${a.target}`).toBe(false);
    // a rejected probing token (bad-signature, low) and the rejected jku token under kid attacker-1 (low)
    expect(targets(high, 'deny-token')).not.toContain('bc3c6a99-9f22-4151-b36b-3540aaa004b1');
    expect(targets(high, 'revoke-key')).not.toContain('attacker-1');
  });

  it('moves with minSeverity', async () => {
    const critical = await buildContainment(store, findings, 'critical');
    const low = await buildContainment(store, findings, 'low');
    expect(critical.actions.every((a) => a.severity === 'critical')).toBe(true);
    expect(targets(critical, 'revoke-key')).toEqual(['acme-es-1']);
    expect(targets(high, 'revoke-key')).toContain('acme-2025-rsa'); // retired key still signing (high)
    expect(targets(critical, 'revoke-key')).not.toContain('acme-2025-rsa');
    expect(targets(low, 'revoke-key')).toContain('attacker-1');
    expect(critical.actions.length).toBeLessThan(high.actions.length);
    expect(high.actions.length).toBeLessThan(low.actions.length);
  });

  it('resolves targets set-based: the same number of queries for 40 times the findings', async () => {
    const count = async (fs: Finding[]): Promise<number> => {
      let n = 0;
      const json = store.json.bind(store);
      store.json = (async (...args: Parameters<Store['json']>) => (n++, json(...args))) as Store['json'];
      try {
        await buildContainment(store, fs);
      } finally {
        store.json = json;
      }
      return n;
    };
    const many = Array.from({ length: 40 }, (_, i) => findings.map((f) => ({ ...f, id: `${f.check}:${i.toString(16).padStart(16, '0')}` }))).flat();
    expect(await count(many)).toBe(await count(findings));
  });
});

describe('the containment list of routine traffic', () => {
  afterAll(() => {
    while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
  });

  it('is empty for the benign week (nothing at high), and counts what was below', async () => {
    const { store, findings } = await checkedStore('benign-week', 'policy.json');
    try {
      const c = await buildContainment(store, findings);
      expect(c.actions).toEqual([]);
      expect(c.findings_below).toBe(findings.length);
      expect(findings.length).toBeGreaterThan(0); // there are low and info findings: they justify no action
    } finally {
      store.close();
    }
  }, 120_000);
});
