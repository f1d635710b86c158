// One ordered story of a token, subject, session or IP (DESIGN.md `timeline`): shared by the timeline command
// and the reports that embed timelines.
import type { Finding, Severity } from '../findings/finding.js';

export interface TimelineQuery {
  jti?: string;
  sub?: string;
  sid?: string;
  ip?: string;
  /** token fingerprint (12 hex) */
  token?: string;
  /** ISO-8601 bounds, inclusive */
  since?: string;
  until?: string;
}

export interface TimelineGeo {
  country: string | null;
  city: string | null;
  lat: number | null;
  lon: number | null;
}

/** One line of the story. `kind` says where it came from; events carry their source file and line. */
export interface TimelineEvent {
  ts: string;
  kind: 'event' | 'key' | 'revocation' | 'capture';
  event: string | null;
  jti: string | null;
  /** token fingerprint, never the raw token */
  token: string | null;
  sub: string | null;
  sid: string | null;
  ip: string | null;
  geo: TimelineGeo | null;
  ua: string | null;
  /** the user agent's family ("Chrome on Windows"), for the table; not part of the JSON shape */
  ua_family?: string | null;
  /** the client (application) id the log names, for the CSV; not part of the JSON shape */
  client_id?: string | null;
  aud: string | null;
  outcome: string | null;
  parent_jti: string | null;
  source: string;
  line: number | null;
  /** seconds since the previous line of the story (null for the first) */
  gap_seconds: number | null;
  /** the place differs from the previous located line */
  place_change: boolean;
  /** what this line means in the story: "issued by acme-2026-rsa", "refreshed into jti …", "key retired" */
  note: string | null;
  /** ids of findings that name this line's token or event */
  finding_ids: string[];
}

export interface Timeline {
  query: TimelineQuery;
  events: TimelineEvent[];
  findings: Finding[];
  /** false when the store holds no findings at all (no `check` or `investigate` has run); not part of the JSON shape */
  checks_run?: boolean;
  /** findings touching the story left out by --min-severity (timeline/min-severity.ts); not part of the JSON shape */
  hidden?: { below: Severity; count: number };
}
