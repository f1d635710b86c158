// `node --import tsx bench/generate-okta.ts --events N --out FILE`: N Okta System Log records (one a line), for
// measuring `ingest --preset okta` beside the canonical reader (bench/run.ts). The records are the bundled Okta
// fixtures (fixtures/presets/okta: written in Okta's published LogEvent schema) repeated with a fresh uuid, time,
// user, IP and session each, so every record is distinct and the mix of event types is the fixtures'.
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, out: { type: 'string' } } });
const n = Number(values.events);
if (!values.out || !Number.isInteger(n) || n <= 0) throw new Error('usage: generate-okta.ts --events N --out FILE');

const dir = new URL('../fixtures/presets/okta/', import.meta.url);
const templates = readdirSync(dir)
  .filter((f) => f.endsWith('.ndjson'))
  .flatMap((f) => readFileSync(new URL(f, dir), 'utf8').split('\n'))
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => JSON.parse(l) as Record<string, any>)
  .filter((r) => typeof r.eventType === 'string' && typeof r.published === 'string');

const out = createWriteStream(values.out);
const start = Date.parse('2026-03-09T00:00:00Z');
for (let i = 0; i < n; i++) {
  const r = structuredClone(templates[i % templates.length]!);
  const user = `u${(i * 7919) % 50_000}`;
  r.uuid = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  r.published = new Date(start + i * 600).toISOString();
  if (r.actor?.type === 'User') r.actor.alternateId = `${user}@example.com`;
  if (r.client) r.client.ipAddress = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  if (r.authenticationContext) r.authenticationContext.externalSessionId = `sess-${(i * 31) % 200_000}`;
  if (!out.write(JSON.stringify(r) + '\n')) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
process.stderr.write(`wrote ${n} Okta records (${templates.length} templates) to ${values.out}\n`);
