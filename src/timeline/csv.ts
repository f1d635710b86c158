// `timeline --format csv`: one row per line of the story, for Timeline Explorer and spreadsheets. Written by the
// shared CSV writer (format/serialize.ts): cells quoted where needed, formula starts neutralised, control
// characters stripped — a log value opened in a spreadsheet must not run.
import { toCsv } from '../format/serialize.js';
import { marks } from './render.js';
import type { Timeline, TimelineEvent } from './types.js';

/** The columns, in order; `time` is ISO-8601 UTC with `Z`, `token` the fingerprint, `findings` `check:severity; …`. */
export const CSV_HEAD = [
  'time', 'source', 'line', 'kind', 'event', 'outcome', 'sub', 'sid', 'ip', 'country', 'city', 'client_id', 'user_agent',
  'token', 'jti', 'parent_jti', 'api', 'gap_seconds', 'place_change', 'note', 'findings',
] as const;

export function renderTimelineCsv(t: Timeline): string {
  const byId = new Map(t.findings.map((f) => [f.id, f]));
  return toCsv([...CSV_HEAD], t.events.map((e) => csvRow(e, marks(e, byId).map((f) => `${f.check}:${f.severity}`).join('; '))));
}

function csvRow(e: TimelineEvent, findings: string): unknown[] {
  return [
    e.ts, e.source, e.line, e.kind, e.event, e.outcome, e.sub, e.sid, e.ip, e.geo?.country ?? null, e.geo?.city ?? null,
    e.client_id ?? null, e.ua, e.token, e.jti, e.parent_jti, e.aud, e.gap_seconds, e.place_change ? 'yes' : '', e.note, findings,
  ];
}
