// Regenerates fixtures/scenarios/*: each module in scripts/scenarios/ (other than kit.ts) exports `scenario(kit)`.
// The expected findings come from what each scenario plants, never from running the tool.
import { readdirSync } from 'node:fs';
import { loadKit, writeScenario, type Kit, type Scenario } from './scenarios/kit.js';

const kit = await loadKit();
const dir = new URL('./scenarios/', import.meta.url);
const only = process.argv.slice(2);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'kit.ts').sort()) {
  const mod = (await import(new URL(file, dir).href)) as { scenario: (kit: Kit) => Promise<Scenario | Scenario[]> };
  const made = await mod.scenario(kit);
  for (const s of Array.isArray(made) ? made : [made]) {
    if (only.length && !only.includes(s.id)) continue;
    writeScenario(s);
    process.stdout.write(`wrote fixtures/scenarios/${s.id} (${s.expected.length} expected findings)\n`);
  }
}
