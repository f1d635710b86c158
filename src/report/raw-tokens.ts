// For --include-raw only: the raw tokens the findings name, from the store's `tokens` table.
import type { Finding } from '../findings/finding.js';
import type { Store } from '../store/db.js';

/**
 * --include-raw: each finding that names a token gets its compact form as `evidence.raw_token`. Only tokens:
 * key material (oct secrets included) is never copied into a report, whatever the option.
 */
export async function withRawTokens(store: Store, findings: readonly Finding[]): Promise<Finding[]> {
  const fingerprints = [...new Set(findings.map((f) => f.token).filter((t): t is string => t !== null))];
  if (fingerprints.length === 0) return [...findings];
  // A 48-bit fingerprint shared by two tokens is astronomically unlikely; if it happens, the lowest sha256 wins.
  const rows = await store.json<{ fingerprint: string; raw: string }>(
    `SELECT fingerprint, arg_min(raw, sha256) AS raw FROM tokens
     WHERE list_contains($fps::VARCHAR[], fingerprint) GROUP BY fingerprint`,
    { fps: JSON.stringify(fingerprints) },
  );
  const raw = new Map(rows.map((r) => [r.fingerprint, r.raw]));
  return findings.map((f) => {
    const token = f.token ? raw.get(f.token) : undefined;
    return token ? { ...f, evidence: { ...f.evidence, raw_token: token } } : f;
  });
}
