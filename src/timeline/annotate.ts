// From raw lines to the story: time since the previous line, a mark where the place changes, a note saying what
// each line means, and the findings that cite it. Pure functions: the order is decided before this.
import type { Finding } from '../findings/finding.js';
import { refOf } from './findings.js';
import type { RawLine } from './lines.js';
import type { TimelineEvent, TimelineGeo } from './types.js';

export function annotate(lines: readonly RawLine[], findings: readonly Finding[], family: ReadonlyMap<string, number>): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  let prev: RawLine | null = null;
  let lastPlace: TimelineGeo | null = null;
  for (const l of lines) {
    const geo = geoOf(l);
    out.push({
      ts: l.ts, kind: l.kind, event: l.event, jti: l.jti, token: l.token, sub: l.sub, sid: l.sid, ip: l.ip, geo,
      ua: l.ua, ua_family: l.ua_family, client_id: l.client_id, aud: l.aud, outcome: l.outcome, parent_jti: l.parent_jti, source: l.source, line: l.line,
      gap_seconds: prev ? Math.round(l.ms - prev.ms) / 1000 : null,
      place_change: geo !== null && lastPlace !== null && !samePlace(lastPlace, geo),
      note: noteOf(l, family),
      finding_ids: findingsOf(l, findings),
    });
    prev = l;
    if (geo) lastPlace = geo;
  }
  return out;
}

function geoOf(l: RawLine): TimelineGeo | null {
  if (l.country === null && l.city === null && l.lat === null && l.lon === null) return null;
  return { country: l.country, city: l.city, lat: l.lat, lon: l.lon };
}

/** Names decide where both lines have them; coordinates (to ~10 km) only when names cannot. */
export function samePlace(a: TimelineGeo, b: TimelineGeo): boolean {
  if (a.country && b.country && a.country !== b.country) return false;
  if (a.city && b.city) return a.city === b.city;
  if (a.country && b.country) return true;
  if (a.lat !== null && a.lon !== null && b.lat !== null && b.lon !== null) {
    return Math.abs(a.lat - b.lat) < 0.1 && Math.abs(a.lon - b.lon) < 0.1;
  }
  return true;
}

function findingsOf(l: RawLine, findings: readonly Finding[]): string[] {
  const ref = l.kind === 'event' ? refOf(l.source, l.line) : null;
  return findings
    .filter((f) => (l.token !== null && f.token === l.token) || (ref !== null && f.events.some((e) => refOf(e.source, e.line) === ref)))
    .map((f) => f.id);
}

/** A jti short enough for a table cell; the full one is in the line's jti / parent_jti fields. */
export const shortJti = (jti: string): string => (jti.length > 13 ? `${jti.slice(0, 8)}…` : jti);

function noteOf(l: RawLine, family: ReadonlyMap<string, number>): string | null {
  const parts = [...kindNote(l, family), signatureNote(l), l.reason].filter((p): p is string => !!p);
  return parts.length ? parts.join('; ') : null;
}

function kindNote(l: RawLine, family: ReadonlyMap<string, number>): string[] {
  if (l.kind === 'key') return [`key ${l.kid} ${l.event}${l.actor ? ` by ${l.actor}` : ''}`];
  if (l.kind === 'revocation') return [`revocation of ${target(l)}`];
  if (l.kind === 'capture') return [`captured${l.origin ? ` by ${l.origin}` : ''}`, l.capture_note ?? ''];
  return [eventNote(l), generationNote(l, family)];
}

function eventNote(l: RawLine): string {
  switch (l.event) {
    case 'issue':
      return `issued${signer(l)}`;
    case 'refresh': {
      const from = l.parent_jti ? ` from ${shortJti(l.parent_jti)}` : '';
      const into = l.jti && l.jti !== l.parent_jti ? ` into ${shortJti(l.jti)}` : '';
      return `refreshed${from}${into}${l.jti ? signer(l) : ''}`;
    }
    case 'revoke':
      return `revoked ${target(l)}`;
    case 'logout':
      return 'logged out';
    default:
      return '';
  }
}

/** Where the line's jti sits in the queried refresh family: "generation +1" is the queried token's child. */
function generationNote(l: RawLine, family: ReadonlyMap<string, number>): string {
  if (family.size < 2 || (l.event !== 'refresh' && l.event !== 'issue') || l.jti === null) return '';
  const g = family.get(l.jti);
  if (g === undefined) return '';
  return g === 0 ? 'the queried token' : `family generation ${g > 0 ? `+${g}` : g}`;
}

function signer(l: RawLine): string {
  if (l.sig_status === 'valid' && l.sig_kid) return `, signed by ${l.sig_kid}`;
  return l.kid ? `, kid ${l.kid}` : '';
}

/** Only a signature that does not hold is news: "signature invalid (alg HS256)". */
function signatureNote(l: RawLine): string | null {
  if (l.sig_status === null || l.sig_status === 'valid' || l.kind === 'key' || l.kind === 'revocation') return null;
  // a gateway logged what it validated, not the token: nothing is wrong with a signature nobody captured
  if (l.sig_status === 'not-captured') return 'claims only (no signature captured)';
  return `signature ${l.sig_status}${l.alg ? ` (alg ${l.alg})` : ''}`;
}

function target(l: RawLine): string {
  const t = [l.jti && `jti ${shortJti(l.jti)}`, l.sid && `sid ${l.sid}`, l.sub && `sub ${l.sub}`].filter(Boolean);
  return t.length ? t.join(', ') : 'unknown target';
}
