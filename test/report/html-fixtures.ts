// Reports for the HTML renderer tests: a normal incident, and one whose log- and token-derived values are hostile.
import type { Finding } from '../../src/findings/finding.js';
import { emptyContainment } from '../../src/report/containment.js';
import { summarize, type Report } from '../../src/report/report.js';
import type { Timeline, TimelineEvent } from '../../src/timeline/types.js';
import type { KeyLifecycle } from '../../src/report/key-lifecycle.js';

/** Every payload sets window.__pwned (or opens a dialog, or fetches) if it ever runs or is parsed as markup. */
export const PAYLOADS = {
  script: `<script>window.__pwned=1;alert('script')</script>`,
  img: `<img src=x onerror="window.__pwned=1;alert('img')">`,
  jsUrl: `javascript:window.__pwned=1;alert('js-url')`,
  anchor: `<a href="javascript:window.__pwned=1">click me</a>`,
  styleBreak: `</style><script>window.__pwned=1</script><style>`,
  titleBreak: `</title><script>window.__pwned=1</script>`,
  svg: `<svg onload="window.__pwned=1"><circle r=5></circle></svg>`,
  attrDouble: `" onmouseover="window.__pwned=1" autofocus onfocus="window.__pwned=1" x="`,
  attrSingle: `' onfocus='window.__pwned=1' autofocus x='`,
  iframe: `<iframe src="https://evil.example/frame"></iframe>`,
  metaRefresh: `<meta http-equiv="refresh" content="0;url=https://evil.example/">`,
  cssExfil: `</style><style>body{background:url(https://evil.example/bg.png)}</style>`,
  link: `<link rel="stylesheet" href="https://evil.example/x.css">`,
  control: `ctl\u0000\u0007\u001b[31mred\u009b\u202Eevil\u2066`,
} as const;

const base = (over: Partial<Finding> & Pick<Finding, 'id' | 'check' | 'severity' | 'title'>): Finding => ({
  jti: null, sub: null, kid: null, token: null, first_seen: null, last_seen: null, events: [], evidence: {},
  remediation: 'Investigate.', ...over,
});

export function normalFindings(): Finding[] {
  return [
    base({ id: 'alg-none:1a2b3c4d5e6f7081', check: 'alg-none', severity: 'critical', title: 'Unsigned token (alg none) accepted',
      jti: 'jti-7781', sub: 'alice@acme.test', kid: null, token: '9f3c2a1b0e7d', first_seen: '2026-03-01T09:12:04Z', last_seen: '2026-03-01T11:47:30Z',
      events: [{ source: 'logs/api.ndjson', line: 1204, ts: '2026-03-01T09:12:04Z' }, { source: 'logs/api.ndjson', line: 1388, ts: '2026-03-01T10:02:11Z' }, { source: 'logs/api.ndjson', line: 2210, ts: '2026-03-01T11:47:30Z' }],
      evidence: { alg: 'none', signature_length: 0, accepted: 3, rejected: 0, apis: ['orders', 'billing'] },
      remediation: 'Reject alg none in every verifier; pin the allowed algorithms per issuer.' }),
    base({ id: 'refresh-reuse:aa11bb22cc33dd44', check: 'refresh-reuse', severity: 'high', title: 'Refresh token exchanged 2 times',
      jti: 'rt-5512', sub: 'bob@acme.test', kid: 'acme-2026-rsa', token: '44e1d0c9b8a7', first_seen: '2026-03-01T10:30:00Z', last_seen: '2026-03-01T13:05:45Z',
      events: [{ source: 'logs/auth.ndjson', line: 88, ts: '2026-03-01T10:30:00Z' }, { source: 'logs/auth.ndjson', line: 412, ts: '2026-03-01T13:05:45Z' }],
      evidence: { exchanges: 2, children: ['rt-5513', 'rt-6001'], ips: ['203.0.113.7', '198.51.100.23'] },
      remediation: 'Revoke the whole refresh family and the session; rotate refresh tokens on use.' }),
    base({ id: 'impossible-travel:0f0e0d0c0b0a0908', check: 'impossible-travel', severity: 'high', title: 'Token used in Lyon and Singapore 40 minutes apart',
      jti: 'jti-9001', sub: 'bob@acme.test', kid: 'acme-2026-rsa', token: '77aa66bb55cc', first_seen: '2026-03-01T12:10:00Z', last_seen: '2026-03-01T12:50:00Z',
      events: [{ source: 'logs/api.ndjson', line: 3001, ts: '2026-03-01T12:10:00Z' }, { source: 'logs/api.ndjson', line: 3099, ts: '2026-03-01T12:50:00Z' }],
      evidence: { from: { city: 'Lyon', country: 'FR' }, to: { city: 'Singapore', country: 'SG' }, km: 10684, speed_kmh: 16026 },
      remediation: 'Treat the token as stolen: revoke it and the session, force re-authentication.' }),
    base({ id: 'device-change:1111222233334444', check: 'device-change', severity: 'medium', title: 'Token used from 2 devices',
      jti: 'jti-9001', sub: 'bob@acme.test', token: '77aa66bb55cc', first_seen: '2026-03-01T12:10:00Z', last_seen: '2026-03-01T12:50:00Z',
      events: [{ source: 'logs/api.ndjson', line: 3001, ts: '2026-03-01T12:10:00Z' }],
      evidence: { device_count: 2, devices: ['Firefox/Linux', 'curl'] }, remediation: 'Bind tokens to the client (DPoP or mTLS).' }),
    base({ id: 'stale-client:5555666677778888', check: 'stale-client', severity: 'low', title: 'Refresh from app version 2.1.0 (current 3.4)',
      sub: 'carol@acme.test', first_seen: '2026-03-01T14:00:00Z', last_seen: '2026-03-01T15:30:00Z',
      evidence: { app_version: '2.1.0', minimum: '3.0.0' }, remediation: 'Force an upgrade of old clients.' }),
    base({ id: 'unused-key:9999aaaabbbbcccc', check: 'unused-key', severity: 'info', title: 'Key signed no token in the evidence',
      kid: 'acme-2024-legacy', evidence: { kty: 'RSA', bits: 2048, state: 'active' }, remediation: 'Remove unused keys from the JWKS.' }),
  ];
}

