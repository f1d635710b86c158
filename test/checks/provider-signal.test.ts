// provider-signal on the providers' own files read by their presets (fixtures/provider-signal, see its SOURCE.md),
// the refresh-reuse feed, coverage, and the ladder's near misses on canonical lines carrying a provider's record.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks, runCoveredChecks } from '../../src/checks/engine.js';
import { providerSignal } from '../../src/checks/provider-signal.js';
import { refreshReuse } from '../../src/checks/refresh-reuse.js';
import type { Finding } from '../../src/findings/finding.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { presets } from '../../src/ingest/mapping/presets/index.js';
import { DEFAULT_POLICY } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';
import { findingsFor, T0 } from './behaviour-helpers.js';

const DIR = new URL('../../fixtures/provider-signal/', import.meta.url).pathname;

async function withPreset(preset: string, files: string[], checks = [providerSignal]): Promise<Finding[]> {
  const store = await Store.open(':memory:');
  try {
    const run = await ingestPaths(store, files.map((f) => DIR + f), { mapping: presets().get(preset)! });
    expect(run.sources.every((s) => s.preset === preset)).toBe(true);
    return await runChecks(store, DEFAULT_POLICY, checks);
  } finally {
    store.close();
  }
}
const bySub = (found: Finding[]): Record<string, Finding> => Object.fromEntries(found.map((f) => [f.sub, f]));

describe('provider-signal: Okta System Log (--preset okta)', () => {
  it('a reuse detection naming the refresh token is one finding on that token, in Okta\'s words', async () => {
    const found = await withPreset('okta', ['okta-system-log.ndjson']);
    expect(found.map((f) => [f.severity, f.sub, f.jti])).toEqual([
      ['high', 'bob@example.com', null],
      ['medium', 'alice@example.com', 'RT.alice-rt-0100'],
    ]);
    const alice = bySub(found)['alice@example.com']!;
    expect(alice.title).toBe('Okta detected a refresh token reuse');
    expect(alice.events).toEqual([expect.objectContaining({ line: 2, ts: '2026-03-14T10:42:30Z' })]);
    expect(alice.evidence).toMatchObject({
      provider: 'Okta', signal: 'token-reuse', provider_events: ['app.oauth2.as.token.detect_reuse'],
      provider_words: ['Refresh token reuse detected'], reused_token: 'RT.alice-rt-0100', threat_suspected: false,
      exchanged_after_detection: 0, ips: ['175.16.199.1'],
    });
    // ThreatInsight suspected a threat on bob's: high, one finding per subject when no token is named
    expect(bySub(found)['bob@example.com']!.evidence).toMatchObject({ provider_events: ['app.oauth2.token.detect_reuse'], threat_suspected: true });
  });

  it('feeds refresh-reuse: the token Okta caught is reported though our logs hold no second exchange of it', async () => {
    const found = await withPreset('okta', ['okta-system-log.ndjson'], [refreshReuse]);
    expect(found.map((f) => [f.check, f.severity, f.jti, f.sub])).toEqual([['refresh-reuse', 'medium', 'RT.alice-rt-0100', 'alice@example.com']]);
    expect(found[0]!.evidence).toMatchObject({ exchanges: 1, granted: 0, provider_detected: true, client_retry: false });
  });
});

describe('provider-signal: Auth0 tenant logs (--preset auto\'s auth0)', () => {
  it('ferrt saying reuse, in the log-stream and Management API shapes; other failed exchanges are not detections', async () => {
    const found = await withPreset('auth0', ['auth0-tenant-logs.ndjson', 'auth0-management-api.ndjson']);
    expect(found.map((f) => [f.severity, f.sub])).toEqual([['medium', 'auth0|carol0001'], ['medium', 'auth0|erin0001']]);
    expect(found[0]!.evidence).toMatchObject({
      provider: 'Auth0', provider_events: ['ferrt'], provider_words: ['Reused rotating refresh token detected, revoked the family'],
      provider_family: 'rtf_9f3c1e2a7b', token_counter: 1, latest_counter: 2, reused_token: null,
    });
    expect(found[0]!.jti).toBeNull(); // Auth0's familyId is not a token id: refresh-reuse has nothing to join it to
    expect(await withPreset('auth0', ['auth0-tenant-logs.ndjson'], [refreshReuse])).toEqual([]);
  });
});

