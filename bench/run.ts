// `npm run bench -- --events 1000000`: in one run, on one file, on this machine, measure DuckDB's bare read
// (the floor) and each command, and print ratios to the floor. Absolute times vary; ratios carry over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { baselineMain, builtMain } from './lib/baseline.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    tokens: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    // a git revision: its built CLI's ingest is measured beside this tree's built CLI, interleaved in each run
    baseline: { type: 'string' },
  },
});
const events = Number(values.events);
// the code measured: the commit, and whether the work tree differed from it, when the run starts (each task loads
// the sources when it starts: a tree edited during the run is not the code measured)
const git = (...a: string[]): string => spawnSync('git', a, { encoding: 'utf8' }).stdout.trim();
const commit = `${git('rev-parse', '--short', 'HEAD') || 'unknown'}${git('status', '--porcelain', '--untracked-files=no') ? '+dirty' : ''}`;
const runs = Number(values.runs);
const dir = new URL('./data/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const file = `${dir}events-${events}.ndjson`;
// the same number of Okta System Log records, for `ingest --preset okta` beside the canonical reader
const oktaFile = `${dir}okta-${events}.ndjson`;
const db = `${dir}bench.duckdb`;

if (!existsSync(file)) {
  process.stderr.write(`generating ${file}…\n`);
  const gen = spawnSync(process.execPath, ['--import', 'tsx', new URL('./generate.ts', import.meta.url).pathname,
    '--events', String(events), '--tokens', values.tokens!, '--out', file], { stdio: 'inherit' });
  if (gen.status !== 0) process.exit(gen.status ?? 1);
}

if (!existsSync(oktaFile) && (!values.only || 'ingest --preset okta'.startsWith(values.only))) {
  process.stderr.write(`generating ${oktaFile}…\n`);
  const gen = spawnSync(process.execPath, ['--import', 'tsx', new URL('./generate-okta.ts', import.meta.url).pathname,
    '--events', String(events), '--out', oktaFile], { stdio: 'inherit' });
  if (gen.status !== 0) process.exit(gen.status ?? 1);
}

interface Sample { ms: number; rss_mb: number; code: number; count?: number }

function measure(task: string, args: string[], fresh: boolean): Sample {
  if (fresh) for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
  const child = spawnSync(process.execPath, ['--import', 'tsx', new URL('./lib/task.ts', import.meta.url).pathname, task, file, db, ...args], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  const last = child.stderr.trim().split('\n').pop() ?? '{}';
  const sample = JSON.parse(last) as Sample;
  if (child.status !== 0 || (sample.code !== 0 && sample.code !== 1)) throw new Error(`${task} ${args.join(' ')} failed: ${child.stderr.slice(-500)}`);
  return sample;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The jti with the most events: `timeline --jti` on a busy token. */
function busyJti(): string {
  const q = spawnSync(process.execPath, [new URL('../bin/jwt-forensics.js', import.meta.url).pathname, '--db', db, '--format', 'json', 'query',
    'SELECT jti FROM events WHERE jti IS NOT NULL GROUP BY jti ORDER BY count(*) DESC, jti LIMIT 1'], { encoding: 'utf8' });
  return (JSON.parse(q.stdout) as { jti: string }[])[0]?.jti ?? 'none';
}

const ingestArgs = (): string[] => ['ingest', ...(existsSync(`${file}.jwks.json`) ? [`${file}.jwks.json`] : []), file];
const repo = new URL('..', import.meta.url).pathname;
const base = values.baseline ? baselineMain(repo, dir, values.baseline) : null;
const ours = base ? builtMain(repo) : null;
const steps: [string, string, () => string[], boolean][] = [
  ['floor: read_json CTAS', 'floor', () => [], true],
  ['ingest --preset okta (as many Okta System Log records)', 'cli', () => ['ingest', '--preset', 'okta', oktaFile], true],
  ...(base && ours
    ? ([
        [`ingest, built CLI (baseline ${base.commit})`, 'dist', () => [base.main, ...ingestArgs()], true],
        ['ingest, built CLI (this tree)', 'dist', () => [ours, ...ingestArgs()], true],
      ] as [string, string, () => string[], boolean][])
    : []),
  ['ingest', 'cli', ingestArgs, true],
  ['verify tokens (decode + jose, once each)', 'verify', () => [], false],
  ['check (all checks)', 'cli', () => ['check'], false],
  ['check-keys', 'cli', () => ['check-keys'], false],
  ['timeline --jti (busy token)', 'cli', () => ['--format', 'json', 'timeline', '--jti', busyJti()], false],
  ['report --format json', 'cli', () => ['--format', 'json', 'report', '--out', `${dir}report.json`], false],
];
const results: Record<string, { ms: number; rss_mb: number; samples: Sample[] }> = {};
for (let r = 0; r < runs; r++) {
  for (const [name, task, args, fresh] of steps) {
    if (values.only && !name.startsWith(values.only) && !name.startsWith('floor')) continue;
    const s = measure(task, args(), fresh);
    (results[name] ??= { ms: 0, rss_mb: 0, samples: [] }).samples.push(s);
    process.stderr.write(`run ${r + 1}/${runs} ${name}: ${(s.ms / 1000).toFixed(2)} s, ${s.rss_mb} MB\n`);
  }
}
const floorMs = median(results['floor: read_json CTAS']!.samples.map((s) => s.ms));
const rows = Object.entries(results).map(([name, r]) => {
  r.ms = median(r.samples.map((s) => s.ms));
  r.rss_mb = median(r.samples.map((s) => s.rss_mb));
  const count = r.samples[0]?.count;
  return {
    name,
    seconds: +(r.ms / 1000).toFixed(2),
    events_per_s: count === undefined ? Math.round(events / (r.ms / 1000)) : null,
    tokens_per_s: count === undefined ? null : Math.round(count / (r.ms / 1000)),
    ratio_to_floor: +(r.ms / floorMs).toFixed(2),
    peak_rss_mb: r.rss_mb,
  };
});
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, mem_gb: Math.round(totalmem() / 2 ** 30), node: process.version };
console.table(rows);
// this tree against the baseline, both built, medians of the same runs
const vsBaseline = base
  ? (() => {
      const b = results[`ingest, built CLI (baseline ${base.commit})`];
      const o = results['ingest, built CLI (this tree)'];
      if (!b || !o) return null;
      const ratio = +(o.ms / b.ms).toFixed(3);
      process.stdout.write(`ingest, this tree / baseline ${base.commit}: ${ratio} (medians ${(o.ms / 1000).toFixed(2)} s / ${(b.ms / 1000).toFixed(2)} s of ${runs} runs, interleaved)\n`);
      return { commit: base.commit, ratio, ours_s: +(o.ms / 1000).toFixed(2), baseline_s: +(b.ms / 1000).toFixed(2) };
    })()
  : null;
// One file per size, so the 1M and 4M tables in the README each have their source.
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
// a partial or baseline run keeps its own file, so the full table's source stays
const resultName = `${events}${values.only ? `-only-${values.only.replace(/[^A-Za-z0-9]+/g, '_')}` : ''}${base ? `-vs-${base.commit}` : ''}`;
writeFileSync(new URL(`./results/${resultName}.json`, import.meta.url), JSON.stringify({ events, runs, commit, machine, date: new Date().toISOString(), rows, ...(vsBaseline ? { baseline: vsBaseline } : {}) }, null, 2) + '\n');
