// Bench data generator: N canonical auth-event lines over K distinct, really signed tokens (RS256, PS256,
// ES256, EdDSA, HS256; a few alg none; ~0.5% malformed), in time order, plus <out>.jwks.json and
// <out>.revocations.ndjson. Deterministic for a seed, except ECDSA and RSA-PSS signature bytes.
//   node --import tsx bench/generate.ts --events 1000000 --tokens 20000 --out bench/data/events-1m.ndjson [--seed 42]
import { createWriteStream, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32, type Rng } from '../scripts/incident/prng.js';
import { fixedLines, planExtras, sessionEvents, type Extras, type Line, type Revocation } from './lib/events.js';
import { benchKeys, jwksJson } from './lib/keys.js';
import { makeUsers, planSessions, signAll, type Session } from './lib/pool.js';
import { ChunkWriter, SortedBuffer } from './lib/writer.js';

const BATCH = 64; // sessions generated per merge step
const SIGN_CONCURRENCY = 32;

function options(): { events: number; tokens: number; out: string; seed: number } {
  const { values } = parseArgs({
    options: { events: { type: 'string' }, tokens: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '42' } },
  });
  const num = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) usage(`--${name} must be a positive integer`);
    return n;
  };
  if (!values.out) usage('--out is required');
  return { events: num('events', values.events), tokens: num('tokens', values.tokens), out: values.out!, seed: num('seed', values.seed) };
}

function usage(msg: string): never {
  process.stderr.write(`${msg}\nusage: generate.ts --events N --tokens K --out FILE.ndjson [--seed S]\n`);
  process.exit(2);
}

const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

/** Split `total` uses over `n` access tokens, unevenly (some tokens are busy) but summing exactly. */
function allocate(rng: Rng, total: number, n: number): Int32Array {
  const w = Array.from({ length: n }, () => 0.2 + 3.2 * rng() * rng());
  const sum = w.reduce((a, b) => a + b, 0);
  const out = new Int32Array(n);
  let given = 0;
  w.forEach((x, i) => (given += out[i] = Math.floor((total * x) / sum)));
  for (let i = 0; given < total; i = (i + 1) % n, given++) out[i]! += 1;
  return out;
}

function tsText(rng: Rng, ms: number): string {
  const r = rng();
  if (r < 0.01) return String(Math.floor(ms / 1000)); // a few producers log epoch seconds…
  if (r < 0.02) return String(ms); // …or milliseconds
  return `"${new Date(ms).toISOString()}"`;
}

async function writeEvents(rng: Rng, sessions: Session[], extras: Extras[], usesPerToken: Int32Array, out: string, total: number): Promise<Revocation[]> {
  const writer = new ChunkWriter(createWriteStream(out));
  const buffer = new SortedBuffer();
  const revocations: Revocation[] = [];
  let tokenIndex = 0;
  const nextUses = (): number => usesPerToken[tokenIndex++] ?? 0;
  let written = 0;
  let reported = 0;
  for (let b = 0; b < sessions.length; b += BATCH) {
    const batch: Line[] = [];
    for (let i = b; i < Math.min(b + BATCH, sessions.length); i++) sessionEvents(rng, sessions[i]!, extras[i]!, nextUses, batch, revocations);
    buffer.add(batch);
    const cutoff = sessions[b + BATCH] ? sessions[b + BATCH]!.start * 1000 : Infinity;
    for (const line of buffer.takeBefore(cutoff)) {
      writer.add(`{"ts":${tsText(rng, line.ts)},${line.body},"request_id":"req-${(++written).toString(16).padStart(8, '0')}"}\n`);
    }
    await writer.flushIfFull();
    if (written - reported >= total / 20) {
      reported = written;
      log(`  ${written.toLocaleString('en')} / ${total.toLocaleString('en')} lines`);
    }
  }
  await writer.close();
  if (written !== total) throw new Error(`internal: wrote ${written} lines, planned ${total}`);
  return revocations;
}

async function main(): Promise<void> {
  const opt = options();
  const started = performance.now();
  const rng = mulberry32(opt.seed);
  const keys = await benchKeys();
  const users = makeUsers(rng, Math.max(20, Math.floor(opt.tokens / 25)));
  const { sessions, specs } = planSessions(rng, keys, users, opt.tokens);
  sessions.sort((a, b) => a.start - b.start);
  const extras = sessions.map((s) => planExtras(rng, s));
  const fixed = sessions.reduce((n, s, i) => n + fixedLines(s, extras[i]!), 0);
  if (fixed > opt.events) usage(`--events must be at least ${fixed} for ${specs.length} tokens`);
  log(`signing ${specs.length.toLocaleString('en')} tokens in ${sessions.length.toLocaleString('en')} sessions…`);
  await signAll(specs, SIGN_CONCURRENCY, (n) => n % 5000 === 0 && log(`  signed ${n.toLocaleString('en')}`));
  log(`signed in ${((performance.now() - started) / 1000).toFixed(1)} s; writing ${opt.events.toLocaleString('en')} lines…`);
  const uses = allocate(rng, opt.events - fixed, sessions.reduce((n, s) => n + s.gens.length, 0));
  mkdirSync(dirname(opt.out), { recursive: true });
  const revocations = await writeEvents(rng, sessions, extras, uses, opt.out, opt.events);
  writeFileSync(`${opt.out}.jwks.json`, jwksJson(keys));
  writeFileSync(`${opt.out}.revocations.ndjson`, revocations.map((r) => JSON.stringify({ ts: new Date(r.ts).toISOString(), sid: r.sid, reason: r.reason }) + '\n').join(''));
  const secs = (performance.now() - started) / 1000;
  const mb = statSync(opt.out).size / 1e6;
  log(`done: ${opt.out} (${mb.toFixed(1)} MB, ${opt.events.toLocaleString('en')} lines, ${specs.length.toLocaleString('en')} tokens) in ${secs.toFixed(1)} s`);
}

await main();
