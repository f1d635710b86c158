// A seeded world for a week of benign production traffic (issue 21): users with devices and home places, an
// identity provider that rotates its signing key mid-week, real signatures, and sessions that log in, use, refresh
// and log out. Pattern modules (scripts/benign/patterns/*.ts) add the routine behaviours that used to raise
// findings; every event a pattern adds carries `benign_pattern` (kept in the store's `extra`), so a finding on the
// baseline can be traced to the routine that caused it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SignJWT, exportJWK, generateKeyPair, generateSecret, importJWK, type JWK } from 'jose';

export const DAY = 86_400;
export const HOUR = 3_600;
/** Monday 2026-03-09T00:00:00Z: the week runs seven days from here. */
export const T0 = 1773014400;
export const ISS = 'https://auth.example';
export const API = 'https://api.example';
export const BILLING = 'https://billing.example';
export const USERINFO = `${ISS}/userinfo`;

export const iso = (s: number): string => new Date(Math.round(s) * 1000).toISOString().replace('.000Z', 'Z');

export interface Geo {
  country: string;
  city: string;
  lat: number;
  lon: number;
}
export interface Place {
  ip: string;
  /** the same network's IPv6 address (dual stack), when it has one */
  ip6?: string;
  geo: Geo;
}
export interface Device {
  ua: string;
  client_id: string;
  app_version: string;
}
export interface User {
  sub: string;
  home: Place;
  /** [0] the laptop browser, [1] the phone app when the user has one */
  devices: Device[];
}

export type KeyName = 'old' | 'current' | 'archived' | 'partner' | 'internal';
const KEYS: Record<KeyName, { alg: 'EdDSA' | 'RS256' | 'HS256'; kid: string; exported: boolean }> = {
  // retired before the week began: tokens it signed (30-day refresh tokens) are still in use, but the JWKS saved
  // for the investigation was taken after rotation and no longer holds it (issue 21 pattern 12)
  archived: { alg: 'EdDSA', kid: 'auth-2026-01', exported: false },
  old: { alg: 'EdDSA', kid: 'auth-2026-02', exported: true },
  current: { alg: 'EdDSA', kid: 'auth-2026-03', exported: true },
  partner: { alg: 'RS256', kid: 'partner-1', exported: true },
  internal: { alg: 'HS256', kid: 'jobs-1', exported: true },
};
/** The main issuer's rotation: `current` activated Tuesday 06:00, `old` retired Wednesday 06:00. */
export const ROTATION = { activated: T0 + DAY + 6 * HOUR, retired: T0 + 2 * DAY + 6 * HOUR };

export const UA = {
  chromeWin: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  chromeMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
  iosApp: 'AcmeApp/5.2.1 (iPhone; iOS 17.3.1; Scale/3.00)',
  androidApp: 'AcmeApp/5.2.1 (Linux; Android 14; Pixel 8)',
};

export const PLACES: Place[] = [
  { ip: '81.2.69.142', ip6: '2a02:6b8::1:142', geo: { country: 'GB', city: 'London', lat: 51.5142, lon: -0.0931 } },
  { ip: '86.12.40.7', geo: { country: 'GB', city: 'Manchester', lat: 53.4808, lon: -2.2426 } },
  { ip: '2.3.4.5', ip6: '2a01:cb00::2:345', geo: { country: 'FR', city: 'Paris', lat: 48.8566, lon: 2.3522 } },
  { ip: '91.64.12.9', geo: { country: 'DE', city: 'Berlin', lat: 52.52, lon: 13.405 } },
  { ip: '145.53.1.20', geo: { country: 'NL', city: 'Amsterdam', lat: 52.3676, lon: 4.9041 } },
  { ip: '83.45.7.33', geo: { country: 'ES', city: 'Madrid', lat: 40.4168, lon: -3.7038 } },
  { ip: '73.162.9.41', ip6: '2601:644::9:41', geo: { country: 'US', city: 'San Francisco', lat: 37.7749, lon: -122.4194 } },
  { ip: '98.113.4.77', geo: { country: 'US', city: 'New York', lat: 40.7128, lon: -74.006 } },
  { ip: '24.114.8.3', geo: { country: 'CA', city: 'Toronto', lat: 43.6532, lon: -79.3832 } },
];

export interface Ev {
  ts: string;
  event: string;
  [field: string]: unknown;
}
export type Rec = Record<string, unknown>;

export interface Minted {
  token: string;
  jti: string;
  iat: number;
  exp: number;
}

export interface MintOptions {
  sub: string;
  kind: 'access' | 'refresh' | 'id';
  iat: number;
  /** seconds; default access 900, id 3600, refresh 30 days */
  ttl?: number;
  sid?: string;
  aud?: string | string[];
  claims?: Record<string, unknown>;
  /** default: the main issuer's key signing at `iat` */
  key?: KeyName;
  iss?: string;
  /** default: a fresh jti `<kind>-<n>` */
  jti?: string;
}

