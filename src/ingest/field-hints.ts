// Wrong input must never look like a clean result. When an events file's lines are objects but its canonical fields
// are missing (`ts`, `token`, `geo`), the records usually carry them under other names: say which, and point to
// --mapping / --preset, instead of loading nothing (or events without tokens) in silence. Read from the first lines
// only (the file's head), parsed with JSON.parse; names and paths are shown, never values.
import { excerpt } from '../util/sanitize.js';

const SAMPLE_LINES = 50;
const MAX_DEPTH = 4;
const JWT = /^(?:(?:Bearer|DPoP)\s+)?eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/i;
const TOKEN_FIELDS = new Set(['token', 'authorization']);
const TIME_NAMES = ['timestamp', 'time', '@timestamp', 'eventTime', 'event_time', 'published', 'createdDateTime', 'created_at', 'date', 'datetime'];
const COORD_NAMES = ['latitude', 'lat', 'longitude', 'lon', 'lng'];

export interface FieldSample {
  /** records sampled */
  records: number;
  withTs: number;
  withToken: number;
  withGeo: number;
  /** path → records whose value there looks like a JWT (not the canonical token fields) */
  jwtPaths: Map<string, number>;
  timePaths: Map<string, number>;
  coordPaths: Map<string, number>;
}

export function sampleFields(head: Buffer): FieldSample {
  const sample: FieldSample = { records: 0, withTs: 0, withToken: 0, withGeo: 0, jwtPaths: new Map(), timePaths: new Map(), coordPaths: new Map() };
  const lines = head.toString('utf8').split('\n');
  // the last line of a head may be cut short
  for (const line of lines.slice(0, Math.min(lines.length - 1 || 1, SAMPLE_LINES))) {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) continue;
    const r = record as Record<string, unknown>;
    sample.records++;
    if (r.ts !== undefined && r.ts !== null) sample.withTs++;
    if (typeof r.token === 'string' || typeof r.authorization === 'string') sample.withToken++;
    if (r.geo && typeof r.geo === 'object') sample.withGeo++;
    walk(r, '', 0, sample);
  }
  return sample;
}

function walk(o: Record<string, unknown>, prefix: string, depth: number, s: FieldSample): void {
  for (const [k, v] of Object.entries(o)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string' && JWT.test(v) && !(depth === 0 && TOKEN_FIELDS.has(k))) bump(s.jwtPaths, path);
    if (depth === 0 ? TIME_NAMES.includes(k) : ['time', 'timestamp', 'createdDateTime'].includes(k)) bump(s.timePaths, path);
    if (COORD_NAMES.includes(k) && (typeof v === 'number' || (typeof v === 'string' && v !== '' && Number.isFinite(Number(v))))) {
      if (!(prefix === 'geo' && (k === 'lat' || k === 'lon'))) bump(s.coordPaths, path);
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < MAX_DEPTH) walk(v as Record<string, unknown>, path, depth + 1, s);
  }
}

const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
const names = (m: Map<string, number>): string => [...m.keys()].slice(0, 3).map((p) => `\`${excerpt(p, 60)}\``).join(', ');
const FIX = 'read it with `--preset` (okta, auth0, entra, cloudflare-access, auto) or a `--mapping` file (docs/presets.md)';

/** What the sample says is under another name, as notes; `missingTs`: lines were rejected for having no `ts`. */
export function fieldHints(s: FieldSample, opts: { missingTs: boolean }): string[] {
  if (s.records === 0) return [];
  const hints: string[] = [];
  if (s.withToken === 0 && s.jwtPaths.size > 0) {
    hints.push(`no line carries a token in \`token\` or \`authorization\`, but ${names(s.jwtPaths)} hold JWTs: ${FIX}, or no token is analysed`);
  }
  if (opts.missingTs && s.withTs < s.records && s.timePaths.size > 0) {
    hints.push(`the event time is not in \`ts\`; these lines have ${names(s.timePaths)}: ${FIX}`);
  }
  if (s.withGeo === 0 && s.coordPaths.size > 0) {
    hints.push(`coordinates are under ${names(s.coordPaths)}, not \`geo.lat\` / \`geo.lon\`: travel checks cannot use them; ${FIX}`);
  }
  return hints;
}
