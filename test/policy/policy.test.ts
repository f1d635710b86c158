import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, loadPolicy, mergePolicy } from '../../src/policy/policy.js';
import { tempFile } from '../helpers/tmp.js';

describe('policy', () => {
  it('defaults when no file is given', () => {
    expect(loadPolicy(undefined)).toEqual(DEFAULT_POLICY);
    expect(DEFAULT_POLICY.clock_skew_seconds).toBe(60);
    expect(DEFAULT_POLICY.max_lifetime_seconds).toEqual({ access: 86_400, id: 86_400, refresh: 7_776_000, offline: 7_776_000, other: 86_400 });
    expect(DEFAULT_POLICY.key_max_age_days).toBe(365);
  });

  it('overrides only what the file sets, nested keys included', () => {
    const p = mergePolicy({ clock_skew_seconds: 5, max_lifetime_seconds: { access: 900 }, allowed_algorithms: { 'https://a': ['RS256'] } });
    expect(p.clock_skew_seconds).toBe(5);
    expect(p.max_lifetime_seconds).toEqual({ ...DEFAULT_POLICY.max_lifetime_seconds, access: 900 });
    expect(p.allowed_algorithms).toEqual({ 'https://a': ['RS256'] });
    expect(DEFAULT_POLICY.max_lifetime_seconds.access).toBe(86_400);
  });

  it('names the key that is wrong', () => {
    expect(() => mergePolicy({ clock_skew: 5 })).toThrow(/unknown policy key 'clock_skew'/);
    expect(() => mergePolicy({ clock_skew_seconds: '60' })).toThrow(/clock_skew_seconds must be a non-negative number/);
    expect(() => mergePolicy({ max_lifetime_seconds: { acess: 1 } })).toThrow(/unknown key 'acess'/);
    expect(() => mergePolicy({ trusted_issuers: 'x' })).toThrow(/trusted_issuers must be an array of strings/);
    expect(() => mergePolicy([])).toThrow(/must be a JSON object/);
  });

  it('reads min_app_version as a string or {version, from}, and per-audience skews as numbers', () => {
    expect(mergePolicy({ min_app_version: '4.2.0' }).min_app_version).toBe('4.2.0');
    expect(mergePolicy({ min_app_version: { version: '4.2.0', from: '2026-03-12T00:00:00Z' } }).min_app_version)
      .toEqual({ version: '4.2.0', from: '2026-03-12T00:00:00Z' });
    expect(() => mergePolicy({ min_app_version: { version: '4.2.0', from: 'soon' } })).toThrow(/min_app_version.from must be an ISO-8601 time/);
    expect(() => mergePolicy({ min_app_version: { version: '4.2.0', when: 'x' } })).toThrow(/unknown key 'when'/);
    expect(() => mergePolicy({ min_app_version: 4 })).toThrow(/min_app_version must be a version string/);
    expect(mergePolicy({ verifier_skew_by_audience: { 'https://api': 600 } }).verifier_skew_by_audience).toEqual({ 'https://api': 600 });
    expect(() => mergePolicy({ verifier_skew_by_audience: { 'https://api': '600' } })).toThrow(/verifier_skew_by_audience.https:\/\/api must be a non-negative number/);
    expect(() => mergePolicy({ allowed_algorithms: { x: 5 } })).toThrow(/allowed_algorithms.x must be an array of strings/);
  });

  it('every key is documented in the README with its default', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const documented = new Set([...readme.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]));
    expect(Object.keys(DEFAULT_POLICY).filter((k) => !documented.has(k))).toEqual([]);
  });

  it('gives a clear message for a file that is not JSON', () => {
    const path = tempFile('policy.json', '{ nope');
    expect(() => loadPolicy(path)).toThrow(new RegExp(`${path}: cannot read the policy`));
  });
});