/** A login: the session's tokens and where it happens. */
export interface Session {
  user: User;
  device: Device;
  place: Place;
  sid: string;
  /** the latest refresh token of the chain (after every rotation so far) */
  refresh: Minted;
  /** the latest access token */
  access: Minted;
  id: Minted;
  /** seconds: when the session's traffic ended */
  end: number;
}

export class World {
  readonly events: Ev[] = [];
  readonly rotation: Rec[] = [];
  readonly revocations: Rec[] = [];
  readonly users: User[] = [];
  private state: number;
  private counter = 0;
  private constructor(
    seed: number,
    private readonly keys: Record<KeyName, JWK>,
  ) {
    this.state = seed >>> 0 || 1;
  }

  static async create(seed: number, keyFile: URL, users = 120): Promise<World> {
    const w = new World(seed, await privateKeys(keyFile));
    for (let i = 0; i < users; i++) {
      const home = w.pick(PLACES);
      const laptop: Device = { ua: w.pick([UA.chromeWin, UA.chromeMac, UA.firefox, UA.safariMac]), client_id: 'web', app_version: '5.2.1' };
      const devices = [laptop];
      if (w.chance(0.6)) {
        const ios = w.chance(0.5);
        devices.push({ ua: ios ? UA.iosApp : UA.androidApp, client_id: ios ? 'ios-app' : 'android-app', app_version: '5.2.1' });
      }
      w.users.push({ sub: `user-${String(i).padStart(3, '0')}`, home, devices });
    }
    w.rotation.push(
      { ts: '2025-12-28T00:00:00Z', kid: KEYS.archived.kid, action: 'created', actor: 'kms' },
      { ts: '2026-01-05T06:00:00Z', kid: KEYS.archived.kid, action: 'activated', actor: 'kms' },
      { ts: '2026-01-28T00:00:00Z', kid: KEYS.old.kid, action: 'created', actor: 'kms' },
      { ts: '2026-02-02T06:00:00Z', kid: KEYS.old.kid, action: 'activated', actor: 'kms' },
      { ts: '2026-02-04T06:00:00Z', kid: KEYS.archived.kid, action: 'retired', actor: 'kms', reason: 'scheduled rotation' },
      { ts: iso(ROTATION.activated - 5 * DAY), kid: KEYS.current.kid, action: 'created', actor: 'kms' },
      { ts: iso(ROTATION.activated), kid: KEYS.current.kid, action: 'activated', actor: 'kms' },
      { ts: iso(ROTATION.retired), kid: KEYS.old.kid, action: 'retired', actor: 'kms', reason: 'scheduled rotation' },
      { ts: '2026-01-02T00:00:00Z', kid: KEYS.partner.kid, action: 'created', actor: 'partner' },
      { ts: '2026-01-02T00:00:00Z', kid: KEYS.partner.kid, action: 'activated', actor: 'partner' },
      { ts: '2026-02-10T00:00:00Z', kid: KEYS.internal.kid, action: 'created', actor: 'vault' },
      { ts: '2026-02-10T00:00:00Z', kid: KEYS.internal.kid, action: 'activated', actor: 'vault' },
    );
    return w;
  }

