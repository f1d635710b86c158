// Acme's world on 2026-03-14: places (MaxMind test-database IPs), clients, the event log and the
// issuer's token factory. Everything is driven by one seeded Rng and fixed clock times.
import { getKey, type IncidentKey } from './keys.js';
import { hex, type Rng, uuid } from './prng.js';
import { signWith, type Claims, type Minted } from './tokens.js';

export const DAY = Date.UTC(2026, 2, 14);
export const ISSUER = 'https://auth.acme.example';
export const PARTNER_ISSUER = 'https://login.partner.example';
export const API = 'https://api.acme.example';
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const ACCESS_TTL = 15 * 60;
export const REFRESH_TTL = 30 * 24 * 3600;

/** "09:14:30" (or "09:14:30.250") on the incident day, in ms. */
export function at(clock: string): number {
  const [h = 0, m = 0, s = 0] = clock.split(':').map(Number);
  return DAY + Math.round(((h * 60 + m) * 60 + s) * 1000);
}
export const iso = (ms: number): string => new Date(ms).toISOString();

export interface Place {
  country: string;
  city: string;
  lat: number;
  lon: number;
}
export const PLACES = {
  london: { country: 'GB', city: 'London', lat: 51.5142, lon: -0.0931 },
  milton: { country: 'US', city: 'Milton', lat: 47.2513, lon: -122.3149 },
  linkoping: { country: 'SE', city: 'Linköping', lat: 58.4167, lon: 15.6167 },
  sydney: { country: 'AU', city: 'Sydney', lat: -33.8688, lon: 151.2093 },
  changchun: { country: 'CN', city: 'Changchun', lat: 43.88, lon: 125.3228 },
} satisfies Record<string, Place>;

/** Where a request came from and with what: the event fields that describe the caller. */
export interface Client {
  /** Absent for callers whose client the gateway could not tell (garbage tokens). */
  client_id?: string;
  ip: string;
  geo?: Place;
  ua: string;
  app_version?: string;
}

export const UA = {
  chromeWin: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Safari/605.1.15',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:136.0) Gecko/20100101 Firefox/136.0',
  edgeWin: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36 Edg/133.0.0.0',
  ios: 'AcmeMobile/5.4.1 (iPhone; iOS 18.3; Scale/3.00)',
  android: 'AcmeMobile/5.4.0 (Linux; Android 15; Pixel 8)',
  headless: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/122.0.0.0 Safari/537.36',
  pythonRequests: 'python-requests/2.31.0',
  curl: 'curl/8.5.0',
  cli: 'acme-cli/1.9.0 (darwin; arm64)',
  reports: 'acme-reports/3.2.0 node/20.11.1',
} as const;

export type TsForm = 'iso' | 's' | 'ms';

/** One auth event before serialisation; `ts` in ms. */
export interface Ev {
  ts: number;
  event: 'issue' | 'refresh' | 'use' | 'revoke' | 'logout' | 'fail';
  outcome: 'success' | 'failure';
  token?: string;
  /** Log the token as `authorization: "Bearer …"` instead of `token`. */
  bearer?: boolean;
  jti?: string;
  sub?: string;
  sid?: string;
  /** From the token's claims when readable; else the caller's. */
  client_id?: string;
  client?: Client;
  aud?: string;
  parent_jti?: string;
  reason?: string;
  http_status: number;
  tsForm?: TsForm;
  extra?: Record<string, unknown>;
}

export class EventLog {
  readonly events: Ev[] = [];
  add(ev: Ev): Ev {
    this.events.push(ev);
    return ev;
  }
  /** The gateway logs a token's identity (jti, sub, sid, client_id) only when it could read it: pass a bare
   *  string for garbage, a Minted for a token whose claims it parsed. */
  tokenEvent(ts: number, event: Ev['event'], client: Client, t: Minted | string, more: Partial<Ev> = {}): Ev {
    const ids = typeof t === 'string' ? {} : identity(t.claims);
    const token = typeof t === 'string' ? t : t.token;
    const ok = (more.outcome ?? 'success') === 'success';
    return this.add({ ts, event, outcome: 'success', token, client, http_status: ok ? 200 : 401, ...ids, ...more });
  }
  use(ts: number, client: Client, t: Minted | string, more: Partial<Ev> = {}): Ev {
    return this.tokenEvent(ts, 'use', client, t, { aud: API, ...more });
  }
}

function identity(c: Claims): Partial<Ev> {
  const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return { jti: s(c.jti), sub: s(c.sub), sid: s(c.sid), client_id: s(c.client_id) };
}

/** Acme's authorization server: access tokens (at+jwt, 15 min) and refresh tokens (30 days). */
export class Issuer {
  constructor(
    readonly rng: Rng,
    readonly keys: Map<string, IncidentKey>,
  ) {}

  newSid(): string {
    return `s-${hex(this.rng, 16)}`;
  }

  access(sub: string, client_id: string, sid: string | undefined, ms: number, kid = 'acme-2026-rsa', ttl = ACCESS_TTL): Promise<Minted> {
    const iat = Math.floor(ms / 1000);
    const scope = client_id === 'svc-reports' ? 'reports:read' : 'openid profile api:read api:write';
    const claims: Claims = { iss: ISSUER, sub, aud: API, exp: iat + ttl, iat, nbf: iat, jti: uuid(this.rng), client_id, scope };
    if (sid) claims.sid = sid;
    return signWith(getKey(this.keys, kid), claims, { typ: 'at+jwt' });
  }

  refresh(sub: string, client_id: string, sid: string, ms: number, kid = 'acme-2026-rsa'): Promise<Minted> {
    const iat = Math.floor(ms / 1000);
    const claims: Claims = {
      iss: ISSUER, sub, aud: API, exp: iat + REFRESH_TTL, iat, nbf: iat, jti: uuid(this.rng),
      client_id, sid, scope: 'offline_access', token_use: 'refresh',
    };
    return signWith(getKey(this.keys, kid), claims, { typ: 'JWT' });
  }
}
