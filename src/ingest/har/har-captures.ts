// The tokens of one HAR entry, each with where it was found: a request header (any name, any case; the scheme of
// an Authorization value kept: Bearer, DPoP, …), a cookie, a query or form parameter, the URL's path (a magic link,
// a signed download), a JSON body's path, or the body as text; in the response (tokens issued to the client), the same places. A token found in several places of
// one side of an entry is one capture, every place listed. Query values are never kept: parameter names only.
import type { BodyScan } from './body-scan.js';
import { findJwts } from './jwt-scan.js';
import type { HarEntry, HarSide, NameValue } from './har-stream.js';

export type Direction = 'request' | 'response';

export interface Place {
  /** header, cookie, query, url (its path or fragment), form, body */
  kind: 'header' | 'cookie' | 'query' | 'url' | 'form' | 'body';
  /** the header, cookie or parameter name; the JSON path of a body value; null for a body read as text and for the URL */
  name: string | null;
  /** the Authorization scheme the token came behind (Bearer, DPoP, …) */
  scheme?: string;
}

export interface HarCapture {
  token: string;
  direction: Direction;
  places: Place[];
}

/** What a capture says of the request it came with (never a query value). */
export interface RequestShape {
  method: string | null;
  host: string | null;
  path: string | null;
  query_names: string[];
  status: number | null;
}

/** Cookie headers repeat the cookies array: read only when the array is empty. */
const COOKIE_HEADERS = new Set(['cookie', 'set-cookie']);
const PRIORITY: Record<Place['kind'], number> = { header: 0, cookie: 1, query: 2, url: 3, form: 4, body: 5 };

export function entryCaptures(e: HarEntry): HarCapture[] {
  return [...sideCaptures('request', e.request), ...sideCaptures('response', e.response)];
}

function sideCaptures(direction: Direction, side: HarSide | undefined): HarCapture[] {
  if (!side) return [];
  const found = new Map<string, Place[]>();
  const add = (token: string, place: Place): void => {
    const places = found.get(token);
    if (!places) found.set(token, [place]);
    else if (!places.some((p) => p.kind === place.kind && p.name === place.name)) places.push(place);
  };
  const cookies = pairs(side.cookies);
  for (const h of pairs(side.headers)) {
    if (COOKIE_HEADERS.has(h.name.toLowerCase()) && cookies.length) continue;
    const scheme = /authorization$/i.test(h.name) ? /^\s*([A-Za-z][A-Za-z0-9._~+/-]*)\s+/.exec(h.value)?.[1] : undefined;
    for (const t of findJwts(h.value)) add(t, { kind: 'header', name: h.name, ...(scheme ? { scheme } : {}) });
  }
  for (const c of cookies) for (const t of findJwts(c.value)) add(t, { kind: 'cookie', name: c.name });
  for (const q of queryPairs(side)) for (const t of findJwts(q.value)) add(t, { kind: 'query', name: q.name });
  // the URL without its query (read above, by parameter): a token in the path or a fragment is a capture too
  if (typeof side.url === 'string') for (const t of findJwts(side.url.replace(/\?[^#]*/, ''))) add(t, { kind: 'url', name: null });
  for (const p of pairs(side.postData?.params)) for (const t of findJwts(p.value)) add(t, { kind: 'form', name: p.name });
  const body = direction === 'request' ? side.postData : side.content;
  if (body?.text) for (const [t, place] of bodyPlaces(body.text, body.encoding, body.mimeType)) add(t, place);
  return [...found].map(([token, places]) => ({
    token,
    direction,
    places: places.sort((a, b) => PRIORITY[a.kind] - PRIORITY[b.kind]),
  }));
}

const pairs = (list: NameValue[] | undefined): { name: string; value: string }[] =>
  (list ?? []).flatMap((p) => (typeof p.value === 'string' ? [{ name: typeof p.name === 'string' ? p.name : '', value: p.value }] : []));

/** The queryString array, else the URL's own query (some tools leave the array empty). */
function queryPairs(side: HarSide): { name: string; value: string }[] {
  const listed = pairs(side.queryString);
  if (listed.length || !side.url) return listed;
  try {
    return [...new URL(side.url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

/** A body's tokens: by JSON path when the body is JSON (and short enough to have been kept), as form fields when
 *  it is urlencoded, else as text (every token the linear scan found). */
function bodyPlaces(scan: BodyScan, encoding: string | undefined, mime: string | undefined): [string, Place][] {
  const body = scan.result(/^base64$/i.test(encoding ?? ''));
  if (body.tokens.length === 0) return [];
  const out: [string, Place][] = [];
  const text = body.text?.trim() ?? null;
  if (text && (text.startsWith('{') || text.startsWith('['))) {
    try {
      walkJson(JSON.parse(text), '$', out, 0);
    } catch {
      // not JSON after all: read as text below
    }
  } else if (text && /x-www-form-urlencoded/i.test(mime ?? '')) {
    for (const [name, value] of new URLSearchParams(text)) for (const t of findJwts(value)) out.push([t, { kind: 'form', name }]);
  }
  const located = new Set(out.map(([t]) => t));
  for (const t of body.tokens) if (!located.has(t)) out.push([t, { kind: 'body', name: null }]);
  return out;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function walkJson(v: unknown, path: string, out: [string, Place][], depth: number): void {
  if (depth > 64) return;
  if (typeof v === 'string') {
    for (const t of findJwts(v)) out.push([t, { kind: 'body', name: path }]);
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => walkJson(x, `${path}[${i}]`, out, depth + 1));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) walkJson(x, IDENT.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, out, depth + 1);
  }
}

/** Method, host and path of the request; the query's parameter names only (their values may be secrets). */
export function requestShape(e: HarEntry): RequestShape {
  const req = e.request;
  let host: string | null = null;
  let path: string | null = null;
  let names: string[] = [];
  try {
    const u = new URL(req?.url ?? '');
    host = u.host || null;
    path = u.pathname || null;
    names = [...new Set([...u.searchParams.keys()])];
  } catch {
    // a relative or broken URL: no host or path to say
  }
  const listed = pairs(req?.queryString).map((q) => q.name);
  return {
    method: typeof req?.method === 'string' ? req.method : null,
    host,
    path,
    query_names: [...new Set([...listed, ...names])].slice(0, 50),
    status: typeof e.response?.status === 'number' ? e.response.status : null,
  };
}

/** How a place reads: `request header Authorization (Bearer)`, `response body $.access_token`, `request cookie sid`. */
export function placeText(direction: Direction, p: Place): string {
  if (p.kind === 'url') return `${direction} URL`;
  const what = p.kind === 'query' ? 'query parameter' : p.kind === 'form' ? 'form parameter' : p.kind;
  const name = p.name === null ? ' (text)' : ` ${p.name}`;
  return `${direction} ${what}${name}${p.scheme ? ` (${p.scheme})` : ''}`;
}
