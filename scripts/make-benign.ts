// Writes fixtures/benign-week/: a week of realistic BENIGN production traffic (issue 21) — background sessions for
// a hundred users plus every routine pattern in scripts/benign/patterns/ (each module exports `plant(world)` and
// may export policy it needs). Seeded and signed with committed test keys: the same run writes the same bytes.
// It must raise nothing of medium or above (test/checks/benign-week.test.ts).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { background } from './benign/background.js';
import { World, type Ev } from './benign/world.js';

const SEED = 20260309;
const OUT = new URL('../fixtures/benign-week/', import.meta.url).pathname;

interface PatternModule {
  plant: (w: World) => Promise<void>;
  TRUSTED_AUDIENCES?: string[];
  MIN_APP_VERSION?: { version: string; from: string };
}

const world = await World.create(SEED, new URL('./benign/keys.json', import.meta.url));
await background(world);
const policy: Record<string, unknown> = {};
const audiences = new Set<string>();
const dir = new URL('./benign/patterns/', import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
for (const file of names) {
  const mod = (await import(new URL(file, dir).href)) as PatternModule;
  await mod.plant(world);
  for (const a of mod.TRUSTED_AUDIENCES ?? []) audiences.add(a);
  if (mod.MIN_APP_VERSION) policy.min_app_version = mod.MIN_APP_VERSION;
}
if (audiences.size) policy.trusted_audiences = [...audiences].sort();

const byTime = (a: Ev, b: Ev): number => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0); // stable: ties keep their order
const lines = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
const events = [...world.events].sort(byTime);

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
writeFileSync(`${OUT}keys.json`, world.jwks());
writeFileSync(`${OUT}rotation.ndjson`, lines(world.rotation));
if (world.revocations.length) writeFileSync(`${OUT}revocations.ndjson`, lines(world.revocations));
writeFileSync(`${OUT}events.ndjson.gz`, gzipSync(lines(events), { level: 9 }));
writeFileSync(`${OUT}policy.json`, JSON.stringify(policy, null, 2) + '\n');
const tags: Record<string, number> = {};
for (const e of events) {
  const tag = (e.benign_pattern as string | undefined) ?? '(background)';
  tags[tag] = (tags[tag] ?? 0) + 1;
}
const tokens = new Set(events.map((e) => e.token).filter(Boolean)).size;
writeFileSync(`${OUT}patterns.json`, JSON.stringify({ seed: SEED, events: events.length, tokens, patterns: tags }, null, 2) + '\n');
process.stdout.write(`wrote fixtures/benign-week: ${events.length} events, ${tokens} tokens, patterns ${names.length}\n`);
