// `actions`: the containment list of the stored findings (re-checked first when stale, as `report` does), in a form a
// revocation script reads. Always exits 0: it is a list, not a gate (`check --fail-on` and `report --fail-on` gate).
import { findingsToReport } from '../app/check-store.js';
import { loadPolicy, withSecretLists } from '../policy/policy.js';
import { buildContainment, DEFAULT_CONTAINMENT_SEVERITY, type Containment } from '../report/containment.js';
import {
  renderContainmentCsv, renderContainmentMarkdown, renderContainmentNdjson, renderContainmentTable, nothingToDo,
} from '../report/render-containment.js';
import { toJson } from '../format/serialize.js';
import { Store } from '../store/db.js';
import { formatOf, minSeverityOf, type Globals } from './context.js';
import { geoFiles } from './geoip.js';
import type { Out } from './output.js';
import { rerunLine } from './run-report.js';

export const ACTIONS_FORMATS = ['table', 'json', 'csv', 'ndjson', 'markdown'] as const;

export async function runActions(opts: { secrets?: string[] }, g: Globals, out: Out): Promise<Containment> {
  const format = formatOf(g, ACTIONS_FORMATS, 'table');
  const minSeverity = minSeverityOf(g) ?? DEFAULT_CONTAINMENT_SEVERITY;
  const store = await Store.open(g.db, { mustExist: true });
  try {
    const { findings, rerun } = await findingsToReport(store, withSecretLists(loadPolicy(g.config), opts.secrets), geoFiles(g));
    if (rerun.length) out.status(rerunLine(rerun));
    const c = await buildContainment(store, findings, minSeverity);
    // machine formats stay machine-readable when empty (no rows); the sentence goes to stderr
    if (c.actions.length === 0 && format !== 'table' && format !== 'markdown') out.status(`${nothingToDo(c)}\n`);
    out.write(await render(c, format));
    return c;
  } finally {
    store.close();
  }
}

async function render(c: Containment, format: (typeof ACTIONS_FORMATS)[number]): Promise<string> {
  switch (format) {
    case 'json':
      return toJson(c);
    case 'csv':
      return renderContainmentCsv(c);
    case 'ndjson':
      return renderContainmentNdjson(c);
    case 'markdown':
      return renderContainmentMarkdown(c);
    default:
      return renderContainmentTable(c);
  }
}
