// Grouping near-identical findings: same check, severity and reason (the title with its varying numbers and quoted
// values masked); a group whose titles differ is shown by its check's title; the first few values, then a count.
import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../src/findings/finding.js';
import { firstFew, groupFindings, reasonOf } from '../../src/report/group-findings.js';

const f = (over: Partial<Finding> & { check: string; severity: Severity; title: string }): Finding => ({
  id: `${over.check}:${Math.random().toString(16).slice(2, 18).padEnd(16, '0')}`, jti: null, sub: null, kid: null, token: null,
  first_seen: null, last_seen: null, events: [], evidence: {}, remediation: '', ...over,
});

describe('groupFindings', () => {
  it('groups by check, severity and reason, keeps report order, and counts', () => {
    const findings = [
      f({ check: 'weak-secret', severity: 'high', title: 'secret (builtin list entry 3, 6 bytes)', token: 'aaa', sub: 'u1', first_seen: '2026-03-14T11:00:04Z' }),
      f({ check: 'weak-secret', severity: 'high', title: 'secret (builtin list entry 17, 10 bytes)', token: 'bbb', sub: 'u1', first_seen: '2026-03-14T11:00:01Z' }),
      f({ check: 'weak-secret', severity: 'critical', title: 'secret (builtin list entry 4, 0 bytes)', token: 'ccc' }),
      f({ check: 'bad-signature', severity: 'low', title: 'Signature does not verify with key k1', token: 'ddd' }),
      f({ check: 'bad-signature', severity: 'low', title: 'Signature does not verify with key k2', token: 'eee' }),
      f({ check: 'bad-signature', severity: 'low', title: 'Signature does not verify with key k1', token: 'fff' }),
    ];
    const groups = groupFindings(findings, (c) => (c === 'weak-secret' ? 'Weak secret' : undefined));
    expect(groups.map((g) => [g.check, g.severity, g.findings.length, g.title])).toEqual([
      ['weak-secret', 'high', 2, 'Weak secret'],
      ['weak-secret', 'critical', 1, 'secret (builtin list entry 4, 0 bytes)'],
      ['bad-signature', 'low', 2, 'Signature does not verify with key k1'],
      ['bad-signature', 'low', 1, 'Signature does not verify with key k2'],
    ]);
    expect(groups[0]!.tokens).toEqual(['aaa', 'bbb']);
    expect(groups[0]!.subs).toEqual(['u1']);
    expect(groups[0]!.first_seen).toBe('2026-03-14T11:00:01Z');
  });

  it('masks numbers and quoted values, nothing else', () => {
    expect(reasonOf('kid "acme-2024-old" is not in the key registry (1 token(s), 1 accepted use(s))'))
      .toBe('kid "…" is not in the key registry (# token(s), # accepted use(s))');
    expect(reasonOf('Burst of 30 failures on IP 175.16.199.23')).toBe('Burst of # failures on IP 175.16.199.23');
    expect(reasonOf('Signature does not verify with key acme-2026-rsa')).toBe('Signature does not verify with key acme-2026-rsa');
    expect(reasonOf('one token in London and Sydney 31.5 min apart')).toBe('one token in London and Sydney # min apart');
  });

  it('shows the first three and "… and N more", never "… and 1 more"', () => {
    expect(firstFew(['a', 'b', 'c', 'd'])).toEqual(['a', 'b', 'c', 'd']);
    expect(firstFew(['a', 'b', 'c', 'd', 'e'])).toEqual(['a', 'b', 'c', '… and 2 more']);
    expect(firstFew(Array.from({ length: 30 }, (_v, i) => `t${i}`))).toEqual(['t0', 't1', 't2', '… and 27 more']);
  });
});
