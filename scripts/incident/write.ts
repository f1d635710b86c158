// Serialising the scenario into the canonical files of DESIGN.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hex, type Rng } from './prng.js';
import type { Capture, Revocation } from './scenario.js';
import { iso, type Ev, type TsForm } from './world.js';

export function writeFile(root: URL, rel: string, text: string): void {
  const path = fileURLToPath(new URL(rel, root));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export const ndjson = (rows: readonly object[]): string => rows.map((r) => JSON.stringify(r) + '\n').join('');

export function tsValue(ms: number, form: TsForm = 'iso'): string | number {
  if (form === 's') return Math.floor(ms / 1000);
  if (form === 'ms') return ms;
  return iso(ms);
}

/**
 * Events in time order. Events from normal traffic (index < `normalCount`) get the log's quirks at random:
 * a few epoch-second / epoch-millisecond timestamps and `authorization: Bearer` instead of `token`.
 * Planted events keep the form they were given, so the README's times are what the file says.
 */
export function eventLines(events: readonly Ev[], normalCount: number, rng: Rng): string {
  const order = events.map((e, i) => ({ e, normal: i < normalCount })).sort((a, b) => a.e.ts - b.e.ts);
  return order
    .map(({ e, normal }) => {
      const r = rng();
      const form: TsForm | undefined = normal ? (r < 0.02 ? 's' : r < 0.04 ? 'ms' : undefined) : e.tsForm;
      const bearer = e.bearer ?? (normal && e.event === 'use' && rng() < 0.02);
      return JSON.stringify(eventRecord({ ...e, tsForm: form ?? e.tsForm, bearer }, `req-${hex(rng, 16)}`)) + '\n';
    })
    .join('');
}

function eventRecord(e: Ev, requestId: string): Record<string, unknown> {
  const c = e.client;
  const rec: Record<string, unknown> = { ts: tsValue(e.ts, e.tsForm), event: e.event };
  if (e.token !== undefined) rec[e.bearer ? 'authorization' : 'token'] = e.bearer ? `Bearer ${e.token}` : e.token;
  const fields: [string, unknown][] = [
    ['jti', e.jti], ['sub', e.sub], ['sid', e.sid], ['client_id', e.client_id ?? c?.client_id],
    ['ip', c?.ip], ['geo', c?.geo], ['ua', c?.ua], ['app_version', c?.app_version], ['aud', e.aud],
    ['outcome', e.outcome], ['parent_jti', e.parent_jti], ['reason', e.reason],
  ];
  for (const [k, v] of fields) if (v !== undefined) rec[k] = v;
  // Non-canonical fields a real gateway adds: ingest must keep them.
  return { ...rec, request_id: requestId, http_status: e.http_status, ...e.extra };
}

export function captureLines(captures: readonly Capture[]): string {
  const sorted = [...captures].sort((a, b) => a.captured_at - b.captured_at);
  return ndjson(sorted.map((c) => ({ ...c, captured_at: iso(c.captured_at) })));
}

export function revocationLines(revocations: readonly Revocation[]): string {
  const sorted = [...revocations].sort((a, b) => a.ts - b.ts);
  return ndjson(sorted.map(({ ts, tsForm, ...rest }) => ({ ts: tsValue(ts, tsForm), ...rest })));
}
