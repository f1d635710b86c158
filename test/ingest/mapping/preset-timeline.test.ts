// Provider logs carry no JWT: a timeline joins them to captured tokens and the app's own events by subject and
// time, so an Okta sign-in, the token captured afterwards and its uses read as one story.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ingestFile } from '../../../src/ingest/ingest-source.js';
import { presets } from '../../../src/ingest/mapping/presets/index.js';
import { Store } from '../../../src/store/db.js';
import { buildTimeline } from '../../../src/timeline/build.js';
import { tempFile } from '../../helpers/tmp.js';
import { jwks, makeKey } from '../../helpers/tokens.js';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

const ndjson = (...records: unknown[]): string => records.map((r) => `${JSON.stringify(r)}\n`).join('');

it('timeline --sub on an Okta log plus captured tokens of the same user is one story', async () => {
  const key = await makeKey('okta-1', 'RS256');
  const claims = { sub: 'alice@example.com', jti: 'AT.alice-token-0001', iss: 'https://acme.okta.com/oauth2/aus1acme', iat: 1773478806, exp: 1773482406 };
  const token = await key.sign(claims);
  await ingestFile(store, tempFile('keys.json', jwks(key)));
  await ingestFile(store, 'fixtures/presets/okta/system-log.ndjson', { mapping: presets().get('okta')! });
  await ingestFile(store, tempFile('captures.ndjson', ndjson({ captured_at: '2026-03-14T09:30:00Z', token, source: 'proxy' })));
  await ingestFile(store, tempFile('api.ndjson', ndjson({ ts: '2026-03-14T09:10:00Z', event: 'use', token, ip: '81.2.69.142' })));

  const t = await buildTimeline(store, { sub: 'alice@example.com' });
  const story = t.events.map((e) => [e.ts.slice(11, 19), e.kind, e.event]);
  expect(story).toEqual([
    ['09:00:00', 'event', 'issue'],
    ['09:00:05', 'event', 'issue'],
    ['09:00:06', 'event', 'issue'],
    ['09:10:00', 'event', 'use'],
    ['09:20:41', 'event', 'fail'],
    ['09:21:00', 'event', 'policy.evaluate_sign_on'],
    ['09:30:00', 'capture', 'capture'],
    ['11:45:00', 'event', 'logout'],
  ]);
  // the Okta grant names the token by jti, the app's event and the capture by the token itself
  const grant = t.events[2]!;
  expect([grant.jti, grant.source]).toEqual(['AT.alice-token-0001', 'fixtures/presets/okta/system-log.ndjson']);
  expect(t.events[3]!.jti).toBe('AT.alice-token-0001');
});
