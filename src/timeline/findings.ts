// The findings that touch a story, read from the store's `findings` table (filled by `check` / `investigate`):
// a timeline shows what the checks concluded, it does not re-run them.
import type { Finding } from '../findings/finding.js';
import type { Store } from '../store/db.js';
import { countFindings, findingsTouching } from '../store/findings.js';
import { anyRun } from '../store/runs.js';
import type { RawLine } from './lines.js';
import type { Identities } from './related.js';

export interface TouchingFindings {
  findings: Finding[];
  /** false when no check has run on the store yet (a run that found nothing counts; so do findings without a run) */
  checksRun: boolean;
}

export const refOf = (source: string, line: number | null): string => `${source}#${line ?? ''}`;

export async function touchingFindings(store: Store, ids: Identities, lines: readonly RawLine[], querySub: string | null): Promise<TouchingFindings> {
  // no findings: none touch the story, and whether any check ran is the runs' to say (one that found nothing left none)
  if ((await countFindings(store)) === 0) return { findings: [], checksRun: await anyRun(store) };
  const refs = lines.filter((l) => l.kind === 'event').map((l) => refOf(l.source, l.line));
  const findings = await findingsTouching(store, {
    tokens: ids.tokens, jtis: ids.jtis, subs: ids.subs, kids: ids.kids, querySub, refs,
  });
  return { findings, checksRun: true };
}
