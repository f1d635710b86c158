// `timeline`: check the query, build the story with its findings as they stand now (src/app/timeline.ts), print it
// in the chosen format.
import { freshTimeline } from '../app/timeline.js';
import { loadPolicy, withSecretLists } from '../policy/policy.js';
import { renderTimelineCsv } from '../timeline/csv.js';
import { hiddenLine } from '../timeline/min-severity.js';
import { prefixNote } from '../timeline/prefix.js';
import { resolveQuery } from '../timeline/query.js';
import {
  NO_CHECKS, noEventsLine, renderTimelineJson, renderTimelineMarkdown, renderTimelineNdjson, renderTimelineTable,
} from '../timeline/render.js';
import type { Timeline, TimelineQuery } from '../timeline/types.js';
import { formatOf, minSeverityOf, type Globals } from './context.js';
import { COMMAND_FORMATS } from './formats.js';
import { geoFiles } from './geoip.js';
import type { Out } from './output.js';
import { rerunLine } from './run-report.js';

/** The one list of timeline formats (cli/formats.ts, which --help reads too). */
export const TIMELINE_FORMATS = COMMAND_FORMATS.timeline;
type Format = (typeof TIMELINE_FORMATS)[number];

/** Where the findings of an empty story are, in each machine format. */
const FINDINGS_WHERE = { json: "in the output's findings", ndjson: 'listed by --format json or table', csv: 'listed by --format json or table' };

export async function runTimeline(opts: TimelineQuery & { secrets?: string[] }, g: Globals, out: Out): Promise<Timeline> {
  const format = formatOf(g, TIMELINE_FORMATS, 'table');
  const minSeverity = minSeverityOf(g);
  const { query } = resolveQuery(opts); // usage errors before any store is opened
  const policy = withSecretLists(loadPolicy(g.config), opts.secrets);
  const { timeline, matches, rerun, stale } = await freshTimeline(g.db, query, policy, geoFiles(g), { minSeverity });
  for (const note of matches.map(prefixNote)) if (note) out.status(`${note}\n`);
  if (rerun.length) out.status(rerunLine(rerun));
  if (stale.length) out.status(`the findings shown may be stale (${stale[0]!.why}) and the store cannot be written to re-check them: run \`jwt-forensics check\` on a writable copy\n`);
  out.write(await render(timeline, format, out));
  // the machine formats carry no prose: say it on stderr, where a person sees it and a pipe does not
  if (format === 'json' || format === 'ndjson' || format === 'csv') {
    if (timeline.events.length === 0) out.status(`${noEventsLine(timeline, FINDINGS_WHERE[format])}\n`);
    const hidden = hiddenLine(timeline);
    if (hidden) out.status(`${hidden}\n`);
    if (timeline.checks_run === false) out.status(`${NO_CHECKS}\n`);
  }
  return timeline;
}

async function render(t: Timeline, format: Format, out: Out): Promise<string> {
  if (format === 'json') return renderTimelineJson(t);
  if (format === 'ndjson') return renderTimelineNdjson(t);
  if (format === 'markdown') return renderTimelineMarkdown(t);
  if (format === 'csv') return renderTimelineCsv(t);
  return renderTimelineTable(t, out.color);
}
