// The store's tables (DESIGN.md "The store"). Bump SCHEMA_VERSION and add a step to MIGRATIONS on any change,
// so a store made by an older version is migrated rather than misread.

export const SCHEMA_VERSION = 6;

const V1 = `
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE source_ids START 1;
CREATE TABLE sources (
  id INTEGER PRIMARY KEY, path VARCHAR NOT NULL, sha256 VARCHAR NOT NULL UNIQUE, kind VARCHAR NOT NULL,
  preset VARCHAR, bytes BIGINT, rows BIGINT, rejected BIGINT, new_tokens BIGINT,
  ingested_at TIMESTAMP NOT NULL, tool_version VARCHAR NOT NULL, elapsed_ms BIGINT);
CREATE TABLE events (
  source_id INTEGER NOT NULL, line BIGINT NOT NULL, ts TIMESTAMP NOT NULL, event VARCHAR, token_sha VARCHAR,
  jti VARCHAR, sub VARCHAR, sid VARCHAR, client_id VARCHAR, ip VARCHAR,
  country VARCHAR, city VARCHAR, lat DOUBLE, lon DOUBLE, ua VARCHAR, app_version VARCHAR, aud VARCHAR,
  outcome VARCHAR, parent_jti VARCHAR, reason VARCHAR, extra JSON);
CREATE TABLE tokens (
  sha256 VARCHAR PRIMARY KEY, fingerprint VARCHAR NOT NULL, raw VARCHAR NOT NULL, length INTEGER NOT NULL,
  decode_ok BOOLEAN NOT NULL, decode_reason VARCHAR, decode_detail VARCHAR, payload_reason VARCHAR,
  header JSON, claims JSON, alg VARCHAR, kid VARCHAR, typ VARCHAR, iss VARCHAR, sub VARCHAR, aud VARCHAR[],
  jti VARCHAR, iat DOUBLE, nbf DOUBLE, exp DOUBLE, sig_len INTEGER,
  sig_status VARCHAR NOT NULL, sig_kid VARCHAR, sig_detail VARCHAR, first_source INTEGER NOT NULL);
CREATE TABLE keys (
  kid VARCHAR NOT NULL, thumbprint VARCHAR NOT NULL, kid_source VARCHAR NOT NULL, kty VARCHAR NOT NULL,
  alg VARCHAR, use VARCHAR, crv VARCHAR, bits INTEGER, jwk JSON NOT NULL, is_secret BOOLEAN NOT NULL,
  x509 JSON, source_id INTEGER NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (kid, thumbprint));
CREATE TABLE key_events (
  source_id INTEGER NOT NULL, line BIGINT NOT NULL, ts TIMESTAMP NOT NULL, kid VARCHAR NOT NULL,
  action VARCHAR NOT NULL, actor VARCHAR, reason VARCHAR, extra JSON);
CREATE TABLE revocations (
  source_id INTEGER NOT NULL, line BIGINT NOT NULL, ts TIMESTAMP NOT NULL,
  jti VARCHAR, sub VARCHAR, sid VARCHAR, reason VARCHAR, extra JSON);
CREATE TABLE captures (
  source_id INTEGER NOT NULL, line BIGINT NOT NULL, captured_at TIMESTAMP, token_sha VARCHAR NOT NULL,
  origin VARCHAR, note VARCHAR, extra JSON);
CREATE TABLE rejects (
  source_id INTEGER NOT NULL, path VARCHAR NOT NULL, line BIGINT, reason VARCHAR NOT NULL, detail VARCHAR);
CREATE TABLE findings (
  id VARCHAR PRIMARY KEY, check_id VARCHAR NOT NULL, severity VARCHAR NOT NULL, title VARCHAR NOT NULL,
  jti VARCHAR, sub VARCHAR, kid VARCHAR, token VARCHAR, first_seen TIMESTAMP, last_seen TIMESTAMP,
  events JSON, evidence JSON, remediation VARCHAR, run_at TIMESTAMP);
`;

// v2: GeoIP lookups (--geoip / --asn), one row per distinct event IP, located or not, with the database it
// came from (type and build), so an IP is looked up once per database build and evidence names its source.
const V2 = `
CREATE TABLE ip_locations (
  ip VARCHAR PRIMARY KEY, country VARCHAR, city VARCHAR, lat DOUBLE, lon DOUBLE, accuracy_radius_km INTEGER,
  asn BIGINT, as_org VARCHAR, db VARCHAR NOT NULL);
`;

// v3: what a token's verification and decoding established beyond its status: the RFC 7638 thumbprint of the key
// that verified it (keys are known by their material, not only by a kid two issuers may share), and the segments
// that were base64url only to a lenient decoder (a sign of tampering; NULL when canonical).
const V3 = `
ALTER TABLE tokens ADD COLUMN sig_jkt VARCHAR;
ALTER TABLE tokens ADD COLUMN noncanonical VARCHAR[];
`;

// v4: check runs, and rotation records that may name the key exactly (`jkt`, its RFC 7638 thumbprint) or its
// issuer (`iss`): two issuers or two key generations sharing a kid no longer share a lifecycle. Check runs. Every run of checks is recorded with what it saw (tool version, the policy and its sha256, the
// sources by id and sha256, the checks that ran), and each finding names its run: a report, a timeline or an
// investigation can tell whether the stored findings were made from the store's present inputs and policy.
const V4 = `
CREATE SEQUENCE run_ids START 1;
CREATE TABLE runs (
  id INTEGER PRIMARY KEY, started_at TIMESTAMP NOT NULL, ended_at TIMESTAMP NOT NULL, tool_version VARCHAR NOT NULL,
  policy_sha256 VARCHAR NOT NULL, policy JSON NOT NULL, sources JSON NOT NULL, checks VARCHAR[] NOT NULL, coverage JSON);
ALTER TABLE findings ADD COLUMN run_id INTEGER;
ALTER TABLE key_events ADD COLUMN jkt VARCHAR;
ALTER TABLE key_events ADD COLUMN iss VARCHAR;
`;

// v5: a token known only by its claims (a gateway logged what it validated, not the token: sig_status
// 'not-captured', src/jwt/claims-token.ts) names the raw token whose claims it is, when the store holds exactly one
// with the same issuer, jti, subject and expiry (`same_as`, its sha256; set at ingest, src/ingest/register-tokens.ts):
// one token seen twice, not two tokens sharing a jti.
const V5 = `
ALTER TABLE tokens ADD COLUMN same_as VARCHAR;
`;

// v6: the ledger (src/store/ledger.ts, docs/evidence.md): one hash-chained entry per act — a source ingested (its
// file's sha256, the digests of the rows it added), a check run (its findings' digests), a report written (its
// bytes' sha256) — and, per ingest entry, the digest of each block of 16,384 lines, to say where rows changed.
// The entry's text (`entry`: seq, time, act and body as RFC 8785 JSON) is kept exactly as hashed, not re-rendered.
const V6 = `
CREATE TABLE ledger (
  seq INTEGER PRIMARY KEY, ts VARCHAR NOT NULL, act VARCHAR NOT NULL, entry VARCHAR NOT NULL, prev VARCHAR NOT NULL,
  hash VARCHAR NOT NULL);
CREATE TABLE ledger_blocks (seq INTEGER NOT NULL, tbl VARCHAR NOT NULL, block BIGINT NOT NULL, rows BIGINT NOT NULL,
  digest VARCHAR NOT NULL);
`;

/** MIGRATIONS[n] takes a store from version n to n+1; index 0 creates a fresh store. */
export const MIGRATIONS: readonly string[] = [V1, V2, V3, V4, V5, V6];
