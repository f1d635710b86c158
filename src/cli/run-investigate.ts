// `investigate`: ingest, then one screen that says what happened and where to look first.
import { ingestPaths } from '../ingest/ingest-paths.js';
import { Store } from '../store/db.js';
import { summarize, type StoreSummary } from '../store/summary.js';
import { formatOf, type Globals } from './context.js';
import { renderTable, toJson, type Out } from './output.js';
import { startProgress } from './progress.js';
import { renderIngest } from './run-ingest.js';

export async function runInvestigate(paths: string[], g: Globals, out: Out): Promise<StoreSummary> {
  const format = formatOf(g, ['table', 'json'], 'table');
  const store = await Store.open(g.db);
  const progress = startProgress(!out.quiet);
  try {
    progress.update('ingesting…');
    const run = await ingestPaths(store, paths, { onSource: (s) => progress.update(`ingested ${s.path}`) });
    progress.done();
    const summary = await summarize(store);
    if (format === 'json') out.write(toJson({ ingest: run, summary }));
    else out.write(`${renderIngest(run, out)}\n${renderSummary(summary, g.db, out)}`);
    return summary;
  } finally {
    progress.done();
    store.close();
  }
}

function renderSummary(s: StoreSummary, db: string, out: Out): string {
  const c = out.color;
  const sig = Object.entries(s.by_signature)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    c.bold('Store ') + db,
    `  ${s.events.toLocaleString('en')} events from ${s.first_event ?? '-'} to ${s.last_event ?? '-'}; ${s.subjects} subjects, ${s.ips} IPs`,
    `  ${s.tokens} distinct tokens (${sig || 'none'}); ${s.captures} captured`,
    `  ${s.keys} keys, ${s.key_events} rotation records, ${s.revocations} revocations; ${s.rejects} lines rejected`,
  ];
  if (s.suspicious_accepted.length === 0) return `${lines.join('\n')}\n\nNo token without a valid signature was accepted.\n`;
  lines.push('', c.red.bold(`Accepted without a valid signature: ${s.suspicious_accepted.length} token(s) — look here first`));
  const rows = s.suspicious_accepted.map((t) => [t.first_accepted, t.token, t.sub, t.alg, t.kid, t.sig_status, t.sig_detail, t.accepted_uses]);
  return `${lines.join('\n')}\n${renderTable(['first accepted', 'token', 'sub', 'alg', 'kid', 'signature', 'detail', 'uses'], rows, { maxCell: 40 })}`;
}
