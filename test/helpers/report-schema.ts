// Validates a JSON report against docs/report.schema.json: every test that produces a report calls this, so the
// schema and the code cannot drift apart unnoticed.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { expect } from 'vitest';

const SCHEMA = JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8')) as object;

const ajv = new Ajv2020({ allErrors: true, strict: true });
// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose `default` is the plugin.
ajvFormats.default(ajv);
const validate = ajv.compile(SCHEMA);

/** Fails the test with ajv's errors (path and message) when `report` does not match the schema. */
export function expectValidReport(report: unknown): void {
  const ok = validate(report);
  expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)).toEqual([]);
}
