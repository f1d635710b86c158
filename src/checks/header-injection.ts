// Header parameters that make a naive verifier fetch or trust attacker-chosen keys (jwk, jku, x5u, x5c), kids that
// carry path, SQL or shell payloads for a key lookup, and `crit` misuse. Nothing named in a header is ever fetched.
import { excerpt } from '../util/sanitize.js';
import { columns, struct, type RowOf } from '../store/rows.js';
import { defineCheck } from './check.js';
import { TOKEN_USAGE_COLUMNS, severityByAcceptance, tokenDraft, tokensWithUsage } from './token-usage.js';
import { acceptanceLevels, byAcceptance, describe, type LadderCase, FORGERY_LEVELS } from './ladder.js';

// A signature the registry verified means the header did no harm (yet); an unverified one the server accepted means the
// verifier trusted the header. Tokens never checked because of an unsupported `crit` alone: one step lower.
const VERIFIED: LadderCase = { name: 'a signature the registry verified', rungs: [{ severity: 'low', when: '' }] };
const CRIT_ONLY: LadderCase = {
  name: 'only a malformed or unknown `crit`, on a token never verified because of it',
  rungs: byAcceptance({ accepted: 'high', unknown: 'medium', unused: 'medium', rejected: 'low' }),
};
const UNVERIFIED: LadderCase = {
  name: 'any other flag, when the registry did not verify the signature',
  rungs: byAcceptance(FORGERY_LEVELS),
};
const LADDER = [VERIFIED, CRIT_ONLY, UNVERIFIED];

// SQL syntax, not SQL words: kids such as `key-update-1`, `select-2024` or `drop-zone` are ordinary names. A comment
// marker (`--`, `/*`, `#` after a quote, paren or space), a statement separator, a quote followed by SQL, UNION …
// SELECT and SELECT … FROM with whitespace (or comments) between them, an OR/AND tautology (`or 1=1`, `' or 'a'='a`)
// and the time-based blind probes (sleep(…), benchmark(…), waitfor delay).
const KID_SQL = [
  `--(\\s|$)`,
  `/\\*`,
  `(['")]|\\s)#`,
  `;`,
  `['"]\\s*\\)*\\s*(or|and|union|select|insert|update|delete|drop|exec)\\b`,
  `\\bunion(\\s|/\\*.*?\\*/)+(all(\\s|/\\*.*?\\*/)+)?select\\b`,
  `\\bselect(\\s|/\\*.*?\\*/)+.+(\\s|/\\*.*?\\*/)from\\b`,
  `\\b(or|and)\\s+['"(]*\\w+['")]*\\s*(=|<>|!=|\\blike\\b)`,
  `\\b(or|and)\\s+(true|false|not)\\b`,
  `\\b(sleep|benchmark|pg_sleep)\\s*\\(`,
  `\\bwaitfor\\s+delay\\b`,
].join('|');

// kid rules. A `/` is normal inside an http(s) URL kid (some IdPs use the key URL as kid), so only `..` segments,
// encoded separators, backslashes, absolute paths and `/` in non-URL kids count as path characters.
const KID_RULES: [string, string][] = [
  ['kid-path-traversal', `(^|[/\\\\])\\.\\.([/\\\\]|$)|%2e|%2f|%5c|\\\\|^/|^[a-z]:|^file:|^~`],
  ['kid-quote', `['"]`],
  ['kid-sql', KID_SQL],
  ['kid-shell', '[|&;<>`]|\\$[({]'],
  ['kid-control-character', `[[:cntrl:]]`],
];

const kidFlags = KID_RULES.map(([flag, re]) => `CASE WHEN regexp_matches(t.kid, '${re.replace(/'/g, "''")}', 'i') THEN '${flag}' END`);

const FLAGS = `list_filter([
  CASE WHEN (t.header->'jwk') IS NOT NULL THEN 'embedded-jwk' END,
  CASE WHEN (t.header->'jku') IS NOT NULL THEN 'jku' END,
  CASE WHEN (t.header->'x5u') IS NOT NULL THEN 'x5u' END,
  CASE WHEN (t.header->'x5c') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM keys k
    WHERE (k.x509->>'sha256') = try(sha256(from_base64(t.header->>'$.x5c[0]'))) OR (k.jwk->>'$.x5c[0]') = (t.header->>'$.x5c[0]'))
    THEN 'x5c-not-in-registry' END,
  CASE WHEN (t.header->'kid') IS NOT NULL AND json_type(t.header->'kid') <> 'VARCHAR' THEN 'kid-not-a-string' END,
  CASE WHEN contains(t.kid, '/') AND NOT regexp_matches(t.kid, '^https?://[^/\\\\]+(/|$)', 'i') THEN 'kid-path-traversal' END,
  ${kidFlags.join(',\n  ')},
  CASE WHEN (t.header->'crit') IS NOT NULL AND (json_type(t.header->'crit') <> 'ARRAY' OR json_array_length(t.header->'crit') = 0
    OR list_bool_or(list_transform(json_extract(t.header, '$.crit[*]'), lambda c: json_type(c) <> 'VARCHAR'))) THEN 'crit-malformed' END,
  CASE WHEN json_type(t.header->'crit') = 'ARRAY' AND list_bool_or(list_transform(json_extract_string(t.header, '$.crit[*]'),
    c -> c IS NOT NULL AND NOT list_contains($understood_crit::VARCHAR[], c))) THEN 'crit-unknown-extension' END
], lambda f: f IS NOT NULL)`;

