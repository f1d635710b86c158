// The report's redaction is the one every output uses: src/util/redact.ts.
export { REDACTED, fingerprintOf, redactDeep, redactString } from '../util/redact.js';
