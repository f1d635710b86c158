// `--min-severity` on a timeline: the findings below the level are left out of the story (the inline marks, the
// findings list, the JSON), and the story says how many were left out. The events stay: they are the evidence.
import { severityRank, type Severity } from '../findings/finding.js';
import type { Timeline } from './types.js';

/** The timeline with only the findings at or above `min` (unchanged when `min` is null). */
export function withMinSeverity(t: Timeline, min: Severity | null): Timeline {
  if (min === null) return t;
  const shown = t.findings.filter((f) => severityRank(f.severity) <= severityRank(min));
  const kept = new Set(shown.map((f) => f.id));
  return {
    ...t,
    findings: shown,
    events: t.events.map((e) => ({ ...e, finding_ids: e.finding_ids.filter((id) => kept.has(id)) })),
    hidden: { below: min, count: t.findings.length - shown.length },
  };
}

/** "3 findings below high not shown (--min-severity high)", or null when none was left out. */
export function hiddenLine(t: Timeline): string | null {
  if (!t.hidden || t.hidden.count === 0) return null;
  const n = t.hidden.count;
  return `${n} finding${n === 1 ? '' : 's'} below ${t.hidden.below} not shown (--min-severity ${t.hidden.below})`;
}
