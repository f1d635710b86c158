// `inspect`: what a token says about itself, whether the registry's keys stand behind it, and what the store's
// findings say of it (src/app/inspect.ts). Prints header and claims, never the signature; starts DuckDB only when a
// store exists.
import { text } from 'node:stream/consumers';
import { verifyIfStore, type InspectFinding, type SignatureSegment, type StoreKnowledge, type Verification } from '../app/inspect.js';
import { UsageError } from '../errors.js';
import { toJson } from '../format/serialize.js';
import { decodeToken } from '../jwt/decode.js';
import { loadPolicy, verifyOptions } from '../policy/policy.js';
import type { DecodedToken } from '../types.js';
import { stripControlInline } from '../util/sanitize.js';
import { formatOf, type Globals } from './context.js';
import { type Out } from './output.js';
import { COMMAND_FORMATS } from './formats.js';

export interface Inspection {
  fingerprint: string;
  length: number;
  decoded: { ok: boolean; reason: string | null; detail: string | null; payload_reason: string | null };
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  times: Record<string, { epoch: number; iso: string | null; relative: string }>;
  lifetime_seconds: number | null;
  /** decoded signature bytes; null when the segment is missing or not base64url (see `signature`) */
  signature_bytes: number | null;
  signature: SignatureSegment;
  verification: Verification;
  /** what the store knows of the token (findings involving it, sightings); null without a store */
  store: StoreKnowledge | null;
}

export async function runInspect(arg: string, g: Globals, out: Out): Promise<Inspection> {
  const format = formatOf(g, COMMAND_FORMATS.inspect, 'table');
  const raw = (arg === '-' ? await text(process.stdin) : arg).trim().replace(/^bearer\s+/i, '');
  if (!raw) throw new UsageError('inspect needs a token (or `-` with the token on standard input)');
  const d = decodeToken(raw);
  const policy = loadPolicy(g.config);
  const { verification, store } = await verifyIfStore(d, g.db, policy, verifyOptions(policy));
  const result = describe(d, verification, Date.now(), store);
  out.write(format === 'json' ? toJson(result) : renderInspection(result, out));
  return result;
}

export function describe(d: DecodedToken, verification: Verification, now: number, store: StoreKnowledge | null = null): Inspection {
  const times: Inspection['times'] = {};
  for (const name of ['iat', 'nbf', 'exp'] as const) {
    const v = d[name];
    if (v !== null) times[name] = { epoch: v, iso: isoOf(v), relative: relative(v * 1000 - now) };
  }
  const signature = signatureSegment(d);
  return {
    fingerprint: d.fingerprint,
    length: d.raw.length,
    decoded: { ok: d.ok, reason: d.reason, detail: d.detail, payload_reason: d.payloadReason },
    header: d.header,
    claims: d.claims,
    times,
    lifetime_seconds: d.exp !== null && d.iat !== null ? d.exp - d.iat : null,
    signature_bytes: signature.bytes,
    signature,
    verification,
    store,
  };
}

/** The decoder's -1 ("not base64url at all") is a state, not a size. */
function signatureSegment(d: DecodedToken): SignatureSegment {
  const parts = d.raw.split('.');
  if (parts.length < 3) return { segment: 'missing', bytes: null };
  if (parts[parts.length - 1] === '') return { segment: 'empty', bytes: 0 };
  if (d.signatureLength < 0) return { segment: 'not-base64url', bytes: null };
  return { segment: 'present', bytes: d.signatureLength };
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
  const lines = [`${c.bold('token')} ${r.fingerprint} (${r.length} chars, ${signatureText(r.signature)})`];
  if (!r.decoded.ok) lines.push(c.red(`malformed: ${r.decoded.reason} — ${stripControlInline(r.decoded.detail ?? '')}`));
  if (r.decoded.payload_reason) lines.push(c.yellow(`payload is not a JSON object: ${r.decoded.payload_reason}`));
  if (r.header) lines.push(c.bold('header'), indent(JSON.stringify(r.header, null, 2)));
  if (r.claims) lines.push(c.bold('claims'), indent(JSON.stringify(r.claims, null, 2)));
  // one time convention everywhere: ISO-8601 UTC with Z, no zero milliseconds
  for (const [name, t] of Object.entries(r.times)) lines.push(`${name.padEnd(4)} ${t.iso?.replace(/\.000Z$/, 'Z') ?? 'out of range'} (${t.relative})`);
  if (r.lifetime_seconds !== null) lines.push(`lifetime ${r.lifetime_seconds} s (${relative(r.lifetime_seconds * 1000).replace('in ', '')})`);
  lines.push(...verificationLines(r.verification, out));
  if (r.store) lines.push(...storeLines(r.store, out));
  return `${lines.join('\n')}\n`;
}

