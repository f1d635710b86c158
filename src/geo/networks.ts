// Trusted networks (VPN egress, corporate proxies, privacy relays): their geo says where the exit node is, not
// the person, so travel checks leave them out. A network is a CIDR or an autonomous system ("AS13335", matched
// against the --asn lookup in SQL). CIDR matching for IPv4 and IPv6 uses node's BlockList, applied once per
// distinct IP address, never per event.
import { BlockList, isIP } from 'node:net';
import { InputError } from '../errors.js';

/** A matcher for CIDR strings ("10.0.0.0/8", "2001:db8::/32"; a bare address is a /32 or /128). */
export function networkMatcher(cidrs: readonly string[], where = 'policy impossible_travel.trusted_networks'): (ip: string) => boolean {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [addr = '', bits] = cidr.trim().split('/');
    const family = isIP(addr);
    const max = family === 6 ? 128 : 32;
    const prefix = bits === undefined ? max : Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new InputError(`${where}: '${cidr}' is not a CIDR network (e.g. 10.0.0.0/8 or 2001:db8::/32) or an ASN (e.g. AS13335)`);
    }
    list.addSubnet(addr, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return (ip) => {
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** The addresses among `ips` that fall in any of `cidrs`. */
export function ipsInNetworks(ips: readonly string[], cidrs: readonly string[]): string[] {
  if (!cidrs.length) return [];
  const inside = networkMatcher(cidrs);
  return ips.filter(inside);
}

const ASN = /^AS(\d{1,10})$/i;

/** A trusted_networks list split into CIDRs and AS numbers ("AS13335", any letter case). */
export function splitTrusted(entries: readonly string[]): { cidrs: string[]; asns: number[] } {
  const cidrs: string[] = [];
  const asns: number[] = [];
  for (const entry of entries) {
    const asn = ASN.exec(entry.trim());
    if (asn) asns.push(Number(asn[1]));
    else cidrs.push(entry);
  }
  return { cidrs, asns };
}

/**
 * The network an address belongs to, for telling "the same network" from "another one": its IPv4 /24 or IPv6 /48
 * (the usual allocation to one site), as "81.2.69.0/24" or "2a02:6b8:0::/48"; an IPv4-mapped IPv6 address is read as
 * IPv4. Null for what is not an IP address.
 */
export function networkOf(ip: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip.trim());
  const addr = mapped ? mapped[1]! : ip.trim();
  const family = isIP(addr);
  if (family === 4) return `${addr.split('.').slice(0, 3).join('.')}.0/24`;
  if (family !== 6) return null;
  const [head = '', tail] = addr.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 3).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/48`;
}

/** policy.internal_networks as a matcher, each distinct IP matched once: a service of ours relaying tokens is no stranger. */
export function internalNetworks(cidrs: readonly string[]): (ip: string) => boolean {
  const inside = networkMatcher(cidrs, 'policy internal_networks');
  const memo = new Map<string, boolean>();
  return (ip) => {
    let v = memo.get(ip);
    if (v === undefined) memo.set(ip, (v = inside(ip)));
    return v;
  };
}
