// For --include-raw only: the secret a weak-secret finding found, which the finding names only by list and entry
// (src/checks/weak-secret.ts). A shipped-list entry is public knowledge; a user list's entry is read again from the
// user's file, the same way the check read it. A secret that was the token's own claim is not repeated: the raw
// token (--include-raw) shows it. Registry key material is never added, whatever the option.
import { listEntries } from '../checks/weak-secrets/list-file.js';
import { BUILTIN_LIST, WEAK_SECRETS } from '../checks/weak-secrets/list.js';
import type { Finding } from '../findings/finding.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function withRawSecrets(findings: readonly Finding[]): Finding[] {
  const files = new Map<string, Map<number, Buffer> | null>();
  const entryOf = (path: string, i: number): Buffer | undefined => {
    if (!files.has(path)) {
      try {
        files.set(path, new Map(listEntries(path).map((e) => [e.entry, e.bytes])));
      } catch {
        files.set(path, null); // moved or unreadable since the check ran: the finding keeps list and entry only
      }
    }
    return files.get(path)?.get(i);
  };
  return findings.map((f) => {
    if (f.check !== 'weak-secret') return f;
    const { secret_list: list, secret_entry: entry } = f.evidence as { secret_list?: unknown; secret_entry?: unknown };
    if (typeof list !== 'string' || typeof entry !== 'number') return f;
    if (list === BUILTIN_LIST) {
      const secret = WEAK_SECRETS[entry];
      return secret === undefined ? f : { ...f, evidence: { ...f.evidence, secret } };
    }
    const bytes = entryOf(list, entry);
    if (!bytes) return f;
    // a secret that is not UTF-8 is shown as its bytes (base64), never as text with replaced characters
    try {
      return { ...f, evidence: { ...f.evidence, secret: utf8.decode(bytes) } };
    } catch {
      return { ...f, evidence: { ...f.evidence, secret_base64: bytes.toString('base64') } };
    }
  });
}
