// `timeline`: check the query, build the story from the store (read-only: a timeline never changes the evidence),
// print it in the chosen format.
import { Store } from '../store/db.js';
import { buildTimeline } from '../timeline/build.js';
import { resolveQuery } from '../timeline/query.js';
import {
  NO_CHECKS, noEventsLine, renderTimelineJson, renderTimelineMarkdown, renderTimelineNdjson, renderTimelineTable,
} from '../timeline/render.js';
import type { Timeline, TimelineQuery } from '../timeline/types.js';
import { formatOf, type Globals } from './context.js';
import type { Out } from './output.js';

const FORMATS = ['table', 'json', 'ndjson', 'markdown'] as const;

export async function runTimeline(opts: TimelineQuery, g: Globals, out: Out): Promise<Timeline> {
  const format = formatOf(g, FORMATS, 'table');
  const { query } = resolveQuery(opts); // usage errors before any store is opened
  const store = await Store.open(g.db, { readOnly: true });
  try {
    const timeline = await buildTimeline(store, query);
    out.write(await render(timeline, format, out));
    // the machine formats carry no prose: say it on stderr, where a person sees it and a pipe does not
    if (format === 'json' || format === 'ndjson') {
      if (timeline.events.length === 0) out.status(`${noEventsLine(timeline)}\n`);
      if (timeline.checks_run === false) out.status(`${NO_CHECKS}\n`);
    }
    return timeline;
  } finally {
    store.close();
  }
}

async function render(t: Timeline, format: (typeof FORMATS)[number], out: Out): Promise<string> {
  if (format === 'json') return renderTimelineJson(t);
  if (format === 'ndjson') return renderTimelineNdjson(t);
  if (format === 'markdown') return renderTimelineMarkdown(t);
  return renderTimelineTable(t, out.color);
}
