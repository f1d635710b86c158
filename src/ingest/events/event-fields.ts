// The canonical event schema as a stage spec: JSON paths in, typed columns out (DESIGN.md "Auth events").
import type { StageSpec } from './ndjson-stage.js';
import { textSql, timestampSql } from '../sql-time.js';
import { claimsTokenSql, extraWithoutClaimsSql } from './claims-fields.js';

const TEXT_FIELDS = ['jti', 'sub', 'sid', 'client_id', 'ip', 'ua', 'app_version', 'aud', 'outcome', 'parent_jti', 'reason'] as const;

// An Authorization header with a token: `Bearer` (RFC 6750) or `DPoP` (RFC 9449), scheme names in any case.
const AUTH = '^\\s*([Bb][Ee][Aa][Rr][Ee][Rr]|[Dd][Pp][Oo][Pp])\\s+(\\S+)\\s*$';
const bearer = (col: string): string => `NULLIF(regexp_extract(${col}, '${AUTH}', 2), '')`;
const scheme = (col: string): string => `NULLIF(regexp_extract(${col}, '${AUTH}', 1), '')`;
const AUTHZ = `coalesce(r_authz, r_authz_cap)`;

const TOKEN = `COALESCE(${textSql('r_token')}, ${bearer('r_authz')}, ${bearer('r_authz_cap')})`;
// Without a token, the `claims` a gateway logged (with the JOSE `header`, when logged) stand for it (claims-fields.ts).
const FROM_CLAIMS = `(${TOKEN} IS NULL AND r_claims IS NOT NULL)`;

// A header we read a token from leaves `extra` (the token is the evidence), its scheme stays as `auth_scheme`
// (`Bearer` or `DPoP`: a DPoP-bound token presented as a bearer token is a replay); a header we could not read
// (another scheme, a malformed value) stays in `extra` whole, never dropped.
// (CASE branches run in turn on the rows still undecided: the regex only on lines that have the header)
const EXTRA = `CASE WHEN ${AUTHZ} IS NULL THEN x WHEN ${scheme(AUTHZ)} IS NULL THEN x
  ELSE NULLIF(json_merge_patch(coalesce(x, '{}'::JSON), json_object('authorization', NULL, 'Authorization', NULL,
    'auth_scheme', CASE WHEN lower(${scheme(AUTHZ)}) = 'dpop' THEN 'DPoP' ELSE 'Bearer' END)), '{}') END`;

// Claims that stand for the token leave `extra` with their header (the token row holds them); beside a token they
// stay in `extra`, what the gateway logged.
const EXTRA_OR_CLAIMS = extraWithoutClaimsSql(FROM_CLAIMS, 'x', EXTRA);

export const EVENT_STAGE: StageSpec = {
  table: 'stage_events',
  fields: {
    ts: '$.ts',
    event: '$.event',
    token: '$.token',
    authz: '$.authorization',
    authz_cap: '$.Authorization',
    claims: '$.claims',
    header: '$.header',
    ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, `$.${f}`])),
    country: '$.geo.country',
    city: '$.geo.city',
    lat: '$.geo.lat',
    lon: '$.geo.lon',
  },
  projection: {
    ts: timestampSql('r_ts'),
    ts_raw: 'r_ts',
    event: `lower(${textSql('r_event')})`,
    token: `COALESCE(${TOKEN}, ${claimsTokenSql('r_claims', 'r_header')})`,
    ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, textSql(`r_${f}`)])),
    outcome: `lower(${textSql('r_outcome')})`,
    country: textSql('r_country'),
    city: textSql('r_city'),
    lat: 'TRY_CAST(r_lat AS DOUBLE)',
    lon: 'TRY_CAST(r_lon AS DOUBLE)',
    extra: EXTRA_OR_CLAIMS,
  },
  // `extra` keeps what the columns do not: merge-patch nulls remove the canonical keys (only geo's four members).
  omit: {
    ...Object.fromEntries(['ts', 'event', 'token', ...TEXT_FIELDS].map((k) => [k, null])),
    geo: { country: null, city: null, lat: null, lon: null },
  },
  duplicates: true,
};
