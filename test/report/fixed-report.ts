// A fixed report for golden files and renderer tests: fixed times, relative paths, a fixed tool version, and the
// hostile values a log can carry (markup, table pipes, control characters, a planted bidi override).
import type { CoverageEntry } from '../../src/findings/coverage.js';
import { compareFindings, findingId, type Finding } from '../../src/findings/finding.js';
import { summarize, type Report } from '../../src/report/report.js';
import type { Run } from '../../src/store/runs.js';
import type { Timeline, TimelineEvent } from '../../src/timeline/types.js';
import { fixedContainment } from './containment-fixture.js';

export const HOSTILE_SUB = '<script>alert(1)</script>|x';
export const HOSTILE_UA = 'curl/8.0 | <img src=x onerror=alert(2)> \u0007\u202e';
const LOG = 'logs/auth-events.ndjson';

const base = {
  jti: null, sub: null, kid: null, token: null, first_seen: null, last_seen: null, events: [], evidence: {},
} satisfies Partial<Finding>;

export const FIXED_FINDINGS: Finding[] = [
  {
    ...base,
    id: findingId('alg-none', 'a1b2c3d4e5f6'),
    check: 'alg-none',
    severity: 'critical',
    title: 'Unsigned token (alg none) accepted',
    jti: 'j-forged-1',
    sub: HOSTILE_SUB,
    token: 'a1b2c3d4e5f6',
    first_seen: '2026-03-14T11:05:00Z',
    last_seen: '2026-03-14T11:05:00Z',
    events: [{ source: LOG, line: 12, ts: '2026-03-14T11:05:00Z' }],
    evidence: { alg: 'none', accepted: true, ua: HOSTILE_UA },
    remediation: 'Reject alg none at every verifier.',
  },
  {
    ...base,
    id: findingId('refresh-reuse', 'r-2'),
    check: 'refresh-reuse',
    severity: 'critical',
    title: 'Refresh token exchanged 2 times',
    jti: 'r-2',
    sub: 'u-1007',
    kid: 'acme-2026-rsa',
    token: '0f1e2d3c4b5a',
    first_seen: '2026-03-14T09:28:30Z',
    last_seen: '2026-03-14T10:00:00Z',
    events: [
      { source: LOG, line: 294, ts: '2026-03-14T09:28:30Z' },
      { source: LOG, line: 369, ts: '2026-03-14T10:00:00Z' },
    ],
    evidence: { exchanges: 2, places: [{ city: 'London', ip: '81.2.69.194' }, { city: 'Sydney', ip: '1.128.0.1' }] },
    remediation: 'Revoke the refresh family and the session.',
  },
  {
    ...base,
    id: findingId('bad-signature', '99aa88bb77cc'),
    check: 'bad-signature',
    severity: 'high',
    title: 'Signature does not verify with acme-2026-rsa',
    jti: 'j-tampered',
    sub: 'u-1001',
    kid: 'acme-2026-rsa',
    token: '99aa88bb77cc',
    first_seen: '2026-03-14T14:06:00Z',
    last_seen: '2026-03-14T14:06:00Z',
    events: [{ source: LOG, line: 1503, ts: '2026-03-14T14:06:00Z' }],
    evidence: { detail: 'first line\nsecond line\u0000\u001b[31m', accepted: false },
    remediation: 'Find the verifier that accepted it.',
  },
  {
    ...base,
    id: findingId('weak-key', 'legacy-hs'),
    check: 'weak-key',
    severity: 'medium',
    title: 'oct secret of 128 bits',
    kid: 'legacy-hs',
    evidence: { kty: 'oct', bits: 128, min_bits: 256 },
    remediation: 'Rotate to a 256-bit secret.',
  },
  {
    ...base,
    id: findingId('stale-client', 'u-1003'),
    check: 'stale-client',
    severity: 'low',
    title: 'Client app 3.9.1 older than 4.2.0',
    sub: 'u-1003',
    token: '5e5e5e5e5e5e',
    first_seen: '2026-03-14T08:00:00Z',
    last_seen: '2026-03-14T08:10:00Z',
    events: [{ source: LOG, line: 40, ts: '2026-03-14T08:00:00Z' }],
    evidence: { app_version: '3.9.1', min_app_version: '4.2.0' },
    remediation: 'Force an app update.',
  },
  {
    ...base,
    id: findingId('unused-key', 'spare'),
    check: 'unused-key',
    severity: 'info',
    title: 'Key spare verified no token',
    kid: 'spare',
    evidence: {},
    remediation: 'Remove keys that sign nothing.',
  },
];

