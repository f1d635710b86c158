// What a check is: data (id, title, description, remediation) plus one set-based query and the mapping from
// its rows to findings. A check that needs code (HMAC with public-key bytes, distances) supplies `run` instead.
import type { DuckDBValue } from '@duckdb/node-api';
import type { EventRef, Finding, Severity } from '../findings/finding.js';
import type { Policy } from '../policy/policy.js';
import type { Store } from '../store/db.js';

export type Row = Record<string, unknown>;

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
}

export interface Check {
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
  params?: (policy: Policy) => Record<string, DuckDBValue>;
  toFinding?: (row: Row, policy: Policy) => FindingDraft | null;
  /** for checks that need code beyond SQL */
  run?: (ctx: CheckContext) => Promise<FindingDraft[]>;
}

export type { Finding };
