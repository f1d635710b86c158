// What reads a file, decided from its first bytes: the kind (src/ingest/detect-kind.ts), the mapping (`--preset`,
// `--mapping`), and whether its records are read from a whole-JSON copy (src/ingest/envelopes/whole-json.ts: an API
// export such as a JSON array or `{"value": […]}`) or from the file itself, line by line.
import { detectKind, looksLikeHar, type DetectedKind, type Kind } from './detect-kind.js';
import { wholeJsonHead, type WholeJsonHead } from './envelopes/whole-json.js';
import type { Mapping } from './mapping/mapping.js';
import { isAuto, mappingFor, recognises, type MappingChoice } from './mapping/preset-choice.js';

/** Kinds whose readers take NDJSON records, so take a whole-JSON file's records too (keys and text captures do not). */
const RECORD_KINDS: readonly DetectedKind[] = ['events', 'captures', 'key-events', 'revocations'];

export interface Classified {
  kind: DetectedKind | null;
  mapping: Mapping | null;
  /** set when the records are read from the whole-JSON copy */
  whole: WholeJsonHead | null;
  /** the first records as NDJSON (the whole-JSON records, else the head): what hints and messages sample */
  sample: Buffer;
  /** one pretty-printed JSON object that no reader recognises (a configuration or manifest, most likely) */
  oneDocument: boolean;
}

/** A name that says the file holds one record a line: it is read line by line whatever its first line looks like (a
 *  cut or stray first line must not turn the rest into one malformed document); EventBridge events a line are still
 *  unwrapped (their record is `detail`). */
const LINE_NAMES = /\.(ndjson|jsonl)(\.gz)?$/i;

/** `folder`: the file was found by walking a folder, so a lone pretty-printed object in it (a policy, a manifest)
 *  is read under a named preset only when that preset's shape rules recognise it. `name`: the file's name as given. */
export function classifyHead(head: Buffer, opts: { kind?: Kind; mapping?: MappingChoice; folder?: boolean; name?: string }): Classified {
  // a HAR is one JSON document read as a stream by its own reader (src/ingest/har/), never by a mapping
  if (opts.kind === 'har' || (opts.kind === undefined && looksLikeHar(head.toString('utf8')))) {
    return { kind: 'har', mapping: null, whole: null, sample: head, oneDocument: false };
  }
  const found = wholeJsonHead(head);
  const whole = found && found.first !== 'eventbridge' && opts.name !== undefined && LINE_NAMES.test(opts.name) ? null : found;
  if (whole) {
    const detected = opts.kind ?? detectKind(whole.records);
    const named = !isAuto(opts.mapping) ? opts.mapping ?? null : null;
    if (opts.folder && whole.oneDocument && detected === null && named && !recognises(named, whole.records)) {
      return { kind: null, mapping: null, whole: null, sample: whole.records, oneDocument: true };
    }
    const mapping = mappingFor(whole.records, detected, opts.mapping);
    const kind = mapping ? 'events' : detected;
    if (kind !== null && RECORD_KINDS.includes(kind)) return { kind, mapping, whole, sample: whole.records, oneDocument: false };
  }
  const detected = opts.kind ?? detectKind(head);
  // a lone pretty-printed object is never mapped unless a preset recognises it (`auto`) or it is named (`--preset`)
  const mapping = mappingFor(head, detected, opts.mapping);
  const kind = mapping ? 'events' : detected;
  return { kind, mapping, whole: null, sample: whole?.records ?? head, oneDocument: kind === null && (whole?.oneDocument ?? false) };
}
