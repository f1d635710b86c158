import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boxBoundKm, boxBoundKmSql, haversineKm, haversineSql, impliedSpeedKmh } from '../../src/geo/distance.js';
import { Store } from '../../src/store/db.js';

const LONDON = { lat: 51.5142, lon: -0.0931 };
const SYDNEY = { lat: -33.8688, lon: 151.2093 };
const PARIS = { lat: 48.8566, lon: 2.3522 };
const point = fc.record({ lat: fc.double({ min: -90, max: 90, noNaN: true }), lon: fc.double({ min: -180, max: 180, noNaN: true }) });

describe('haversine', () => {
  it('knows a few real distances', () => {
    expect(haversineKm(LONDON, PARIS)).toBeCloseTo(343, -1);
    expect(haversineKm(LONDON, SYDNEY)).toBeCloseTo(16_990, -2);
    expect(haversineKm(LONDON, LONDON)).toBe(0);
    expect(haversineKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6371.0088, 3); // antipodes
  });

  it('is symmetric and never above half the circumference', () => {
    fc.assert(fc.property(point, point, (a, b) => {
      const d = haversineKm(a, b);
      expect(d).toBeCloseTo(haversineKm(b, a), 6);
      expect(d).toBeLessThanOrEqual(Math.PI * 6371.0088 + 1e-6);
    }));
  });

  it('the box bound is never below the true distance (so skipping small boxes never loses a hop)', () => {
    fc.assert(fc.property(point, point, (a, b) => {
      const bound = boxBoundKm(Math.abs(a.lat - b.lat), Math.abs(a.lon - b.lon));
      // haversine is ill-conditioned near antipodes (asin close to 1): allow metres of rounding
      expect(haversineKm(a, b)).toBeLessThanOrEqual(bound + 0.01);
    }));
  });

  it('the SQL twins agree with the functions', async () => {
    const pairs = fc.sample(fc.tuple(point, point), 200);
    const store = await Store.open(':memory:');
    try {
      const rows = await store.all<{ d: number; b: number }>(
        `SELECT ${haversineSql('p[1]', 'p[2]', 'p[3]', 'p[4]')} AS d, ${boxBoundKmSql('abs(p[1] - p[3])', 'abs(p[2] - p[4])')} AS b
         FROM (SELECT unnest($pairs::DOUBLE[][]) AS p)`,
        { pairs: JSON.stringify(pairs.map(([a, b]) => [a.lat, a.lon, b.lat, b.lon])) },
      );
      rows.forEach((r, i) => {
        const [a, b] = pairs[i]!;
        expect(r.d).toBeCloseTo(haversineKm(a, b), 2); // libm differences, amplified near antipodes
        expect(r.b).toBeCloseTo(boxBoundKm(Math.abs(a.lat - b.lat), Math.abs(a.lon - b.lon)), 6);
      });
    } finally {
      store.close();
    }
  });
});

describe('impliedSpeedKmh', () => {
  it('is infinite for two places at one instant, zero for no distance', () => {
    expect(impliedSpeedKmh(640, 0)).toBe(Infinity);
    expect(impliedSpeedKmh(0, 0)).toBe(0);
    expect(impliedSpeedKmh(900, 3600)).toBe(900);
  });
});
