// What a check is: data (id, title, description, remediation) plus one set-based query and the mapping from
// its rows to findings. A check that needs code (HMAC with public-key bytes, distances) supplies `run` instead.
import type { DuckDBValue } from '@duckdb/node-api';
import type { EventRef, Finding, Severity } from '../findings/finding.js';
import type { Policy } from '../policy/policy.js';
import type { Store } from '../store/db.js';
import type { Columns, RowOf } from '../store/rows.js';
import type { CoverageNeeds } from './coverage.js';
import type { Ladder } from './ladder.js';

/** What a check produces; the engine adds id, check, title (if absent) and remediation. */
export interface FindingDraft {
  /** what makes this finding unique within its check (a token sha, a kid, an IP and window …) */
  key: (string | number | null)[];
  severity: Severity;
  title?: string;
  jti?: string | null;
  sub?: string | null;
  kid?: string | null;
  token?: string | null;
  first_seen?: string | null;
  last_seen?: string | null;
  events?: EventRef[];
  evidence: Record<string, unknown>;
}

export interface CheckContext {
  store: Store;
  policy: Policy;
  /** adds to the check's coverage line what only running it tells (a limit reached: how far it got) */
  coverageNote?: (note: string) => void;
}

export interface Check<C extends Columns = Columns> {
  /** stable kebab-case id from DESIGN.md's catalogue; equals the file name */
  id: string;
  title: string;
  /** what fires it, and what raises or lowers its severity */
  description: string;
  remediation: string;
  /** `check` runs the detection checks, `check-keys` the key-registry audit */
  scope: 'detection' | 'keys';
  /** the one query; `$name` parameters come from `params` */
  sql?: string;
  /** the query's columns and their kinds: rows reach `toFinding` converted and typed (src/store/rows.ts) */
  columns?: C;
  params?: (policy: Policy) => Record<string, DuckDBValue>;
  toFinding?: (row: RowOf<C>, policy: Policy) => FindingDraft | null;
  /** for checks that need code beyond SQL */
  run?: (ctx: CheckContext) => Promise<FindingDraft[]>;
  /** its severity ladder (ordered conditions → severity); the description's severity sentence is written from it */
  ladder?: Ladder;
  /** what it needs from the store, and its family (for --strict): without its needs it is "not evaluated" */
  coverage?: CoverageNeeds;
}

export type { Finding };

/** A check whose rows have their own type, as the registry holds it (the row type is the check's own business). */
export const defineCheck = <C extends Columns>(check: Check<C>): Check => check as unknown as Check;
