// `ingest`: load every path, print one summary line per source and the first rejects of each.
import { parseKind } from '../ingest/detect-kind.js';
import { ingestPaths, type IngestRun } from '../ingest/ingest-paths.js';
import type { SourceSummary } from '../ingest/ingest-source.js';
import { Store } from '../store/db.js';
import { formatOf, type Globals } from './context.js';
import { lookupGeoIp } from './geoip.js';
import { renderTable, toJson, type Out } from './output.js';
import { startProgress } from './progress.js';

const SHOWN_REJECTS = 5;

export async function runIngest(paths: string[], opts: Globals & { kind?: string }, out: Out): Promise<IngestRun> {
  const format = formatOf(opts, ['table', 'json'], 'table');
  const kind = opts.kind ? parseKind(opts.kind) : undefined;
  const store = await Store.open(opts.db);
  const progress = startProgress(!out.quiet);
  try {
    progress.update('ingesting…');
    const run = await ingestPaths(store, paths, {
      kind,
      onSource: (s) => progress.update(`ingested ${s.path}`),
    });
    await lookupGeoIp(store, opts, out);
    progress.done();
    out.write(format === 'json' ? toJson(run) : renderIngest(run, out));
    return run;
  } finally {
    progress.done();
    store.close();
  }
}

export function renderIngest(run: IngestRun, out: Out): string {
  const c = out.color;
  const rows = run.sources.map((s) => [
    s.kind,
    s.path,
    s.skipped ? c.dim('already ingested') : s.rows.toLocaleString('en'),
    s.rejected ? c.yellow(String(s.rejected)) : '0',
    s.newTokens,
    `${(s.elapsedMs / 1000).toFixed(2)} s`,
  ]);
  let text = renderTable(['kind', 'source', 'rows', 'rejected', 'new tokens', 'elapsed'], rows);
  for (const s of run.sources) text += rejectLines(s) + warningLines(s);
  for (const s of run.skipped) text += `skipped ${s.path}: ${s.why}\n`;
  return text;
}

function rejectLines(s: SourceSummary): string {
  if (!s.rejected) return '';
  const first = s.rejects.slice(0, SHOWN_REJECTS).map((r) => `  ${s.path}:${r.line ?? '-'} ${r.reason}: ${r.detail}\n`);
  const more = s.rejected > SHOWN_REJECTS ? `  … and ${s.rejected - SHOWN_REJECTS} more (see the \`rejects\` table)\n` : '';
  return `${s.path}: ${s.rejected} rejected\n${first.join('')}${more}`;
}

function warningLines(s: SourceSummary): string {
  return s.warnings.map((w) => `${s.path}: note: ${w}\n`).join('');
}
