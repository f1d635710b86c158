// A fixed containment list for golden files and renderer tests: every action kind, and the hostile values a log can
// carry (markup, table pipes, a formula start, control characters) in the targets that come from logs.
import { ACTION_KINDS, type ActionKind } from '../../src/report/containment-rules.js';
import type { Containment, ContainmentAction } from '../../src/report/containment.js';

const blank: Omit<ContainmentAction, 'action' | 'target' | 'severity'> = {
  sub: null, sid: null, jti: null, tokens: [], kid: null, thumbprint: null, ip: null, client_id: null, app_version: null,
  first_seen: '2026-03-14T11:05:00Z', last_seen: '2026-03-14T11:24:40Z', until: null, checks: ['alg-none'],
  findings: ['alg-none:0123456789abcdef'], note: null,
};

export const FIXED_ACTIONS: ContainmentAction[] = [
  { ...blank, action: 'revoke-key', target: 'acme-es-1', severity: 'critical', kid: 'acme-es-1', thumbprint: '0Eq9UvWQUZL1g-yL3e7EiQ-GPwq1uJs_ZlB-P6lD5Hs', checks: ['revoked-key'] },
  { ...blank, action: 'deny-token', target: '5c2af73f-e6e8-4fc1-9ff8-ba1ec2cf589f', severity: 'critical', jti: '5c2af73f-e6e8-4fc1-9ff8-ba1ec2cf589f', tokens: ['3c23dd2dc142'], until: '2026-03-14T11:19:50Z' },
  { ...blank, action: 'revoke-session', target: '=HYPERLINK("x")|s-1', severity: 'critical', sid: '=HYPERLINK("x")|s-1', sub: 'u-1000' },
  { ...blank, action: 'revoke-subject', target: '<script>alert(1)</script>|x', severity: 'critical', sub: '<script>alert(1)</script>|x', note: 'impersonated: the subject a forged token claimed' },
  { ...blank, action: 'block-ip', target: '175.16.199.23', severity: 'critical', ip: '175.16.199.23' },
  { ...blank, action: 'review-ip', target: '81.2.69.194', severity: 'high', ip: '81.2.69.194', note: 'presented the token; the legitimate user may be among these addresses' },
  { ...blank, action: 'upgrade-client', target: 'acme-ios 5.1.0\u0007', severity: 'high', client_id: 'acme-ios', app_version: '5.1.0\u0007', checks: ['stale-client'] },
];

export function fixedContainment(): Containment {
  const counts = Object.fromEntries(ACTION_KINDS.map((k) => [k, FIXED_ACTIONS.filter((a) => a.action === k).length])) as Record<ActionKind, number>;
  return { min_severity: 'high', actions: FIXED_ACTIONS, counts, findings_considered: 3, findings_below: 2 };
}
