// --include-raw on a weak-secret finding: the secret it names by list and entry is shown (a shipped entry, or the
// line of the user's list); one that was the token's own claim is not repeated; other findings are untouched.
import { describe, expect, it } from 'vitest';
import { withRawSecrets } from '../../src/app/raw-secrets.js';
import { WEAK_SECRETS } from '../../src/checks/weak-secrets/list.js';
import type { Finding } from '../../src/findings/finding.js';
import { tempFile } from '../helpers/tmp.js';

const finding = (check: string, evidence: Record<string, unknown>): Finding =>
  ({ id: 'x', check, severity: 'high', title: 't', jti: null, sub: null, kid: null, token: null, first_seen: null, last_seen: null,
    events: [], evidence, remediation: 'r' }) as unknown as Finding;

describe('withRawSecrets', () => {
  it('adds the secret a weak-secret finding names, and nothing else', () => {
    const list = tempFile('mine.txt', 'first\r\nhunter2\n');
    const out = withRawSecrets([
      finding('weak-secret', { secret_list: 'builtin', secret_entry: 0 }),
      finding('weak-secret', { secret_list: list, secret_entry: 1 }),
      finding('weak-secret', { secret_list: 'token-claims', secret_entry: 'iss' }),
      finding('weak-secret', { secret_list: '/nonexistent/list.txt', secret_entry: 0 }),
      finding('weak-key', { secret_list: 'builtin', secret_entry: 0 }),
    ]);
    expect(out.map((f) => f.evidence.secret)).toEqual([WEAK_SECRETS[0], 'hunter2', undefined, undefined, undefined]);
  });

  it('shows a secret that is not UTF-8 as its bytes, as the check tried them', () => {
    const list = tempFile('latin1.txt', Buffer.from([0x61, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const [f] = withRawSecrets([finding('weak-secret', { secret_list: list, secret_entry: 1 })]);
    expect([f!.evidence.secret, f!.evidence.secret_base64]).toEqual([undefined, Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString('base64')]);
  });
});