describe('provider-signal: Entra ID sign-in logs (--preset entra)', () => {
  it('Azure Monitor export: one finding per subject and kind, the ladder from ID Protection\'s own level and state', async () => {
    const found = bySub(await withPreset('entra', ['entra-signin-logs.ndjson']));
    expect(Object.fromEntries(Object.entries(found).map(([sub, f]) => [sub, [f.severity, f.evidence.signal]]))).toEqual({
      'jack@acme.example': ['critical', 'token-anomaly'], // attackerinBrowser, confirmed compromised by an administrator
      'grace@acme.example': ['high', 'token-anomaly'], // anomalousToken found offline: aggregated high
      'frank@acme.example': ['medium', 'sign-in-risk'], // unfamiliarFeatures, medium, signed in
      'henry@acme.example': ['medium', 'sign-in-risk'], // anonymizedIPAddress, high, refused by Conditional Access
      'ivy@acme.example': ['info', 'sign-in-risk'], // unlikelyTravel an administrator dismissed
    });
    expect(found['grace@acme.example']!.title).toBe('Microsoft Entra ID detected a token anomaly: anomalousToken');
    expect(found['grace@acme.example']!.evidence).toMatchObject({
      provider: 'Microsoft Entra ID', provider_events: ['NonInteractiveUserSignInLogs'], risk_event_types: ['anomalousToken'],
      risk_level: 'high', risk_level_during_sign_in: ['none'], risk_level_aggregated: ['high'], risk_state: ['atRisk'],
    });
    expect(found['henry@acme.example']!.evidence).toMatchObject({ risk_level: 'high', sign_ins_not_refused: 0 });
    expect(found['jack@acme.example']!.evidence).toMatchObject({ risk_state: ['confirmedCompromised'], risk_detail: ['adminConfirmedSigninCompromised'] });
  });

  it('Microsoft Graph /auditLogs/signIns records (flat): the risk fields at the top', async () => {
    const found = await withPreset('entra', ['graph-signins.ndjson']);
    expect(found.map((f) => [f.severity, f.sub, f.evidence.risk_event_types])).toEqual([['high', 'lena@acme.example', ['tokenIssuerAnomaly']]]);
  });
});

describe('provider-signal: a bundle read with --preset auto', () => {
  it('finds what each provider reported, whichever preset read it', async () => {
    const store = await Store.open(':memory:');
    try {
      const run = await ingestPaths(store, [DIR], { mapping: 'auto' });
      expect(Object.fromEntries(run.sources.map((s) => [s.path.slice(DIR.length), s.preset]))).toMatchObject({
        'okta-system-log.ndjson': 'okta', 'auth0-tenant-logs.ndjson': 'auth0', 'auth0-management-api.ndjson': 'auth0',
        'entra-signin-logs.ndjson': 'entra', 'graph-signins.ndjson': 'entra',
      });
      const found = await runChecks(store, DEFAULT_POLICY, [providerSignal]);
      expect(found.map((f) => f.evidence.provider).sort()).toEqual([
        'Auth0', 'Auth0', ...Array(6).fill('Microsoft Entra ID'), 'Okta', 'Okta',
      ]);
    } finally {
      store.close();
    }
  });
});

describe('provider-signal: coverage', () => {
  /** provider-signal's coverage over a store holding these files (read with the preset, if given) */
  async function coverageOf(files: Record<string, string>, preset?: string) {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const store = await Store.open(':memory:');
    try {
      if (Object.keys(files).length) await ingestPaths(store, [dir], preset ? { mapping: presets().get(preset)! } : {});
      return (await runCoveredChecks(store, DEFAULT_POLICY, [providerSignal])).coverage[0]!;
    } finally {
      store.close();
    }
  }

  it('not evaluated without a provider\'s own log, saying why; evaluated over a preset\'s events', async () => {
    expect(await coverageOf({})).toMatchObject({ evaluated: false, why: 'no auth events' });
    expect(await coverageOf({ 'events.ndjson': `${JSON.stringify({ ts: T0, event: 'issue', sub: 'alice' })}\n` })).toMatchObject({
      evaluated: false, examined: 0, total: 1,
      why: '0 events from a provider\'s own log (no file read with --preset or --mapping): nothing the provider reported',
    });
    expect(await coverageOf({ 'okta.ndjson': readFileSync(`${DIR}okta-system-log.ndjson`, 'utf8') }, 'okta')).toMatchObject({
      evaluated: true, examined: 4, total: 4, unit: 'events from a provider\'s own log (extra.provider_event)', why: null,
    });
  });
});