function signatureText(s: SignatureSegment): string {
  if (s.segment === 'missing') return 'no signature segment';
  if (s.segment === 'empty') return 'empty signature';
  if (s.segment === 'not-base64url') return 'signature segment not base64url: undecodable, not shown';
  return `signature ${s.bytes} bytes, not shown`;
}

function verificationLines(v: Verification, out: Out): string[] {
  const c = out.color;
  if (v.status === 'not-checked') return [`signature: not checked (${v.why})`];
  const paint = v.status === 'valid' ? c.green : v.status === 'unknown-key' ? c.yellow : c.red;
  const lines = [`signature: ${paint(v.status)}${v.kid ? ` by kid ${stripControlInline(v.kid)}` : ''}${v.detail ? ` (${v.detail})` : ''} against ${v.store}`];
  const ac = v.alg_confusion;
  if (ac) {
    lines.push(c.red.bold(`  algorithm confusion confirmed: the HMAC verifies with public key ${stripControlInline(ac.kid)} (${ac.thumbprint}) as the secret, ` +
      `in its ${ac.form} form: a forgery made from a public key`));
  }
  return lines;
}

// as the findings tables paint severities (report/render-findings.ts), without loading the report layer
const SEVERITY_PAINT: Record<InspectFinding['severity'], (c: Out['color']) => Out['color']> = {
  critical: (c) => c.bgRed.white.bold, high: (c) => c.red.bold, medium: (c) => c.yellow, low: (c) => c.cyan, info: (c) => c.dim,
};
const LINK_TEXT: Record<InspectFinding['link'], string> = {
  token: '', evidence: ' (lists it)', event: ' (cites an event carrying it)', jti: ' (about its jti)',
};

function storeLines(s: StoreKnowledge, out: Out): string[] {
  const c = out.color;
  const e = s.events;
  const seen = e.total === 0
    ? 'in the logs: no event carries it'
    : `in the logs: ${e.total} event${e.total === 1 ? '' : 's'} (${e.accepted} accepted), ${e.first} to ${e.last}`;
  const lines = [seen + (s.captures ? `; captured ${s.captures} time${s.captures === 1 ? '' : 's'}` : '')];
  if (!s.checks_run) return [...lines, 'findings: no checks have been run on this store (run `jwt-forensics check`)'];
  if (s.stale.length) lines.push(c.yellow(`findings may be stale (${s.stale.length} check(s), e.g. ${s.stale[0]!.check}: ${s.stale[0]!.why}): run \`jwt-forensics check\``));
  if (s.findings.length === 0) return [...lines, 'findings: none involve this token'];
  lines.push(c.bold(`findings involving this token: ${s.findings.length}`));
  for (const f of s.findings) {
    const sev = SEVERITY_PAINT[f.severity](c)(f.severity.padEnd(8));
    lines.push(`  ${sev} ${f.check.padEnd(22)} ${f.first_seen ?? '—'}  ${stripControlInline(f.title)}${LINK_TEXT[f.link]}`);
  }
  return lines;
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
