// The canonical event schema as a stage spec: JSON paths in, typed columns out (DESIGN.md "Auth events").
import type { StageSpec } from './ndjson-stage.js';
import { textSql, timestampSql } from '../sql-time.js';

const TEXT_FIELDS = ['jti', 'sub', 'sid', 'client_id', 'ip', 'ua', 'app_version', 'aud', 'outcome', 'parent_jti', 'reason'] as const;

const bearer = (col: string): string => `NULLIF(regexp_extract(${col}, '^\\s*[Bb][Ee][Aa][Rr][Ee][Rr]\\s+(\\S+)\\s*$', 1), '')`;

const TOKEN = `COALESCE(${textSql('r_token')}, ${bearer('r_authz')}, ${bearer('r_authz_cap')})`;

export const EVENT_STAGE: StageSpec = {
  table: 'stage_events',
  fields: {
    ts: '$.ts',
    event: '$.event',
    token: '$.token',
    authz: '$.authorization',
    authz_cap: '$.Authorization',
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
    token: TOKEN,
    ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, textSql(`r_${f}`)])),
    outcome: `lower(${textSql('r_outcome')})`,
    country: textSql('r_country'),
    city: textSql('r_city'),
    lat: 'TRY_CAST(r_lat AS DOUBLE)',
    lon: 'TRY_CAST(r_lon AS DOUBLE)',
    extra: 'x',
  },
  // `extra` keeps what the columns do not: merge-patch nulls remove the canonical keys (only geo's four members).
  omit: {
    ...Object.fromEntries(['ts', 'event', 'token', 'authorization', 'Authorization', ...TEXT_FIELDS].map((k) => [k, null])),
    geo: { country: null, city: null, lat: null, lon: null },
  },
};
