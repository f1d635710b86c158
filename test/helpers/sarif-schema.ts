// Validates SARIF output against the official SARIF 2.1.0 schema (fixtures/schemas, see SOURCE.md there).
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { expect } from 'vitest';

// The schema is draft-04, which Ajv 8 does not speak: its only draft-04-only keyword is the top-level `id`.
const schema = JSON.parse(readFileSync(new URL('../../fixtures/schemas/sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const { id, $schema: _draft, ...rest } = schema;
// unicodeRegExp off: the schema's `language` pattern has a stray `]` that only a non-unicode RegExp accepts.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile({ $id: String(id), ...rest });

export function expectValidSarif(log: unknown): void {
  const ok = validate(log);
  expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)).toEqual([]);
}
