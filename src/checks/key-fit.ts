// Which key types an alg can be used with, in SQL over a token `t` and a key `k` (mirrors keyFitsAlg in
// src/jwt/verify.ts): the keys a kid-less token's verification tried, and an alg that cannot belong to its key.
export const keyFitsAlgSql = (t = 't', k = 'k'): string => `CASE
  WHEN ${t}.alg IN ('HS256', 'HS384', 'HS512') THEN ${k}.kty = 'oct'
  WHEN ${t}.alg IN ('RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512') THEN ${k}.kty = 'RSA'
  WHEN ${t}.alg = 'ES256' THEN ${k}.kty = 'EC' AND ${k}.crv = 'P-256'
  WHEN ${t}.alg = 'ES384' THEN ${k}.kty = 'EC' AND ${k}.crv = 'P-384'
  WHEN ${t}.alg = 'ES512' THEN ${k}.kty = 'EC' AND ${k}.crv = 'P-521'
  WHEN ${t}.alg IN ('EdDSA', 'Ed25519') THEN ${k}.kty = 'OKP' AND ${k}.crv IN ('Ed25519', 'Ed448')
  ELSE true END`;