export const FIXED_RUN: Run = {
  id: 1,
  started_at: '2026-03-14T17:59:58.000Z',
  ended_at: '2026-03-14T17:59:59.500Z',
  tool_version: '0.0.0-golden',
  policy_sha256: 'c'.repeat(64),
  sources: [{ id: 1, sha256: 'a'.repeat(64) }, { id: 2, sha256: 'b'.repeat(64) }],
  checks: ['alg-none', 'unused-key'],
};

/** Coverage as a run records it: checks that examined everything, part of it, and checks that had nothing to look at. */
export const FIXED_COVERAGE: CoverageEntry[] = [
  { check: 'alg-none', evaluated: true, examined: 671, total: 672, unit: 'tokens decoded', why: null },
  { check: 'impossible-travel', evaluated: true, examined: 1204, total: 2201, unit: 'events located', why: null },
  { check: 'revoked-use', evaluated: false, examined: 0, total: null, unit: 'revocations (records, revoke and logout events)',
    why: 'no revocations (no revocation records, revoke or logout events)' },
  { check: 'unused-key', evaluated: true, examined: 3, total: null, unit: 'registry keys', why: null },
  { check: 'key-rotation-gap', evaluated: false, examined: 0, total: 3, unit: 'registry keys have rotation records', why: 'no key rotation records' },
];

export function fixedReport(findings: Finding[] = FIXED_FINDINGS): Report {
  return {
    schema_version: 1,
    generated_at: '2026-03-14T18:00:00.000Z',
    tool: { name: 'jwt-forensics', version: '0.0.0-golden' },
    inputs: [
      { path: 'keys/jwks.json', sha256: 'a'.repeat(64), kind: 'jwks', rows: 3, rejected: 0 },
      { path: LOG, sha256: 'b'.repeat(64), kind: 'events', rows: 2201, rejected: 1 },
    ],
    run: FIXED_RUN,
    runs: [FIXED_RUN],
    coverage: FIXED_COVERAGE,
    summary: summarize(findings),
    findings: [...findings].sort(compareFindings),
    filter: null,
    ledger_head: '5e4b445df042'.padEnd(64, '0'),
    containment: fixedContainment(),
  };
}

const line = (over: Partial<TimelineEvent>): TimelineEvent => ({
  ts: '', kind: 'event', event: null, jti: null, token: null, sub: null, sid: null, ip: null, geo: null, ua: null,
  aud: null, outcome: null, parent_jti: null, source: LOG, line: null, gap_seconds: null, place_change: false,
  note: null, finding_ids: [], ...over,
});

/** The story of the alg-none token, as buildTimeline would tell it. */
export function fixedTimelines(): Timeline[] {
  const forged = FIXED_FINDINGS[0]!;
  const common = { jti: 'j-forged-1', token: 'a1b2c3d4e5f6', sub: HOSTILE_SUB };
  const london = { country: 'GB', city: 'London', lat: 51.5, lon: -0.09 };
  const changchun = { country: 'CN', city: 'Changchun', lat: 43.88, lon: 125.32 };
  return [
    {
      query: { jti: 'j-forged-1' },
      events: [
        line({ ...common, ts: '2026-03-14T10:00:00Z', event: 'use', ip: '81.2.69.194', geo: london, outcome: 'failure', line: 5 }),
        line({
          ...common, ts: '2026-03-14T11:05:00Z', event: 'use', ip: '175.16.199.23', geo: changchun, ua: HOSTILE_UA,
          aud: 'https://api.acme.example', outcome: 'success', line: 12, gap_seconds: 3900, place_change: true,
          note: 'accepted without a signature', finding_ids: [forged.id],
        }),
      ],
      findings: [forged],
    },
  ];
}
