// The key registry as the verifier needs it: every key in the store, as KeyRecords.
import type { KeyRecord } from '../types.js';
import type { Store } from './db.js';

export interface KeyRow {
  kid: string;
  thumbprint: string;
  kid_source: KeyRecord['kidSource'];
  kty: string;
  alg: string | null;
  use: string | null;
  crv: string | null;
  bits: number | null;
  jwk: string;
  is_secret: boolean;
  x509: string | null;
  idx: number;
}

export async function loadKeys(store: Store): Promise<KeyRecord[]> {
  const rows = await store.all<KeyRow>(`SELECT * FROM keys ORDER BY source_id, idx`);
  return rows.map(keyFromRow);
}

export function keyFromRow(r: KeyRow): KeyRecord {
  return {
    kid: r.kid,
    kidSource: r.kid_source,
    kty: r.kty,
    alg: r.alg,
    use: r.use,
    crv: r.crv,
    bits: r.bits,
    thumbprint: r.thumbprint,
    jwk: JSON.parse(r.jwk),
    isSecret: r.is_secret,
    x509: r.x509 ? JSON.parse(r.x509) : null,
    index: r.idx,
  };
}
