import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { ipsInNetworks, networkMatcher, splitTrusted } from '../../src/geo/networks.js';

describe('trusted networks', () => {
  it('matches IPv4 and IPv6 CIDRs and bare addresses', () => {
    const inside = networkMatcher(['198.18.0.0/15', '2001:db8::/32', '203.0.113.7']);
    expect(inside('198.19.255.1')).toBe(true);
    expect(inside('198.20.0.1')).toBe(false);
    expect(inside('2001:db8:1::5')).toBe(true);
    expect(inside('2001:db9::5')).toBe(false);
    expect(inside('203.0.113.7')).toBe(true);
    expect(inside('203.0.113.8')).toBe(false);
    expect(inside('not-an-ip')).toBe(false);
  });

  it('filters a list, and an empty policy matches nothing', () => {
    expect(ipsInNetworks(['10.1.2.3', '81.2.69.142'], ['10.0.0.0/8'])).toEqual(['10.1.2.3']);
    expect(ipsInNetworks(['10.1.2.3'], [])).toEqual([]);
  });

  it('names a bad CIDR', () => {
    expect(() => networkMatcher(['10.0.0.0/33'])).toThrow(InputError);
    expect(() => networkMatcher(['vpn.example/8'])).toThrow(/vpn\.example\/8/);
  });

  it('tells autonomous systems (AS13335, any case) from CIDRs', () => {
    expect(splitTrusted(['10.0.0.0/8', 'AS13335', 'as209', ' AS7018 ', '2001:db8::/32'])).toEqual({
      cidrs: ['10.0.0.0/8', '2001:db8::/32'],
      asns: [13335, 209, 7018],
    });
    expect(() => networkMatcher(splitTrusted(['ASX1']).cidrs)).toThrow(/or an ASN \(e\.g\. AS13335\)/);
  });
});
