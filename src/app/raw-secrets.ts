// For --include-raw only: the secret a weak-secret finding found, which the finding names only by list and entry
// (src/checks/weak-secret.ts). A shipped-list entry is public knowledge; a user list's entry is read again from the
// user's file. A secret that was the token's own claim is not repeated: the raw token (--include-raw) shows it.
// Registry key material is never added, whatever the option.
import { readFileSync } from 'node:fs';
import { BUILTIN_LIST, WEAK_SECRETS } from '../checks/weak-secrets/list.js';
import type { Finding } from '../findings/finding.js';

export function withRawSecrets(findings: readonly Finding[]): Finding[] {
  const files = new Map<string, string[] | null>();
  const lineOf = (path: string, i: number): string | undefined => {
    if (!files.has(path)) {
      try {
        files.set(path, readFileSync(path, 'utf8').split('\n'));
      } catch {
        files.set(path, null); // moved or unreadable since the check ran: the finding keeps list and entry only
      }
    }
    const line = files.get(path)?.[i];
    return line === undefined ? undefined : line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  return findings.map((f) => {
    if (f.check !== 'weak-secret') return f;
    const { secret_list: list, secret_entry: entry } = f.evidence as { secret_list?: unknown; secret_entry?: unknown };
    if (typeof list !== 'string' || typeof entry !== 'number') return f;
    const secret = list === BUILTIN_LIST ? WEAK_SECRETS[entry] : lineOf(list, entry);
    return secret === undefined ? f : { ...f, evidence: { ...f.evidence, secret } };
  });
}
