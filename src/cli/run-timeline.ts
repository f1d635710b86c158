// `timeline`: check the query, build the story with its findings as they stand now (src/app/timeline.ts), print it
// in the chosen format.
import { freshTimeline } from '../app/timeline.js';
import { loadPolicy, withSecretLists } from '../policy/policy.js';
import { resolveQuery } from '../timeline/query.js';
import {
  NO_CHECKS, noEventsLine, renderTimelineJson, renderTimelineMarkdown, renderTimelineNdjson, renderTimelineTable,
} from '../timeline/render.js';
import type { Timeline, TimelineQuery } from '../timeline/types.js';
import { formatOf, type Globals } from './context.js';
import { geoFiles } from './geoip.js';
import type { Out } from './output.js';
import { rerunLine } from './run-report.js';

const FORMATS = ['table', 'json', 'ndjson', 'markdown'] as const;

export async function runTimeline(opts: TimelineQuery & { secrets?: string[] }, g: Globals, out: Out): Promise<Timeline> {
  const format = formatOf(g, FORMATS, 'table');
  const { query } = resolveQuery(opts); // usage errors before any store is opened
  const { timeline, rerun, stale } = await freshTimeline(g.db, query, withSecretLists(loadPolicy(g.config), opts.secrets), geoFiles(g));
  if (rerun.length) out.status(rerunLine(rerun));
  if (stale.length) out.status(`the findings shown may be stale (${stale[0]!.why}) and the store cannot be written to re-check them: run \`jwt-forensics check\` on a writable copy\n`);
  out.write(await render(timeline, format, out));
  // the machine formats carry no prose: say it on stderr, where a person sees it and a pipe does not
  if (format === 'json' || format === 'ndjson') {
    if (timeline.events.length === 0) out.status(`${noEventsLine(timeline)}\n`);
    if (timeline.checks_run === false) out.status(`${NO_CHECKS}\n`);
  }
  return timeline;
}

async function render(t: Timeline, format: (typeof FORMATS)[number], out: Out): Promise<string> {
  if (format === 'json') return renderTimelineJson(t);
  if (format === 'ndjson') return renderTimelineNdjson(t);
  if (format === 'markdown') return renderTimelineMarkdown(t);
  return renderTimelineTable(t, out.color);
}
