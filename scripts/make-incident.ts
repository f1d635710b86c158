// Generates the bundled incident fixtures/incident-acme/ (see its README): a day of Acme's JWT traffic with
// planted incidents and near misses, signed for real with jose. Deterministic: seeded PRNG, fixed clock,
// committed test keys (scripts/incident-keys/). Run: npm run fixtures
import { forgedIncidents } from './incident/forged.js';
import { HAR_FILE, harIncident } from './incident/har.js';
import { getKey, loadIncidentKeys, spkiPem } from './incident/keys.js';
import { misuseIncidents } from './incident/misuse.js';
import { nearMisses } from './incident/near-miss.js';
import { mulberry32 } from './incident/prng.js';
import { renderReadme } from './incident/readme.js';
import type { Scenario } from './incident/scenario.js';
import { ES_CUTOVER, officeDay, partnerDay, serviceDay } from './incident/traffic.js';
import { captureLines, eventLines, ndjson, revocationLines, writeFile } from './incident/write.js';
import { EventLog, Issuer, type Ev } from './incident/world.js';

const OUT = new URL('../fixtures/incident-acme/', import.meta.url);
const SEED = 20260314;

/** Rotation records; acme-internal-hs deliberately has none (an audit gap). */
const ROTATION = [
  ['2025-02-01T09:00:00Z', 'acme-2025-rsa', 'created', 'kms-automation', 'annual rotation'],
  ['2025-02-08T09:00:00Z', 'acme-2025-rsa', 'activated', 'kms-automation', 'annual rotation'],
  ['2025-09-15T10:00:00Z', 'partner-ed-1', 'created', 'partner-idp-admin', 'partner federation onboarding'],
  ['2025-09-15T10:05:00Z', 'partner-ed-1', 'activated', 'partner-idp-admin', 'partner federation onboarding'],
  ['2025-11-01T12:00:00Z', 'acme-es-1', 'created', 'mobile-platform', 'ES256 signing for the mobile app'],
  ['2025-11-01T12:10:00Z', 'acme-es-1', 'activated', 'mobile-platform', 'ES256 signing for the mobile app'],
  ['2026-02-20T09:00:00Z', 'acme-2026-rsa', 'created', 'kms-automation', 'annual rotation'],
  ['2026-03-01T00:00:00Z', 'acme-2026-rsa', 'activated', 'kms-automation', 'annual rotation'],
  ['2026-03-01T00:00:00Z', 'acme-2025-rsa', 'retired', 'kms-automation', 'superseded by acme-2026-rsa'],
  ['2026-03-14T15:00:00Z', 'acme-es-1', 'compromised', 'secops:j.okafor', 'private key leaked in a CI log (build #4821)'],
].map(([ts, kid, action, actor, reason]) => ({ ts, kid, action, actor, reason }));

async function main(): Promise<void> {
  const rng = mulberry32(SEED);
  const keys = await loadIncidentKeys();
  const rsaPem = await spkiPem(getKey(keys, 'acme-2026-rsa'));
  const s: Scenario = {
    rng, keys, rsaPem, issuer: new Issuer(rng, keys), log: new EventLog(),
    planted: [], nearMisses: [], capturedTokens: [], proxyCaptures: [], revocations: [],
  };
  // Ordinary traffic first: the writer gives only these events the log's random quirks.
  await officeDay(s, new Set(['u-1007', 'u-1012']));
  await partnerDay(s);
  await serviceDay(s);
  const normalCount = s.log.events.length;
  addNormalCaptures(s);
  await forgedIncidents(s);
  await misuseIncidents(s);
  await nearMisses(s);
  // last: its tokens draw from the seeded generator after every other incident's, which stay as they were; its
  // events are appended to the log (a second gateway's lines), so every earlier line keeps its number and quirks
  const logged = s.log.events.length;
  const har = await harIncident(s);
  const harEvents = s.log.events.splice(logged);

  const jwks = { keys: [...keys.values()].filter((k) => k.published).map((k) => k.publicJwk) };
  writeFile(OUT, 'keys/jwks.json', JSON.stringify(jwks, null, 2) + '\n');
  writeFile(OUT, 'keys/acme-2026-rsa.pem', rsaPem);
  writeFile(OUT, 'keys/rotation.ndjson', ndjson(ROTATION));
  writeFile(OUT, 'logs/auth-events.ndjson', eventLines(s.log.events, normalCount, mulberry32(SEED + 1)) + eventLines(harEvents, 0, mulberry32(SEED + 2)));
  writeFile(OUT, 'captures/tokens.txt', s.capturedTokens.join('\n') + '\n');
  writeFile(OUT, 'captures/proxy-capture.ndjson', captureLines(s.proxyCaptures));
  writeFile(OUT, 'revocations.ndjson', revocationLines(s.revocations));
  writeFile(OUT, HAR_FILE, har);
  writeFile(OUT, 'README.md', renderReadme(s, stats([...s.log.events, ...harEvents])));
  process.stderr.write(`wrote ${s.log.events.length + harEvents.length} events, ${s.planted.length} planted incidents, ${s.nearMisses.length} near misses to ${OUT.pathname}\n`);
}

/** A few ordinary tokens in the captures, so not everything captured is evil. */
function addNormalCaptures(s: Scenario): void {
  const first = (p: (e: Ev) => boolean): Ev | undefined => s.log.events.find((e) => e.event === 'use' && e.outcome === 'success' && p(e));
  const picks: [Ev | undefined, string][] = [
    [first((e) => e.client?.client_id === 'acme-web'), 'routine web call'],
    [first((e) => e.client?.client_id === 'acme-mobile' && e.ts < ES_CUTOVER), 'routine mobile call (ES256)'],
    [first((e) => e.client?.client_id === 'partner-portal'), 'partner user (EdDSA)'],
    [first((e) => e.client?.client_id === 'svc-reports'), 'internal reporting job (HS256)'],
  ];
  picks.forEach(([e, note], i) => {
    if (!e?.token) return;
    s.capturedTokens.push(i === 0 ? `Bearer ${e.token}` : e.token);
    s.proxyCaptures.push({ captured_at: e.ts, token: e.token, source: e.client?.ip.startsWith('10.') ? 'internal-mesh' : 'edge-proxy-lon-1', note });
  });
}

function stats(events: readonly Ev[]): { events: number; tokens: number; subjects: number } {
  return {
    events: events.length,
    tokens: new Set(events.map((e) => e.token).filter(Boolean)).size,
    subjects: new Set(events.map((e) => e.sub).filter(Boolean)).size,
  };
}

await main();
