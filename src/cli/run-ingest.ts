// `ingest`: load every path, print one summary line per source and the first rejects of each.
import { parseKind } from '../ingest/detect-kind.js';
import { failOnUnusable, ingestPaths, type IngestRun } from '../ingest/ingest-paths.js';
import type { SourceSummary } from '../ingest/ingest-source.js';
import { isAuto, mappingChoice } from '../ingest/mapping/preset-choice.js';
import { loadPolicy, verifyOptions } from '../policy/policy.js';
import { Store } from '../store/db.js';
import { formatOf, type Globals } from './context.js';
import { lookupGeoIp } from './geoip.js';
import { type Out } from './output.js';
import { toJson } from '../format/serialize.js';
import { paint, renderTable } from '../format/table.js';
import { dropIfNothingRead, storeExists } from './new-store.js';
import { startProgress } from './progress.js';
import { stripControlInline } from '../util/sanitize.js';
import { COMMAND_FORMATS } from './formats.js';
import { ledgerHead } from '../store/ledger.js';

const SHOWN_REJECTS = 5;

export async function runIngest(paths: string[], opts: Globals & { kind?: string; preset?: string; mapping?: string | string[] }, out: Out): Promise<IngestRun> {
  const format = formatOf(opts, COMMAND_FORMATS.ingest, 'table');
  const kind = opts.kind ? parseKind(opts.kind) : undefined;
  const mapping = await mappingChoice(opts);
  const existed = storeExists(opts.db);
  const store = await Store.open(opts.db);
  const progress = startProgress(!out.quiet);
  const loaded: SourceSummary[] = [];
  let failure: unknown = null;
  try {
    progress.update('ingesting…');
    const run = await ingestPaths(store, paths, {
      kind,
      mapping,
      verify: verifyOptions(loadPolicy(opts.config)),
      onSource: (s) => {
        loaded.push(s);
        if (isAuto(mapping)) out.status(autoLine(s));
        progress.update(`ingested ${s.path}`);
      },
    }).catch((err: unknown) => {
      // A file that stops the run (full disk, corrupt .gz) comes after files that did load: say which did.
      progress.done();
      if (loaded.length) out.write(format === 'json' ? toJson({ sources: loaded, skipped: [] }) : renderIngest({ sources: loaded, skipped: [] }, out));
      throw err;
    });
    await lookupGeoIp(store, opts, out);
    progress.done();
    const head = await ledgerHead(store);
    out.write(format === 'json' ? toJson({ ...run, ledger_head: head }) : `${renderIngest(run, out)}${headLine(head)}`);
    if (format !== 'json') out.status(skippedLines(run));
    failOnUnusable(run);
    return run;
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    progress.done();
    store.close();
    dropIfNothingRead(failure, opts.db, existed);
  }
}

export function renderIngest(run: IngestRun, out: Out): string {
  const c = out.color;
  const rows = run.sources.map((s) => [
    s.preset ? `${s.kind} (${s.preset})` : s.kind,
    s.path,
    s.skipped ? paint(c.dim, 'already ingested') : s.rows.toLocaleString('en'),
    s.rejected ? paint(c.yellow, s.rejected) : '0',
    s.newTokens,
    `${(s.elapsedMs / 1000).toFixed(2)} s`,
  ]);
  let text = renderTable(['kind', 'source', 'rows', 'rejected', 'new tokens', 'elapsed'], rows);
  for (const s of run.sources) text += rejectLines(s) + warningLines(s);
  return text;
}

/** The ledger head, said last: the one hash that stands for everything loaded and run so far (docs/evidence.md). */
export function headLine(head: string): string {
  return `ledger head ${head} (\`jwt-forensics verify\` checks the store against it)\n`;
}

/** What a folder walk left out, for stderr (status, not results: --quiet hides it; JSON lists it as `skipped`). */
export function skippedLines(run: IngestRun): string {
  // a file name may hold a newline: one line per skipped entry, whatever it is called
  return run.skipped.map((s) => `skipped ${stripControlInline(s.path)}: ${s.why}\n`).join('');
}

/** `--preset auto` says what it chose for each file, on stderr so a JSON result on stdout stays clean. */
export function autoLine(s: SourceSummary): string {
  const path = stripControlInline(s.path);
  // a user's mapping file (`mapping:<name>`) was chosen by its detect rules, with or without --preset auto
  if (s.preset?.startsWith('mapping:')) return `${path}: read with ${s.preset} (its detect rules matched)\n`;
  if (s.preset) return `${path}: read with preset ${s.preset} (--preset auto)\n`;
  return s.kind === 'unrecognised' ? `${path}: recorded as unrecognised, not read\n` : `${path}: no preset recognised it; read as ${s.kind}\n`;
}

function rejectLines(s: SourceSummary): string {
  if (!s.rejected) return '';
  const path = stripControlInline(s.path); // a file name may hold a newline: it never starts a line of its own
  const first = s.rejects.slice(0, SHOWN_REJECTS).map((r) => `  ${path}:${r.line ?? '-'} ${r.reason}: ${r.detail}\n`);
  const more = s.rejected > SHOWN_REJECTS ? `  … and ${s.rejected - SHOWN_REJECTS} more (see the \`rejects\` table)\n` : '';
  return `${path}: ${s.rejected} rejected\n${first.join('')}${more}`;
}

function warningLines(s: SourceSummary): string {
  const path = stripControlInline(s.path);
  return s.warnings.map((w) => `${path}: note: ${w}\n`).join('');
}
