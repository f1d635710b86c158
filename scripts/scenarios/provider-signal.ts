// What identity providers reported themselves, as a provider preset leaves it: the canonical columns the preset
// mapped, and the provider's record kept beside them (`extra`, with the provider's type as `provider_event`). Here the
// records are written as canonical lines whose non-canonical fields are the provider's (the canonical reader keeps
// them in `extra` the same way), so the scenario also carries signed refresh tokens for refresh-reuse. The same
// records in the providers' own files, read by the presets, are test/checks/provider-signal.test.ts.
import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const LON = { ip: '81.2.69.194', ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/133.0.0.0', geo: { country: 'GB', city: 'London' } };
const CHN = { ip: '175.16.199.1', ua: 'python-requests/2.31.0', geo: { country: 'CN', city: 'Changchun' } };

/** Okta's reuse detection as the okta preset maps it: a refused refresh naming the token presented again. */
const oktaReuse = (dt: number, sub: string, rt: string | null, threat: boolean, server = 'app.oauth2.as.token.detect_reuse') => ({
  ts: T0 + dt, event: 'fail', sub, ...(rt ? { parent_jti: rt } : {}), client_id: '0oaportal000000001', ...CHN, outcome: 'failure',
  provider_event: server, eventType: server, displayMessage: 'Refresh token reuse detected', severity: 'WARN',
  debugContext: { debugData: { grantType: 'refresh_token', threatSuspected: String(threat), requestUri: '/oauth2/aus1acme/v1/token' } },
  target: [{ id: `00u1${sub.split('@')[0]}`, type: 'User', alternateId: sub }, ...(rt ? [{ id: rt, type: 'refresh_token' }] : [])],
});

/** Auth0's failed exchange of a rotating refresh token (type ferrt), flat as the Management API returns it. */
const auth0Ferrt = (dt: number, sub: string, description: string, familyId: string) => ({
  ts: T0 + dt, event: 'fail', sub, client_id: 'kbYrNhrR2TLUdJkvpuSAvwBa2vX7FcXm', ...CHN, outcome: 'failure', reason: description,
  provider_event: 'ferrt', type: 'ferrt', description, details: { familyId, tokenCounter: 1, latestCounter: 2 },
});

/** An Entra sign-in (Azure Monitor export) with ID Protection's risk fields under `properties`. */
const entraSignIn = (dt: number, sub: string, risk: { types: string[]; during: string; aggregated?: string; state: string; detail?: string }, errorCode = 0) => ({
  ts: T0 + dt, event: errorCode === 0 ? 'issue' : 'fail', sub, client_id: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064', ...CHN,
  outcome: errorCode === 0 ? 'success' : 'failure', provider_event: 'SignInLogs', category: 'SignInLogs', resultType: String(errorCode),
  properties: {
    userPrincipalName: sub, status: { errorCode }, riskEventTypes_v2: risk.types, riskEventTypes: [],
    riskLevelDuringSignIn: risk.during, riskLevelAggregated: risk.aggregated ?? risk.during, riskState: risk.state, riskDetail: risk.detail ?? 'none',
  },
});

export async function scenario(kit: Kit): Promise<Scenario> {
  const rt = (sub: string, jti: string, iat: number) =>
    kit.sign('rsa', { iss: 'https://auth.example', sub, jti, sid: `s-${sub}`, iat, nbf: iat, exp: iat + 30 * 86400, token_use: 'refresh' });
  const [a1, a2] = [await rt('alice@example.com', 'rt-a1', T0), await rt('alice@example.com', 'rt-a2', T0 + 900)];
  const [b1, b2, b2x] = [await rt('bob@example.com', 'rt-b1', T0), await rt('bob@example.com', 'rt-b2', T0 + 900), await rt('bob@example.com', 'rt-b2x', T0 + 1500)];
  const issue = (sub: string, token: string) => ({ ts: T0, event: 'issue', token, sub, ...LON, outcome: 'success' });
  const refresh = (dt: number, sub: string, parent: string, token: string, from = LON) =>
    ({ ts: T0 + dt, event: 'refresh', token, parent_jti: parent, sub, client_id: '0oaportal000000001', ...from, outcome: 'success' });
  return {
    id: 'provider-signal',
    description:
      'Signals the identity providers reported: Okta refresh-token reuse detections (one naming the token, one with ThreatInsight ' +
      'suspecting a threat, one followed by a successful exchange of the caught token), Auth0 ferrt saying reuse, Entra ID ' +
      'Protection risk detections (an anomalous token, a medium and a low risk, a blocked high-risk sign-in, a dismissed one).',
    checks: ['provider-signal', 'refresh-reuse'],
    files: {
      'keys.json': kit.jwks('rsa'),
      'events.ndjson': ndjson([
        // alice: her app exchanged rt-a1; 50 min later Okta caught rt-a1 presented again from China
        issue('alice@example.com', a1),
        refresh(900, 'alice@example.com', 'rt-a1', a2),
        oktaReuse(3000, 'alice@example.com', 'rt-a1', false),
        // bob: exchanged, caught reused, then exchanged successfully again (the family's revocation did not hold)
        issue('bob@example.com', b1),
        refresh(900, 'bob@example.com', 'rt-b1', b2),
        oktaReuse(1000, 'bob@example.com', 'rt-b1', false),
        refresh(1500, 'bob@example.com', 'rt-b1', b2x, CHN),
        // carl: the org server caught a reuse, no token named, ThreatInsight suspected a threat
        oktaReuse(2000, 'carl@example.com', null, true, 'app.oauth2.token.detect_reuse'),
        // carol: Auth0 revoked a family on reuse; dana's failed rotating exchange says nothing of reuse
        auth0Ferrt(2100, 'auth0|carol0001', 'Reused rotating refresh token detected, revoked the family', 'rtf_9f3c1e2a7b'),
        auth0Ferrt(2200, 'auth0|dana0001', 'Rotating refresh token expired', 'rtf_0d1e2f3a4b'),
        // Entra ID Protection
        entraSignIn(2300, 'erin@acme.example', { types: ['anomalousToken'], during: 'none', aggregated: 'high', state: 'atRisk' }),
        entraSignIn(2400, 'frank@acme.example', { types: ['unfamiliarFeatures'], during: 'medium', state: 'atRisk' }),
        entraSignIn(2500, 'gus@acme.example', { types: ['unfamiliarFeatures'], during: 'low', state: 'atRisk' }),
        entraSignIn(2600, 'henry@acme.example', { types: ['anonymizedIPAddress'], during: 'high', state: 'atRisk' }, 53003),
        entraSignIn(2700, 'ivy@acme.example', { types: ['unlikelyTravel'], during: 'low', state: 'dismissed', detail: 'adminDismissedAllRiskForUser' }),
        entraSignIn(2800, 'kim@acme.example', { types: [], during: 'none', state: 'none' }),
        entraSignIn(2900, 'kim@acme.example', { types: [], during: 'hidden', state: 'none', detail: 'hidden' }),
      ]),
    },
    expected: [
      { check: 'provider-signal', severity: 'medium', jti: 'rt-a1', sub: 'alice@example.com' },
      { check: 'refresh-reuse', severity: 'medium', token: fingerprint(a1), jti: 'rt-a1', sub: 'alice@example.com' },
      { check: 'provider-signal', severity: 'critical', jti: 'rt-b1', sub: 'bob@example.com' },
      { check: 'refresh-reuse', severity: 'critical', token: fingerprint(b1), jti: 'rt-b1', sub: 'bob@example.com' },
      { check: 'provider-signal', severity: 'high', jti: null, sub: 'carl@example.com' },
      { check: 'provider-signal', severity: 'medium', jti: null, sub: 'auth0|carol0001' },
      { check: 'provider-signal', severity: 'high', sub: 'erin@acme.example' },
      { check: 'provider-signal', severity: 'medium', sub: 'frank@acme.example' },
      { check: 'provider-signal', severity: 'low', sub: 'gus@acme.example' },
      { check: 'provider-signal', severity: 'medium', sub: 'henry@acme.example' },
      { check: 'provider-signal', severity: 'info', sub: 'ivy@acme.example' },
    ],
    near_misses: [
      'alice: our logs hold one exchange of rt-a1; Okta\'s detection names it, so refresh-reuse reports it (medium: refused, family revoked)',
      'bob: rt-b1 exchanged successfully after Okta said it caught it reused: critical in both checks',
      'carl: a detection naming no token is one finding per subject; threatSuspected raises it to high',
      'dana: ferrt whose description does not say reuse (a failed rotating exchange) is not a detection',
      'erin: anomalousToken found offline (riskLevelDuringSignIn none, aggregated high) is a token anomaly: high',
      'henry: a high-risk sign-in Conditional Access refused: medium, not high',
      'ivy: a detection an administrator dismissed: info',
      'kim: sign-ins with no risk, or a hidden level and no detection (no ID Protection P2): no finding',
    ],
  };
}
