// HMAC tokens that name an asymmetric key, and HMAC tokens that verify when a registry *public* key is used
// as the HMAC secret (the classic RS256→HS256 confusion). jose refuses public keys as HMAC secrets, so the
// confirmation is done here with node:crypto: one query for the candidate tokens, then per distinct token × key.
import { createHmac, createPublicKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { columns, typedRows, type RowOf } from '../store/rows.js';
import type { Check, CheckContext, FindingDraft } from './check.js';
import { TOKEN_USAGE_COLUMNS, severityByAcceptance, tokenDraft, tokensWithUsage } from './token-usage.js';
import { acceptanceLevels, byAcceptance, describe, type LadderCase } from './ladder.js';

const CONFIRMED: LadderCase = {
  name: 'confirmed forgery (the HMAC verifies with a public key as the secret)',
  rungs: byAcceptance({ accepted: 'critical', unknown: 'high', unused: 'high', rejected: 'high' }),
};
const ATTEMPT: LadderCase = {
  name: 'unconfirmed (only the kid names an asymmetric key)',
  rungs: byAcceptance({ accepted: 'high', unknown: 'medium', unused: 'medium', rejected: 'medium' }),
};
const LADDER = [CONFIRMED, ATTEMPT];

const HASH: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

// Tokens a registry HMAC key verified are genuine, not forged; everything else HMAC-signed is a candidate.
const TOKENS_SQL = tokensWithUsage(
  `t.decode_ok AND upper(t.alg) IN ('HS256', 'HS384', 'HS512') AND t.sig_status <> 'valid' AND t.sig_len > 0`,
  `t.raw, (SELECT list(DISTINCT k.kty ORDER BY k.kty) FROM keys k WHERE k.kid = t.kid AND k.kty <> 'oct') AS named_asymmetric`,
);
const KEYS_SQL = `SELECT kid, thumbprint, jwk::VARCHAR AS jwk FROM keys WHERE kty <> 'oct' ORDER BY kid, thumbprint`;

// The query only returns HMAC tokens: alg is never NULL. named_asymmetric is NULL when the kid names no such key: [].
const TOKEN_COLS = columns({ ...TOKEN_USAGE_COLUMNS, alg: 'text', raw: 'text', named_asymmetric: 'text[]' });
type TokenRow = RowOf<typeof TOKEN_COLS>;
const KEY_COLS = columns({ kid: 'text', thumbprint: 'text', jwk: 'text' });

interface Secret {
  kid: string;
  thumbprint: string;
  form: string;
  bytes: Buffer;
}

const PUBLIC_MEMBERS = ['crv', 'e', 'kty', 'n', 'x', 'y'];

/** The byte strings a confused verifier could have used as the HMAC secret for one public key. */
function secretsOf(key: RowOf<typeof KEY_COLS>): Secret[] {
  const jwk = JSON.parse(key.jwk) as Record<string, unknown>;
  const core = Object.fromEntries(PUBLIC_MEMBERS.filter((m) => typeof jwk[m] === 'string').map((m) => [m, jwk[m]]));
  let pem: string;
  let der: Buffer;
  let pub: KeyObject;
  try {
    pub = createPublicKey({ key: core as never, format: 'jwk' });
    pem = pub.export({ type: 'spki', format: 'pem' }).toString();
    der = pub.export({ type: 'spki', format: 'der' });
  } catch {
    return []; // a key node cannot load cannot have been used either
  }
  const forms: [string, string | Buffer][] = [
    ['pem-spki', pem],
    ['pem-spki-no-trailing-newline', pem.trimEnd()],
    ['der-spki', der],
    ['jwk-json', JSON.stringify(jwk)],
    ['jwk-json-public-members', JSON.stringify(core)],
  ];
  // RSA keys are also published as PKCS#1 (`RSA PUBLIC KEY`), and a key that came with a certificate as the
  // certificate's PEM: a confused verifier handed either as its "key" uses those bytes as the HMAC secret.
  if (core.kty === 'RSA') {
    const pkcs1 = pub.export({ type: 'pkcs1', format: 'pem' }).toString();
    forms.push(['pem-pkcs1', pkcs1], ['pem-pkcs1-no-trailing-newline', pkcs1.trimEnd()], ['der-pkcs1', pub.export({ type: 'pkcs1', format: 'der' })]);
  }
  const cert = Array.isArray(jwk.x5c) && typeof jwk.x5c[0] === 'string' ? jwk.x5c[0] : null;
  if (cert) {
    const certPem = `-----BEGIN CERTIFICATE-----\n${(cert.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
    forms.push(['pem-certificate', certPem], ['pem-certificate-no-trailing-newline', certPem.trimEnd()], ['der-certificate', Buffer.from(cert, 'base64')]);
  }
  const base = { kid: key.kid, thumbprint: key.thumbprint };
  return forms.map(([form, v]) => ({ ...base, form, bytes: Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8') }));
}

/** The first public-key secret under which the token's HMAC verifies, if any. */
function confirm(raw: string, alg: string, secrets: readonly Secret[]): Secret | null {
  const dot = raw.lastIndexOf('.');
  const sig = Buffer.from(raw.slice(dot + 1), 'base64url');
  const input = raw.slice(0, dot);
  for (const s of secrets) {
    const mac = createHmac(HASH[alg]!, s.bytes).update(input).digest();
    if (mac.length === sig.length && timingSafeEqual(mac, sig)) return s;
  }
  return null;
}

/** What `inspect` asks of one token: the public key (kid, thumbprint, form) whose bytes its HMAC verifies with. */
export function confirmWithPublicKeys(
  raw: string, alg: string, keys: readonly { kid: string; thumbprint: string; jwk: string }[],
): { kid: string; thumbprint: string; form: string } | null {
  if (!HASH[alg.toUpperCase()]) return null;
  const match = confirm(raw, alg.toUpperCase(), keys.flatMap(secretsOf));
  return match && { kid: match.kid, thumbprint: match.thumbprint, form: match.form };
}

function draft(row: TokenRow, match: Secret | null, formsTried: number): FindingDraft | null {
  const named = row.named_asymmetric;
  if (!match && named.length === 0) return null;
  const severity = severityByAcceptance(row, acceptanceLevels(match ? CONFIRMED : ATTEMPT));
  const title = match
    ? `HMAC token forged with public key ${match.kid} as the secret (${match.form})`
    : 'HMAC-signed token names an asymmetric key (algorithm confusion attempt)';
  const evidence = {
    alg: row.alg,
    named_key_types: named,
    confirmed: match !== null,
    matched_kid: match?.kid,
    matched_key_thumbprint: match?.thumbprint,
    matched_form: match?.form,
    public_key_secrets_tried: formsTried,
    sig_status: row.sig_status,
  };
  return tokenDraft(row, severity, evidence, title);
}

async function run({ store }: CheckContext): Promise<FindingDraft[]> {
  const tokens = await typedRows(store, 'alg-confusion', TOKEN_COLS, TOKENS_SQL);
  if (tokens.length === 0) return [];
  const secrets = (await typedRows(store, 'alg-confusion', KEY_COLS, KEYS_SQL)).flatMap(secretsOf);
  return tokens
    .map((row) => draft(row, confirm(row.raw, row.alg.toUpperCase(), secrets), secrets.length))
    .filter((d): d is FindingDraft => d !== null);
}

export const algConfusion: Check = {
  id: 'alg-confusion',
  title: 'Algorithm confusion (HMAC token against an asymmetric key)',
  description: describe(
    'An HS256/384/512 token whose kid names an RSA, EC or OKP key, or whose HMAC verifies when a registry public key is ' +
      'used as the secret (tried as PEM SPKI with and without its trailing newline, DER SPKI, the JWK JSON and its public ' +
      'members; the evidence names the form that matched).',
    LADDER,
  ),
  ladder: LADDER,
  coverage: { family: 'signature', needs: ['tokens', 'keys'] },
  remediation:
    'Pin the algorithm per key in the verifier (never take `alg` from the token) and never pass a public key to an HMAC ' +
    'verify. Treat every session a confirmed forgery was accepted for as compromised; the public key needs no rotation, ' +
    'the verifier does.',
  scope: 'detection',
  run,
};
