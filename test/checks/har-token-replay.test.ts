// har-token-replay on its scenario (fixtures/scenarios/har-token-replay, scripts/scenarios/har-token-replay.ts): each
// rung of the ladder planted, and the users carrying on after the recording quiet.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { harTokenReplay } from '../../src/checks/har-token-replay.js';
import { SCENARIO_ROOT, scenarioFindings } from '../helpers/scenarios.js';

const NAME = 'har-token-replay';

describe('har-token-replay', () => {
  it('finds the planted replays, each at its rung, and nothing else', async () => {
    const expected = JSON.parse(readFileSync(`${SCENARIO_ROOT}${NAME}/expected.json`, 'utf8')) as { findings: { jti: string; severity: string }[] };
    const found = (await scenarioFindings(NAME)).filter((f) => f.check === NAME);
    expect(found.map((f) => `${f.jti} ${f.severity}`).sort()).toEqual(expected.findings.map((f) => `${f.jti} ${f.severity}`).sort());
  });

  it('near misses: the user carrying on from the same address or /24, an issued token used at home, a use before the recording', async () => {
    const found = (await scenarioFindings(NAME)).filter((f) => f.check === NAME);
    // har-claims-own: her earlier address is known only from an event a gateway logged by the token's claims
    for (const jti of ['har-same-ip', 'har-same-net', 'har-issued-own', 'har-before-only', 'har-internal-relay', 'har-claims-own']) expect(found.some((f) => f.jti === jti), jti).toBe(false);
  });

  it('says where the HAR exposed it and who replayed it', async () => {
    const [alice] = (await scenarioFindings(NAME)).filter((f) => f.jti === 'har-abroad');
    expect(alice!.title).toBe('Token captured in HAR support-ticket-4471.har replayed from 1 new address after the recording');
    expect(alice!.evidence).toMatchObject({
      har_entry: 1, captured: 'HAR support-ticket-4471.har: request header authorization (Bearer), GET api.example/v1/orders',
      issued_to_client: false, addresses_before: ['81.2.69.142'], countries_before: ['GB'], ips: ['216.160.83.56'],
      accepted_from_another_country_or_network: true,
    });
    expect(alice!.first_seen).toBe('2026-03-14T10:00:00Z');
    const [gina] = (await scenarioFindings(NAME)).filter((f) => f.jti === 'har-issued-abroad');
    expect(gina!.title).toContain('issued to the client in HAR');
    expect(gina!.evidence.ips).toEqual(['216.160.83.56']);
  });

  it('its description carries its ladder', () => {
    expect(harTokenReplay.description).toContain('Severity: critical when the server accepted it from a new address in a country');
  });
});