export function hostileFindings(): Finding[] {
  const p = PAYLOADS;
  return [
    base({ id: 'device-change:deadbeefdeadbeef', check: 'device-change', severity: 'high', title: `Token used from ${p.script}`,
      jti: p.attrDouble, sub: p.img, kid: p.attrSingle, token: 'abcdefabcdef', first_seen: '2026-03-01T11:00:00Z', last_seen: p.titleBreak,
      events: [{ source: p.styleBreak, line: 7, ts: '2026-03-01T11:30:00Z' }, { source: 'logs/x.ndjson', line: 8, ts: p.svg }],
      evidence: { user_agent: p.img, url: p.jsUrl, link: p.anchor, nested: { ua: p.script, list: [p.cssExfil, p.control] }, [p.svg]: p.metaRefresh },
      remediation: `See ${p.link} and ${p.iframe}` }),
  ];
}

export function makeReport(findings: Finding[], inputs: Report['inputs'] = [
  { path: 'incident/logs/api.ndjson', sha256: 'a'.repeat(64), kind: 'events', rows: 4210, rejected: 2 },
  { path: 'incident/keys/jwks.json', sha256: 'b'.repeat(64), kind: 'keys', rows: 3, rejected: 0 },
]): Report {
  return { schema_version: 1, generated_at: '2026-03-02T08:00:00.000Z', tool: { name: 'jwt-forensics', version: '0.1.0' },
    inputs, run: null, runs: [], coverage: [], summary: summarize(findings), findings, filter: null, ledger_head: 'c'.repeat(64), containment: emptyContainment() };
}

const ev = (over: Partial<TimelineEvent> & Pick<TimelineEvent, 'ts'>): TimelineEvent => ({
  kind: 'event', event: 'use', jti: null, token: null, sub: null, sid: null, ip: null, geo: null, ua: null, aud: null, outcome: 'success',
  parent_jti: null, source: 'logs/api.ndjson', line: null, gap_seconds: null, place_change: false, note: null, finding_ids: [], ...over,
});

