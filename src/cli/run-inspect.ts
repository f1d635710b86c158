// `inspect`: what a token says about itself, and whether the registry's keys stand behind it.
// Prints header and claims, never the signature; starts DuckDB only when a store exists to verify against.
import { existsSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { UsageError } from '../errors.js';
import { decodeToken } from '../jwt/decode.js';
import type { VerifyOptions } from '../jwt/verify.js';
import { loadPolicy, verifyOptions } from '../policy/policy.js';
import type { DecodedToken, VerifyResult } from '../types.js';
import { formatOf, type Globals } from './context.js';
import { type Out } from './output.js';
import { toJson } from '../format/serialize.js';

export interface Inspection {
  fingerprint: string;
  length: number;
  decoded: { ok: boolean; reason: string | null; detail: string | null; payload_reason: string | null };
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  times: Record<string, { epoch: number; iso: string | null; relative: string }>;
  lifetime_seconds: number | null;
  signature_bytes: number;
  verification: (VerifyResult & { store: string }) | { status: 'not-checked'; why: string };
}

export async function runInspect(arg: string, g: Globals, out: Out): Promise<Inspection> {
  const format = formatOf(g, ['table', 'json'], 'table');
  const raw = (arg === '-' ? await text(process.stdin) : arg).trim().replace(/^bearer\s+/i, '');
  if (!raw) throw new UsageError('inspect needs a token (or `-` with the token on standard input)');
  const d = decodeToken(raw);
  const result = describe(d, await verifyIfStore(d, g.db, verifyOptions(loadPolicy(g.config))), Date.now());
  out.write(format === 'json' ? toJson(result) : renderInspection(result, out));
  return result;
}

async function verifyIfStore(d: DecodedToken, db: string, opts: VerifyOptions): Promise<Inspection['verification']> {
  if (db !== ':memory:' && !existsSync(db)) return { status: 'not-checked', why: `no store at ${db}` };
  const [{ Store }, { loadKeys }, { verifyTokens }] = await Promise.all([
    import('../store/db.js'),
    import('../store/key-registry.js'),
    import('../jwt/verify.js'),
  ]);
  const store = await Store.open(db, { readOnly: true });
  try {
    const keys = await loadKeys(store);
    const v = (await verifyTokens([d], keys, opts)).get(d.sha256);
    if (!v) return { status: 'not-checked', why: 'verifier returned nothing' };
    // an oct key's thumbprint is a hash of the secret (an offline oracle for it): named by its kid only
    const secret = v.jkt ? keys.some((k) => k.isSecret && k.thumbprint === v.jkt) : false;
    return { ...v, ...(secret ? { jkt: null } : {}), store: db };
  } finally {
    store.close();
  }
}

export function describe(d: DecodedToken, verification: Inspection['verification'], now: number): Inspection {
  const times: Inspection['times'] = {};
  for (const name of ['iat', 'nbf', 'exp'] as const) {
    const v = d[name];
    if (v !== null) times[name] = { epoch: v, iso: isoOf(v), relative: relative(v * 1000 - now) };
  }
  return {
    fingerprint: d.fingerprint,
    length: d.raw.length,
    decoded: { ok: d.ok, reason: d.reason, detail: d.detail, payload_reason: d.payloadReason },
    header: d.header,
    claims: d.claims,
    times,
    lifetime_seconds: d.exp !== null && d.iat !== null ? d.exp - d.iat : null,
    signature_bytes: d.signatureLength,
    verification,
  };
}

function isoOf(seconds: number): string | null {
  const ms = seconds * 1000;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
}

export function relative(ms: number): string {
  const abs = Math.abs(ms);
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  const [size, unit] = units.find(([s]) => abs >= s) ?? [1000, 's'];
  const n = Math.floor(abs / size);
  return ms >= 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}

function renderInspection(r: Inspection, out: Out): string {
  const c = out.color;
  const lines = [`${c.bold('token')} ${r.fingerprint} (${r.length} chars, signature ${r.signature_bytes} bytes, not shown)`];
  if (!r.decoded.ok) lines.push(c.red(`malformed: ${r.decoded.reason} — ${r.decoded.detail ?? ''}`));
  if (r.decoded.payload_reason) lines.push(c.yellow(`payload is not a JSON object: ${r.decoded.payload_reason}`));
  if (r.header) lines.push(c.bold('header'), indent(JSON.stringify(r.header, null, 2)));
  if (r.claims) lines.push(c.bold('claims'), indent(JSON.stringify(r.claims, null, 2)));
  for (const [name, t] of Object.entries(r.times)) lines.push(`${name.padEnd(4)} ${t.iso ?? 'out of range'} (${t.relative})`);
  if (r.lifetime_seconds !== null) lines.push(`lifetime ${r.lifetime_seconds} s (${relative(r.lifetime_seconds * 1000).replace('in ', '')})`);
  lines.push(verificationLine(r.verification, out));
  return `${lines.join('\n')}\n`;
}

function verificationLine(v: Inspection['verification'], out: Out): string {
  const c = out.color;
  if (v.status === 'not-checked') return `signature: not checked (${v.why})`;
  const paint = v.status === 'valid' ? c.green : v.status === 'unknown-key' ? c.yellow : c.red;
  return `signature: ${paint(v.status)}${v.kid ? ` by kid ${v.kid}` : ''}${v.detail ? ` (${v.detail})` : ''} against ${v.store}`;
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
