import { describe, expect, it } from 'vitest';
import { detectKind, parseKind } from '../../src/ingest/detect-kind.js';

const b = (s: string): Buffer => Buffer.from(s);

describe('detectKind', () => {
  it('tells each input kind from content', () => {
    expect(detectKind(b('{"ts":"2026-01-01T00:00:00Z","event":"use","token":"a.b.c"}\n'))).toBe('events');
    expect(detectKind(b('{"ts":1,"kid":"k1","action":"retired"}\n'))).toBe('key-events');
    expect(detectKind(b('{"ts":1,"jti":"j1","reason":"logout"}\n'))).toBe('revocations');
    expect(detectKind(b('{"captured_at":"2026-01-01T00:00:00Z","token":"a.b.c"}\n'))).toBe('captures');
    expect(detectKind(b('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\n'))).toBe('captures-text');
    expect(detectKind(b('{\n  "keys": [\n    {"kty":"oct","k":"AAAA"}\n  ]\n}\n'))).toBe('jwks');
    expect(detectKind(b('{"keys":[]}'))).toBe('jwks');
    expect(detectKind(b('-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n'))).toBe('pem');
  });

  it('looks past a byte-order mark and a bad first line', () => {
    expect(detectKind(b('\uFEFF{"ts":1,"event":"use"}\n'))).toBe('events');
    expect(detectKind(b('{broken\n{"ts":1,"kid":"k","action":"created"}\n'))).toBe('key-events');
  });

  it('gives up on what it cannot tell', () => {
    expect(detectKind(b(''))).toBeNull();
    expect(detectKind(b('hello world, not data\n'))).toBeNull();
  });

  it('parses --kind with aliases and rejects unknown kinds', () => {
    expect(parseKind('rotation')).toBe('key-events');
    expect(parseKind('tokens')).toBe('captures');
    expect(() => parseKind('pcap')).toThrow(/--kind must be one of/);
  });
});

describe('detectKind on JSON that is not an input', () => {
  it('does not take a one-line policy or report for events', () => {
    expect(detectKind(b('{"clock_skew_seconds":30}\n'))).toBeNull();
    expect(detectKind(b('{"schema_version":1,"findings":[]}\n'))).toBeNull();
  });
});

describe('detectKind on a first line longer than the peek', () => {
  it('judges a cut-off first line by its keys', () => {
    expect(detectKind(b(`{"ts":1773482400,"event":"use","token":"${'a'.repeat(300_000)}`))).toBe('events');
  });
});
