// Provider logs through a mapping: the canonical event reader with the mapping's stage spec (or, for a mapping with
// `each`, one event per element: read-each.ts), and reject messages that name where the mapping looked for the
// time (the provider's file has no `ts`).
import type { Store } from '../../store/db.js';
import type { FileScan } from '../events/file-scan.js';
import type { RejectRow } from '../line-reasons.js';
import type { LoadResult } from '../load-result.js';
import type { Mapping } from './mapping.js';
import { requireSafeMapping } from './mapping-sql.js';
import { readEachEvents, type ElementReject } from './read-each.js';
import { readEvents } from '../events/read-events.js';
import { isoCountries } from './country-codes.js';
import { unknownTypesWarning } from './unknown-types.js';

export async function readMappedEvents(store: Store, scan: FileScan, sourceId: number, mapping: Mapping): Promise<LoadResult> {
  await requireSafeMapping(mapping);
  const loaded = mapping.file.each ? await readEachEvents(store, scan, sourceId, mapping) : await readEvents(store, scan, sourceId, mapping.spec);
  await isoCountries(store, sourceId);
  const unknownTypes = await unknownTypesWarning(store, sourceId, mapping);
  const where = `${mapping.label} reads the time from ${mapping.timeSource}`;
  const rejects = loaded.rejects.map(({ element, ...r }: ElementReject): RejectRow => {
    const of = element ? `this element (${element})` : 'this line';
    if (r.reason === 'missing-ts') return { ...r, detail: `no event time: ${where}, and ${of} has none` };
    if (r.reason === 'bad-ts') {
      // a declared format is what the value failed: say it instead of the default's "ISO-8601 or epoch …"
      const detail = mapping.timeFormat === undefined
        ? r.detail.replace('`ts`', 'the time')
        : r.detail.replace(/^`ts` is not [^:]*:/, `the time is not ${formatName(mapping.timeFormat)}:`);
      return { ...r, detail: `${detail} (${where}${element ? `; ${element}` : ''})` };
    }
    return r;
  });
  const warnings = [...(loaded.warnings ?? []), ...(unknownTypes ? [unknownTypes] : [])];
  return { ...loaded, rejects, ...(warnings.length ? { warnings } : {}) };
}

const FORMAT_NAMES: Record<string, string> = {
  epoch_s: 'epoch seconds (epoch_s)', epoch_ms: 'epoch milliseconds (epoch_ms)', epoch_us: 'epoch microseconds (epoch_us)', epoch_ns: 'epoch nanoseconds (epoch_ns)',
};

const formatName = (f: string): string => FORMAT_NAMES[f] ?? `in the format ${f}`;