  /** Seeded uniform [0, 1) (mulberry32): the same seed writes the same week. */
  rand(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)]!;
  }
  /** A fresh id with a prefix (jtis, sids). */
  id(prefix: string): string {
    return `${prefix}-${(++this.counter).toString(36).padStart(5, '0')}`;
  }

  kid(key: KeyName): string {
    return KEYS[key].kid;
  }
  /** The main issuer's signing key at time t. */
  keyAt(t: number): KeyName {
    return t >= ROTATION.activated ? 'current' : 'old';
  }

  async mint(o: MintOptions): Promise<Minted> {
    const key = o.key ?? this.keyAt(o.iat);
    const ttl = o.ttl ?? (o.kind === 'access' ? 900 : o.kind === 'id' ? 3600 : 30 * DAY);
    const jti = o.jti ?? this.id(o.kind === 'access' ? 'at' : o.kind === 'id' ? 'idt' : 'rt');
    const claims: Record<string, unknown> = {
      iss: o.iss ?? ISS,
      sub: o.sub,
      aud: o.aud ?? (o.kind === 'access' ? API : o.kind === 'id' ? 'web' : ISS),
      iat: o.iat,
      exp: o.iat + ttl,
      jti,
      ...(o.kind === 'access' ? { nbf: o.iat, scope: 'openid profile api' } : {}),
      ...(o.kind === 'refresh' ? { token_use: 'refresh' } : {}),
      ...(o.sid ? { sid: o.sid } : {}),
      ...o.claims,
    };
    const spec = KEYS[key];
    const header = { alg: spec.alg, kid: spec.kid, typ: o.kind === 'access' ? 'at+jwt' : 'JWT' };
    const token = await new SignJWT(claims).setProtectedHeader(header).sign(await importJWK(this.keys[key]!, spec.alg));
    return { token, jti, iat: o.iat, exp: o.iat + ttl };
  }

  /** Adds an event; `pattern` tags it (null: background traffic). Times are epoch seconds or ISO. */
  push(pattern: string | null, ev: Omit<Ev, 'ts'> & { ts: string | number }): Ev {
    const out = { ...ev, ts: typeof ev.ts === 'number' ? iso(ev.ts) : ev.ts } as Ev;
    if (pattern) out.benign_pattern = pattern;
    this.events.push(out);
    return out;
  }

  /** The fields every event of a session carries. */
  common(s: Pick<Session, 'user' | 'device' | 'place' | 'sid'>, ip?: string): Rec {
    return {
      sub: s.user.sub, sid: s.sid, client_id: s.device.client_id, ua: s.device.ua, app_version: s.device.app_version,
      ip: ip ?? s.place.ip, geo: s.place.geo,
    };
  }

  /**
   * A login and its traffic: an ID, access and refresh token issued at `start`; API calls every few minutes for
   * `seconds`; each access token refreshed shortly before it expires (the refresh token rotating: each one
   * exchanged once); a logout at the end when `logout`.
   */
  async session(
    user: User,
    start: number,
    seconds: number,
    o: { device?: Device; place?: Place; pattern?: string | null; logout?: boolean; sid?: string } = {},
  ): Promise<Session> {
    const pattern = o.pattern ?? null;
    const device = o.device ?? user.devices[0]!;
    const place = o.place ?? user.home;
    const sid = o.sid ?? this.id('sid');
    const base = { user, device, place, sid };
    const c = this.common(base);
    const id = await this.mint({ sub: user.sub, kind: 'id', iat: start, sid, aud: device.client_id, claims: { nonce: this.id('n') } });
    let refresh = await this.mint({ sub: user.sub, kind: 'refresh', iat: start, sid, claims: { client_id: device.client_id } });
    let access = await this.mint({ sub: user.sub, kind: 'access', iat: start, sid, claims: { client_id: device.client_id } });
    this.push(pattern, { ts: start, event: 'login', outcome: 'success', ...c });
    for (const m of [id, refresh, access]) this.push(pattern, { ts: start, event: 'issue', token: m.token, jti: m.jti, outcome: 'success', ...c });
    const end = start + seconds;
    let t = start;
    for (;;) {
      t += this.int(60, 420);
      if (t >= end) break;
      if (t >= access.exp - 60) {
        // the client renews shortly before expiry: the refresh token rotates
        const next = await this.mint({ sub: user.sub, kind: 'refresh', iat: t, sid, claims: { client_id: device.client_id } });
        access = await this.mint({ sub: user.sub, kind: 'access', iat: t, sid, claims: { client_id: device.client_id } });
        this.push(pattern, { ts: t, event: 'refresh', token: next.token, jti: next.jti, parent_jti: refresh.jti, outcome: 'success', ...c });
        this.push(pattern, { ts: t, event: 'issue', token: access.token, jti: access.jti, outcome: 'success', ...c });
        refresh = next;
        t += this.int(1, 5);
      }
      this.push(pattern, { ts: t, event: 'use', token: access.token, jti: access.jti, aud: API, outcome: 'success', ...c });
    }
    if (o.logout) this.push(pattern, { ts: end, event: 'logout', jti: refresh.jti, outcome: 'success', ...c });
    return { ...base, refresh, access, id, end };
  }

  /** The public JWKS the investigation was given: every exported key (the archived one is missing). */
  jwks(): string {
    const keys = (Object.keys(KEYS) as KeyName[]).filter((k) => KEYS[k].exported).map((k) => publicJwk(this.keys[k]!, KEYS[k]));
    return JSON.stringify({ keys }, null, 2) + '\n';
  }
}

function publicJwk(jwk: JWK, spec: { alg: string; kid: string }): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  return { ...pub, kid: spec.kid, alg: spec.alg, use: 'sig' };
}

/** Fixed test-only keys, committed beside the script so the fixture regenerates byte for byte. */
async function privateKeys(file: URL): Promise<Record<KeyName, JWK>> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const out = {} as Record<KeyName, JWK>;
  for (const [name, spec] of Object.entries(KEYS) as [KeyName, (typeof KEYS)[KeyName]][]) {
    const jwk =
      spec.alg === 'HS256'
        ? await exportJWK(await generateSecret('HS256', { extractable: true }))
        : await exportJWK((await generateKeyPair(spec.alg, { extractable: true, modulusLength: 2048 })).privateKey);
    out[name] = { ...jwk, kid: spec.kid, alg: spec.alg };
  }
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  return out;
}

/** sha256 hex of a string (for notes that name a token without printing it). */
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