// A sign-in with Entra's risk fields under `properties`, as the canonical reader keeps a provider's record in extra.
const signIn = (dt: number, sub: string, outcome: string, properties: Record<string, unknown>) => ({
  ts: T0 + dt, event: outcome === 'success' ? 'issue' : 'fail', sub, outcome, provider_event: 'SignInLogs', properties,
});
const risk = (types: string[], level: string, state = 'atRisk') =>
  ({ riskEventTypes_v2: types, riskLevelDuringSignIn: level, riskLevelAggregated: level, riskState: state });
const severities = async (events: object[]) =>
  (await findingsFor(providerSignal, events)).map((f) => [f.sub, f.severity]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));

describe('provider-signal: the ladder\'s near misses', () => {
  it('a sign-in the provider refused weighs a rung less; an unrefused one as rated', async () => {
    expect(await severities([
      signIn(0, 'a', 'success', risk(['unfamiliarFeatures'], 'high')),
      signIn(0, 'b', 'failure', risk(['unfamiliarFeatures'], 'high')),
      signIn(0, 'c', 'success', risk(['unfamiliarFeatures'], 'medium')),
      signIn(0, 'd', 'failure', risk(['unfamiliarFeatures'], 'medium')),
      signIn(0, 'e', 'success', risk([], 'low')),
    ])).toEqual([['a', 'high'], ['b', 'medium'], ['c', 'medium'], ['d', 'low'], ['e', 'low']]);
  });

  it('a token anomaly is high whatever the level; a detection stays open unless every signal of it was cleared', async () => {
    expect(await severities([
      signIn(0, 'a', 'success', risk(['tokenIssuerAnomaly'], 'low')),
      signIn(0, 'b', 'success', risk(['unlikelyTravel'], 'medium', 'confirmedSafe')),
      signIn(60, 'b', 'success', risk(['unlikelyTravel'], 'medium', 'atRisk')),
      signIn(0, 'c', 'success', risk(['unlikelyTravel'], 'medium', 'remediated')),
    ])).toEqual([['a', 'high'], ['b', 'medium'], ['c', 'medium']]);
  });

  it('no risk, a hidden level, "none" or unknownFutureValue types, and records without provider_event are no signal', async () => {
    expect(await severities([
      signIn(0, 'a', 'success', risk([], 'none', 'none')),
      signIn(0, 'b', 'success', risk([], 'hidden', 'none')),
      signIn(0, 'c', 'success', { riskEventTypes: ['none', 'unknownFutureValue'], riskLevelDuringSignIn: 'none', riskState: 'none' }),
      { ts: T0, event: 'issue', sub: 'd', outcome: 'success', properties: risk(['anomalousToken'], 'high') },
    ])).toEqual([]);
  });

  it('odd shapes are read without failing: a record of other types, a list that is a string, a counter that is text', async () => {
    const found = await findingsFor(providerSignal, [
      { ts: T0, event: 'fail', sub: 'a', outcome: 'failure', provider_event: { type: 'ferrt' }, description: 'Reused rotating refresh token detected' },
      { ts: T0, event: 'fail', sub: 'b', outcome: 'failure', provider_event: 'ferrt', description: 'Reused rotating refresh token detected, revoked the family', details: { familyId: 7, tokenCounter: 'x', latestCounter: [2] } },
      { ts: T0, event: 'issue', sub: 'c', outcome: 'success', provider_event: 'SignInLogs', properties: 'none' },
      { ts: T0, event: 'issue', sub: 'd', outcome: 'success', provider_event: 'SignInLogs', properties: { riskEventTypes_v2: 'anomalousToken', riskLevelDuringSignIn: 7, riskState: null } },
      { ts: T0, event: 'issue', sub: 'e', outcome: 'success', provider_event: 'SignInLogs', properties: { riskEventTypes_v2: [{ x: 1 }, null], riskLevelDuringSignIn: 'none' } },
    ]);
    expect(found.map((f) => [f.sub, f.severity, f.evidence.provider_family ?? null]).sort()).toEqual([['b', 'medium', '7'], ['e', 'low', null]]);
  });

  it('two detections of one refresh token are one finding', async () => {
    const reuse = (dt: number) => ({
      ts: T0 + dt, event: 'fail', sub: 'alice', parent_jti: 'rt-1', outcome: 'failure',
      provider_event: 'app.oauth2.as.token.detect_reuse', displayMessage: 'Refresh token reuse detected',
    });
    const found = await findingsFor(providerSignal, [reuse(0), reuse(60)]);
    expect(found.map((f) => [f.severity, f.jti, f.evidence.signals, f.title])).toEqual([
      ['medium', 'rt-1', 2, 'Okta detected a refresh token reuse (2 signals)'],
    ]);
  });
});
