// The bench's token pool: K real tokens in login sessions (refresh chains), signed once up front.
import { SignJWT } from 'jose';
import { int, pick, uuid, hex, type Rng } from '../../scripts/incident/prng.js';
import type { BenchKey } from './keys.js';

const DAY = Date.UTC(2026, 2, 14) / 1000;
export const API = 'https://api.acme.example';
export const STEP = 870; // a session refreshes every 14.5 minutes

export interface Tok {
  token: string;
  jti: string;
  /** Pre-serialised `"token":…,"jti":…,"sub":…,"sid":…,"client_id":…`: lines are built by concatenation. */
  frag: string;
}

export interface User {
  sub: string;
  /** Pre-serialised `"ip":…,"geo":…,"ua":…,"app_version":…`. */
  frag: string;
  ip: string;
}

export interface Session {
  user: User;
  client_id: string;
  sid: string;
  start: number; // epoch seconds
  /** One [refresh token, access token] per generation; generation g is issued at start + g * STEP. */
  gens: [Tok, Tok][];
}

const PLACES = [
  ['81.2.69.', 'GB', 'London', 51.5142, -0.0931], ['216.160.83.', 'US', 'Milton', 47.2513, -122.3149],
  ['89.160.20.', 'SE', 'Linköping', 58.4167, 15.6167], ['175.16.199.', 'CN', 'Changchun', 43.88, 125.3228],
  ['2.125.160.', 'GB', 'Boxford', 51.75, -1.25], ['67.43.156.', 'BT', 'Thimphu', 27.4661, 89.6419],
] as const;
const UAS = [
  ['acme-web', 'web-2026.03.2', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36'],
  ['acme-web', 'web-2026.03.2', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Safari/605.1.15'],
  ['acme-mobile', 'ios-5.4.1', 'AcmeMobile/5.4.1 (iPhone; iOS 18.3; Scale/3.00)'],
  ['acme-mobile', 'android-5.3.0', 'AcmeMobile/5.3.0 (Linux; Android 14; SM-S911B)'],
] as const;

export function makeUsers(rng: Rng, n: number): User[] {
  return Array.from({ length: n }, (_, i) => {
    const [prefix, country, city, lat, lon] = pick(rng, PLACES);
    const [, app, ua] = pick(rng, UAS);
    const ip = `${prefix}${int(rng, 1, 254)}`;
    const frag = `"ip":"${ip}","geo":${JSON.stringify({ country, city, lat, lon })},"ua":${JSON.stringify(ua)},"app_version":"${app}"`;
    return { sub: `u-${100000 + i}`, frag, ip };
  });
}

interface Spec {
  key: BenchKey;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  none: boolean;
  out: Tok;
}

/** Sessions until `k` tokens exist; the signing work is returned separately so it can run concurrently. */
export function planSessions(rng: Rng, keys: readonly BenchKey[], users: readonly User[], k: number): { sessions: Session[]; specs: Spec[] } {
  const sessions: Session[] = [];
  const specs: Spec[] = [];
  // Weights per key: RS256, PS256, ES256, EdDSA, HS256.
  const weights = [0.4, 0.1, 0.2, 0.15, 0.15];
  let accessCount = 0;
  while (specs.length < k) {
    const key = keys[pickWeighted(rng, weights)]!;
    const user = pick(rng, users);
    const client_id = key.alg === 'EdDSA' ? 'partner-portal' : key.alg === 'HS256' ? 'svc-reports' : key.alg === 'ES256' ? 'acme-mobile' : 'acme-web';
    const gensN = Math.min(int(rng, 1, 6), Math.ceil((k - specs.length) / 2));
    const s: Session = { user, client_id, sid: `s-${hex(rng, 16)}`, start: DAY + int(rng, 0, 86400 - gensN * STEP - 60), gens: [] };
    for (let g = 0; g < gensN; g++) {
      const iat = s.start + g * STEP;
      const mk = (kind: 'refresh' | 'access'): Tok => {
        const none = kind === 'access' && ++accessCount % 3000 === 1000; // a few alg "none" tokens, even for small K
        const claims: Record<string, unknown> = {
          iss: key.iss, sub: user.sub, aud: API, exp: iat + (kind === 'refresh' ? 2592000 : 900), iat, nbf: iat,
          jti: uuid(rng), client_id, scope: kind === 'refresh' ? 'offline_access' : 'api:read api:write', sid: s.sid,
          ...(kind === 'refresh' ? { token_use: 'refresh' } : {}),
        };
        const out: Tok = { token: '', jti: String(claims.jti), frag: '' };
        specs.push({ key, header: { alg: key.alg, kid: key.kid, typ: kind === 'access' ? 'at+jwt' : 'JWT' }, claims, none, out });
        return out;
      };
      s.gens.push([mk('refresh'), mk('access')]);
    }
    sessions.push(s);
  }
  return { sessions, specs };
}

function pickWeighted(rng: Rng, weights: readonly number[]): number {
  let r = rng();
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]!) < 0) return i;
  return weights.length - 1;
}

/** Sign every planned token, `concurrency` at a time (WebCrypto signs on the libuv pool). */
export async function signAll(specs: readonly Spec[], concurrency: number, onProgress: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < specs.length) {
      const spec = specs[next++]!;
      spec.out.token = spec.none ? unsecured(spec) : await new SignJWT(spec.claims).setProtectedHeader(spec.header as never).sign(spec.key.signKey);
      const c = spec.claims;
      spec.out.frag = `"token":"${spec.out.token}","jti":"${c.jti}","sub":"${c.sub}","sid":"${c.sid}","client_id":"${c.client_id}"`;
      if (++done % 1000 === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function unsecured(spec: Spec): string {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(spec.claims)}.`;
}
