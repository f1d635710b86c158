// The findings that touch a story, read from the store's `findings` table (filled by `check` / `investigate`):
// a timeline shows what the checks concluded, it does not re-run them.
import type { Finding } from '../findings/finding.js';
import type { Store } from '../store/db.js';
import { countFindings, findingsTouching } from '../store/findings.js';
import type { RawLine } from './lines.js';
import type { Identities } from './related.js';

export interface TouchingFindings {
  findings: Finding[];
  /** false when the store holds no findings at all: no check has run yet */
  checksRun: boolean;
}

export const refOf = (source: string, line: number | null): string => `${source}#${line ?? ''}`;

export async function touchingFindings(store: Store, ids: Identities, lines: readonly RawLine[], querySub: string | null): Promise<TouchingFindings> {
  if ((await countFindings(store)) === 0) return { findings: [], checksRun: false };
  const refs = lines.filter((l) => l.kind === 'event').map((l) => refOf(l.source, l.line));
  const findings = await findingsTouching(store, {
    tokens: ids.tokens, jtis: ids.jtis, subs: ids.subs, kids: ids.kids, querySub, refs,
  });
  return { findings, checksRun: true };
}
