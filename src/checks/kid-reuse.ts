import { decodeToken } from '../jwt/decode.js';
import { verifyTokens } from '../jwt/verify.js';
import { keyFromRow } from '../store/key-registry.js';
import { columns, listOf, struct, typedRows, type RowOf } from '../store/rows.js';
import type { KeyRecord } from '../types.js';
import type { Check, CheckContext, FindingDraft } from './check.js';
import { describe, ladder, severityOf } from './ladder.js';

const LADDER = ladder<{ signing: number }>(
  { severity: 'high', when: 'when tokens in the evidence verify with two or more of the materials', test: (k) => k.signing >= 2 },
  { severity: 'medium', when: 'otherwise', test: () => true },
);

// The store records which kid verified a token, not which material: for a kid on several keys, the tokens it
// verified are re-verified against each material (once per distinct token and key, never per event).
const SQL = `
WITH reused AS (SELECT kid FROM keys GROUP BY kid HAVING count(DISTINCT thumbprint) > 1)
SELECT r.kid,
  (SELECT list({'thumbprint': k.thumbprint, 'kid_source': k.kid_source, 'kty': k.kty, 'alg': k.alg, 'use': k.use, 'crv': k.crv,
     'bits': k.bits, 'jwk': k.jwk::VARCHAR, 'is_secret': k.is_secret, 'idx': k.idx, 'source': s.path, 'source_sha': s.sha256}
     ORDER BY k.source_id, k.idx)
   FROM keys k JOIN sources s ON s.id = k.source_id WHERE k.kid = r.kid) AS materials,
  (SELECT coalesce(list(t.raw ORDER BY t.sha256), []) FROM tokens t WHERE t.sig_status = 'valid' AND t.sig_kid = r.kid) AS tokens,
  (SELECT {'first': iso(min(e.ts)), 'last': iso(max(e.ts))} FROM uses e JOIN tokens t ON t.sha256 = e.used_sha
   WHERE t.sig_status = 'valid' AND t.sig_kid = r.kid) AS seen
FROM reused r ORDER BY r.kid`;

/** Each key row of the reused kid, with the file it came from; `seen` is the first and last use of the tokens it verified. */
const COLUMNS = columns({
  kid: 'text',
  materials: listOf({
    thumbprint: 'text', kid_source: 'text', kty: 'text', alg: 'text?', use: 'text?', crv: 'text?', bits: 'int?', jwk: 'text',
    is_secret: 'bool', idx: 'int', source: 'text', source_sha: 'text',
  }),
  tokens: 'text[]',
  seen: struct({ first: 'text?', last: 'text?' }),
});
type Material = RowOf<typeof COLUMNS>['materials'][number];

function keyRecord(kid: string, m: Material): KeyRecord {
  // kid_source is one of KeyRecord's kinds: the store only ever holds what ingest wrote there
  return keyFromRow({ ...m, kid, kid_source: m.kid_source as KeyRecord['kidSource'], x509: null });
}

async function verifiedBy(kid: string, m: Material, raws: readonly string[]): Promise<number> {
  if (raws.length === 0) return 0;
  const results = await verifyTokens(raws.map((r) => decodeToken(r)), [keyRecord(kid, m)]);
  return [...results.values()].filter((v) => v.status === 'valid').length;
}

async function run({ store }: CheckContext): Promise<FindingDraft[]> {
  const rows = await typedRows(store, 'kid-reuse', COLUMNS, SQL);
  const drafts: FindingDraft[] = [];
  for (const row of rows) {
    const counts = await Promise.all(row.materials.map((m) => verifiedBy(row.kid, m, row.tokens)));
    const materials = row.materials.map((m, i) => ({
      // an oct thumbprint is a hash of the secret (a brute-force oracle): secrets are named by kty and bits only
      thumbprint: m.is_secret ? undefined : m.thumbprint,
      kty: m.kty,
      alg: m.alg ?? undefined,
      bits: m.bits,
      source: m.source,
      tokens_verified: counts[i]!,
    }));
    const signing = counts.filter((n) => n > 0).length;
    drafts.push({
      key: [row.kid],
      severity: severityOf(LADDER, { signing })!,
      kid: row.kid,
      first_seen: row.seen.first,
      last_seen: row.seen.last,
      evidence: { kid: row.kid, materials_count: materials.length, materials_signing: signing, materials },
    });
  }
  return drafts;
}

export const kidReuse: Check = {
  id: 'kid-reuse',
  title: 'One kid on different key material',
  description: describe(
    'A kid that names more than one key (same kid, different RFC 7638 thumbprint), e.g. a key rotated without a new kid. ' +
      'Verifiers that cache keys by kid then check tokens against the wrong key, and an attacker who plants material under a ' +
      'trusted kid is accepted.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'keys', needs: ['keys'] },
  remediation:
    'Give every key its own kid (a thumbprint-derived kid avoids collisions), remove the stale or planted material from the ' +
    'JWKS, and find out who published the second key; review the tokens each material verified.',
  scope: 'keys',
  run,
};