const JWK_IN_REGISTRY = `EXISTS (SELECT 1 FROM keys k WHERE k.kty = (t.header->>'$.jwk.kty')
  AND coalesce(k.jwk->>'n', '') = coalesce(t.header->>'$.jwk.n', '') AND coalesce(k.jwk->>'x', '') = coalesce(t.header->>'$.jwk.x', '')
  AND coalesce(k.jwk->>'y', '') = coalesce(t.header->>'$.jwk.y', ''))`;

const SQL = `WITH flagged AS (SELECT t.sha256, ${FLAGS} AS flags, ${JWK_IN_REGISTRY} AS jwk_in_registry FROM tokens t WHERE t.decode_ok AND t.sig_status <> 'not-captured')
${tokensWithUsage(
  `t.sha256 IN (SELECT sha256 FROM flagged WHERE len(flags) > 0)`,
  `(SELECT struct_pack(flags := f.flags, jwk_in_registry := f.jwk_in_registry) FROM flagged f WHERE f.sha256 = t.sha256) AS judged`,
)}`;

// Only decoded tokens are judged: their header is never NULL.
const COLUMNS = columns({
  ...TOKEN_USAGE_COLUMNS,
  header: 'text',
  judged: struct({ flags: 'text[]', jwk_in_registry: 'bool' }),
});

/** JWS extensions we understand in `crit` (RFC 7797 b64, which the verifier supports). */
const UNDERSTOOD_CRIT = ['b64'];

const text = (v: unknown, max = 160): string | undefined => (typeof v === 'string' ? excerpt(v, max) : undefined);

/** What the header says, for the evidence: URLs and names as short sanitised excerpts, never key material. */
function headerEvidence(header: Record<string, unknown>, jwkInRegistry: boolean): Record<string, unknown> {
  const jwk = header.jwk as Record<string, unknown> | undefined;
  const x5c = header.x5c;
  return {
    kid: text(header.kid) ?? (header.kid === undefined ? undefined : JSON.stringify(header.kid).slice(0, 80)),
    kid_length: typeof header.kid === 'string' ? header.kid.length : undefined,
    jku: text(header.jku),
    x5u: text(header.x5u),
    embedded_jwk: jwk && typeof jwk === 'object' ? { kty: text(jwk.kty), crv: text(jwk.crv), kid: text(jwk.kid), in_registry: jwkInRegistry } : undefined,
    x5c_certificates: Array.isArray(x5c) ? x5c.length : x5c === undefined ? undefined : 'not an array',
    crit: Array.isArray(header.crit) ? header.crit.map((c) => text(c, 40) ?? typeof c) : header.crit === undefined ? undefined : typeof header.crit,
  };
}

function toFinding(row: RowOf<typeof COLUMNS>) {
  const judged = row.judged;
  const flags = [...new Set(judged.flags)];
  const critOnly = flags.every((f) => f.startsWith('crit-'));
  const severity =
    row.sig_status === 'valid'
      ? VERIFIED.rungs[0]!.severity!
      : severityByAcceptance(row, acceptanceLevels(critOnly && row.sig_detail === 'crit-unsupported' ? CRIT_ONLY : UNVERIFIED));
  const header = JSON.parse(row.header) as Record<string, unknown>;
  const evidence = { flags, ...headerEvidence(header, judged.jwk_in_registry), sig_status: row.sig_status, fetched: false };
  return tokenDraft(row, severity, evidence, `Header injection: ${flags.join(', ')}`);
}

export const headerInjection = defineCheck({
  id: 'header-injection',
  title: 'Header injection (embedded key, key URL, hostile kid, crit misuse)',
  description: describe(
    'A token header with an embedded `jwk`, a `jku` or `x5u` URL (recorded, never fetched), an `x5c` chain whose leaf is ' +
      'not a registry certificate, a kid that is not a string or carries path traversal, quotes, SQL syntax (comment ' +
      'markers, `;`, UNION … SELECT, `or 1=1`-style tautologies: a word such as update in `key-update-1` is not SQL), shell ' +
      'metacharacters or control characters (a `/` inside an http(s) URL kid is allowed: some IdPs use key URLs as kids), ' +
      'or `crit` that is malformed or names an extension other than b64.',
    LADDER,
  ),
  ladder: LADDER,
  coverage: { family: 'signature', needs: ['tokens'] },
  remediation:
    'Resolve keys only from the configured JWKS by exact kid; never fetch jku/x5u or trust jwk/x5c from a token, never ' +
    'use a kid in a file path, query or command, and reject tokens whose crit names an extension the verifier does not ' +
    'implement. Revoke the sessions of any accepted token whose signature the registry does not verify.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: () => ({ understood_crit: JSON.stringify(UNDERSTOOD_CRIT) }),
  toFinding,
});