export function normalTimeline(findings: Finding[]): Timeline {
  const travel = findings.find((f) => f.check === 'impossible-travel');
  const ids = travel ? [travel.id] : [];
  return {
    query: { jti: 'jti-9001' },
    findings: travel ? [travel] : [],
    events: [
      ev({ ts: '2026-03-01T11:55:00Z', event: 'refresh', jti: 'jti-9001', parent_jti: 'rt-5512', token: '77aa66bb55cc', sub: 'bob@acme.test', sid: 's-1', ip: '203.0.113.7', geo: { city: 'Lyon', country: 'FR', lat: 45.76, lon: 4.84 }, ua: 'Firefox/128 Linux', source: 'logs/auth.ndjson', line: 400, note: 'refreshed from jti rt-5512' }),
      ev({ ts: '2026-03-01T12:10:00Z', jti: 'jti-9001', token: '77aa66bb55cc', sub: 'bob@acme.test', sid: 's-1', ip: '203.0.113.7', geo: { city: 'Lyon', country: 'FR', lat: 45.76, lon: 4.84 }, ua: 'Firefox/128 Linux', aud: 'orders', line: 3001, gap_seconds: 900, finding_ids: ids }),
      ev({ ts: '2026-03-01T12:50:00Z', jti: 'jti-9001', token: '77aa66bb55cc', sub: 'bob@acme.test', sid: 's-1', ip: '198.51.100.23', geo: { city: 'Singapore', country: 'SG', lat: 1.35, lon: 103.82 }, ua: 'curl/8.5.0', aud: 'billing', line: 3099, gap_seconds: 2400, place_change: true, finding_ids: ids }),
      ev({ ts: '2026-03-01T13:20:00Z', kind: 'revocation', event: 'revoke', outcome: null, jti: 'jti-9001', source: 'revocations.ndjson', line: 3, gap_seconds: 1800, note: 'jti revoked: stolen' }),
    ],
  };
}

export function hostileTimeline(): Timeline {
  const p = PAYLOADS;
  return {
    query: { sub: p.script, ip: p.attrDouble },
    findings: [],
    events: [
      ev({ ts: '2026-03-01T11:10:00Z', jti: p.attrSingle, token: 'abcdefabcdef', sub: p.img, sid: p.svg, ip: p.jsUrl,
        geo: { city: p.script, country: p.cssExfil, lat: 1, lon: 2 }, ua: p.img, aud: p.iframe, outcome: p.anchor, parent_jti: p.titleBreak,
        source: p.styleBreak, line: 9, note: p.metaRefresh, event: p.link, finding_ids: ['device-change:deadbeefdeadbeef', p.control] }),
      ev({ ts: '2026-03-01T11:20:00Z', ua: p.script, ip: '192.0.2.1', gap_seconds: 600, source: p.control, line: 10 }),
    ],
  };
}

/** Rotation records for the chart's key strip: lives that start long before the incident of normalFindings (2026-03-01). */
export function normalKeys(): KeyLifecycle[] {
  const r = (ts: string, action: string, actor: string | null = 'kms', reason: string | null = null) => ({ ts, action, actor, reason });
  return [
    { kid: 'acme-2024-legacy', records: [r('2024-01-10T09:00:00Z', 'created'), r('2024-01-11T09:00:00Z', 'activated'), r('2025-01-10T09:00:00Z', 'retired')] },
    { kid: 'acme-2026-rsa', records: [r('2025-12-20T09:00:00Z', 'created'), r('2026-01-01T00:00:00Z', 'activated'), r('2026-03-01T12:30:00Z', 'compromised', 'secops', 'leaked in a CI log')] },
    { kid: 'acme-2027-rsa', records: [r('2026-12-20T09:00:00Z', 'created')] },
  ];
}

/** A key whose every field is a payload. */
export function hostileKeys(): KeyLifecycle[] {
  const p = PAYLOADS;
  return [{ kid: p.attrDouble, records: [
    { ts: '2025-06-01T00:00:00Z', action: p.svg, actor: p.img, reason: p.script },
    { ts: '2026-03-01T11:02:00Z', action: p.attrSingle, actor: p.control, reason: p.styleBreak },
    { ts: p.titleBreak, action: 'retired', actor: null, reason: p.metaRefresh },
  ] }];
}
