// Seeded randomness for the generators: the same seed always yields the same fixture, byte for byte
// (apart from ECDSA/PSS signatures, which are randomised by the algorithms themselves).

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for test data (not for anything secret). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [lo, hi], both ends included. */
export const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

export function pick<T>(rng: Rng, xs: readonly T[]): T {
  const x = xs[Math.floor(rng() * xs.length)];
  if (x === undefined) throw new Error('pick from an empty list');
  return x;
}

export function hex(rng: Rng, digits: number): string {
  let s = '';
  while (s.length < digits) s += Math.floor(rng() * 0x10000).toString(16).padStart(4, '0');
  return s.slice(0, digits);
}

/** A UUID-shaped (v4 layout) id: what most issuers put in `jti`. */
export function uuid(rng: Rng): string {
  const h = hex(rng, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[int(rng, 0, 3)]}${h.slice(17, 20)}-${h.slice(20)}`;
}
