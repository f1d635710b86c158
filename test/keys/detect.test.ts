import { describe, expect, it } from 'vitest';
import { looksLikeJwks, looksLikePem } from '../../src/keys/detect.js';
import { fixtureText } from './fixtures.js';

describe('looksLikePem', () => {
  it('spots a BEGIN line anywhere, even indented', () => {
    expect(looksLikePem(fixtureText('generated/cert-rsa.pem'))).toBe(true);
    expect(looksLikePem('notes first\n  -----BEGIN PUBLIC KEY-----\nMCow\n')).toBe(true);
  });

  it('ignores BEGIN text that does not open a line', () => {
    expect(looksLikePem('see -----BEGIN PUBLIC KEY----- in the docs')).toBe(false);
    expect(looksLikePem('{"keys":[]}')).toBe(false);
  });
});

describe('looksLikeJwks', () => {
  it('accepts a keys array or a single JWK, with a byte-order mark too', () => {
    expect(looksLikeJwks(fixtureText('jwt-cli/public_rsa_jwks.json'))).toBe(true);
    expect(looksLikeJwks('{"keys":[]}')).toBe(true);
    expect(looksLikeJwks('\uFEFF{"kty":"oct","k":"AAAA"}')).toBe(true);
  });

  it('refuses other JSON and non-JSON', () => {
    for (const text of ['{"keys":{}}', '{"kty":1}', '[{"kty":"oct"}]', 'null', '{"ts":1,"event":"use"}', '{broken', '']) {
      expect(looksLikeJwks(text)).toBe(false);
    }
  });
});
