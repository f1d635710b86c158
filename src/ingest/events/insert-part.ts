// An events file (or one part of it), read and projected by DuckDB straight into `events` in one statement: no
// staging table, so each event is written once. Rows leave the reader in line order (preserve_insertion_order,
// and nothing between reader and table reorders them: no join), so a row's place among the part's rows is its
// line; the few rows that are not events (unreadable or not an object, no usable time) go in marked with line -1,
// are explained and deleted, then the others are numbered. Events carry sha256(token); each new token's text is
// then read again from the first line that carries it (events/token-lines.ts).
import { InputError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import { lap } from '../../util/profile.js';
import {
  explainLines,
  nonObjectReject, projectionParams, projectionSql, READER, readerParams, type StageSpec,
} from './ndjson-stage.js';
import { tsReject, type RejectRow } from '../line-reasons.js';
import { blankCount, cumulative, lineAtPlace, runBounds } from './line-runs.js';
import { numberRows } from './number-rows.js';
import type { LinePart } from './split-lines.js';
import { deduplicate } from './duplicate-keys.js';
import { markPending } from '../../store/pending-ingest.js';

export { MAX_BOUNDS } from './number-rows.js';

export interface InsertedPart {
  rows: number;
  rejects: RejectRow[];
  /** lines DuckDB could not read that are good JSON once explained (a byte-order mark), now loaded: their text */
  recovered: Map<number, string>;
  /** lines that name a top-level key more than once (the spec asked: `duplicates`), for events/duplicate-fix.ts */
  duplicates: number[];
}

/** The reader's rows do not match the lines counted before it: the file changed between the two reads. */
export class PlacementError extends InputError {}

const PENDING = 0; // an event of this part, not numbered yet (numbered lines start at 1)
const NOT_EVENT = -1; // a line of this part that is not an event: explained, rejected, deleted
const REPEATS_KEY = -2; // an event of this part whose line repeats a key: its place is noted, then it is numbered

/** INSERT of the spec's projection over `source` into `events`; `line` is the SQL for the line column. */
function insertSql(spec: StageSpec, source: string, line: string): string {
  // sha256 per row rather than a join with the tokens: a join does not keep the rows' order, which numbers them.
  return `INSERT INTO events
    SELECT $sid, ${line}, COALESCE(ts, TIMESTAMP '1970-01-01'), event, sha256(token), jti, sub, sid, client_id, ip,
      country, city, lat, lon, ua, app_version, aud, outcome, parent_jti, reason,
      CASE WHEN ok THEN extra ELSE to_json({jt: jt, ts_raw: ts_raw}) END
    FROM (SELECT *, COALESCE(jt = 'OBJECT' AND ts IS NOT NULL, false) AS ok FROM (${projectionSql(spec, source)}))`;
}

export async function insertPart(store: Store, part: LinePart, spec: StageSpec, sid: number): Promise<InsertedPart> {
  await store.run(`SET preserve_insertion_order = true`); // the numbering below depends on it
  const pending = spec.duplicates ? `CASE WHEN dup THEN ${REPEATS_KEY} ELSE ${PENDING} END` : `${PENDING}`;
  await markPending(store, sid);
  await store.run(insertSql(spec, READER, `CASE WHEN ok THEN ${pending} ELSE ${NOT_EVENT} END`), {
    ...projectionParams(spec),
    ...readerParams(part),
    sid,
  });
  lap('events: part read');
  // committed before they are numbered: numbering rows this transaction appended would make DuckDB write them all
  // again at COMMIT (store/pending-ingest.ts)
  await store.commitSoFar();
  lap('events: part committed');
  const mine = `source_id = $sid AND line <= ${PENDING}`;
  const span = await store.one<{ base: bigint | null; last: bigint | null; n: bigint }>(
    `SELECT min(rowid) AS base, max(rowid) AS last, count(*) AS n FROM events WHERE ${mine}`, { sid },
  );
  const emitted = Number(span!.n);
  const base = span!.base ?? 0n;
  // a row's place is its rowid's distance from the first: the part's rows must be one run, as they were appended
  if (emitted > 0 && Number(span!.last! - base) !== emitted - 1) {
    throw new Error(`events of source ${sid} are not one run of rowids (${emitted} rows from ${base} to ${span!.last}): cannot number their lines`);
  }
  // Row place → line: DuckDB emits no row for a whitespace-only line (nor for an oversized or too deep one, left empty).
  const nonBlank = part.lines - blankCount(part.blankRuns);
  if (emitted !== nonBlank) {
    throw new PlacementError(`DuckDB read ${emitted} records where ${nonBlank} non-blank lines were counted`);
  }
  // the place of the first row after each run of blank lines: a row's line is its place + first + the runs before it
  const bounds = runBounds(part.blankRuns, part.firstLine);
  const skips = cumulative(bounds);
  const lineAt = (place: number): number => lineAtPlace(bounds, skips, part.firstLine, place);

  const rejects: RejectRow[] = [];
  const recovered = new Map<number, string>();
  const repeats = spec.duplicates
    ? await store.all<{ place: bigint }>(`SELECT rowid - $base::BIGINT AS place FROM events WHERE source_id = $sid AND line = ${REPEATS_KEY} ORDER BY place`, { sid, base })
    : [];
  const duplicates = repeats.map((r) => lineAt(Number(r.place)));
  const odd = await store.all<{ place: bigint; jt: string | null; ts_raw: string | null }>(
    `SELECT rowid - $base::BIGINT AS place, extra->>'jt' AS jt, extra->>'ts_raw' AS ts_raw FROM events
     WHERE source_id = $sid AND line = ${NOT_EVENT} ORDER BY place`,
    { sid, base },
  );
  if (odd.length) {
    const unread: number[] = [];
    for (const r of odd) {
      const line = lineAt(Number(r.place));
      if (r.jt === null) unread.push(line);
      else if (r.jt !== 'OBJECT') rejects.push(nonObjectReject(line, r.jt));
      else rejects.push(tsReject({ line: BigInt(line), ts_raw: r.ts_raw }));
    }
    await store.run(`DELETE FROM events WHERE source_id = $sid AND line = ${NOT_EVENT}`, { sid });
    for (const [line, verdict] of await explainLines(part, unread)) {
      if (verdict.recovered === null) rejects.push({ line, reason: verdict.reason, detail: verdict.detail });
      else recovered.set(line, verdict.recovered);
    }
  }
  await numberRows(store, 'events', mine, { sid, base }, part);
  let rows = emitted - odd.length;
  for (const [line, json] of recovered) {
    const reject = await insertRecovered(store, spec, sid, line, json);
    if (reject) {
      rejects.push(reject);
      recovered.delete(line);
    } else {
      rows++;
      if (spec.duplicates && deduplicate(json)) duplicates.push(line);
    }
  }
  lap('events: part numbered');
  return { rows, rejects, recovered, duplicates };
}

/** Load a recovered line the same way as the others; a reject when it is no event after all. */
async function insertRecovered(store: Store, spec: StageSpec, sid: number, line: number, json: string): Promise<RejectRow | null> {
  const source = `(SELECT $line::BIGINT AS line, $json::JSON AS j)`;
  await store.run(insertSql(spec, source, `CASE WHEN ok THEN line ELSE ${NOT_EVENT} END`), { ...projectionParams(spec), sid, line, json });
  const odd = await store.one<{ jt: string | null; ts_raw: string | null }>(
    `SELECT extra->>'jt' AS jt, extra->>'ts_raw' AS ts_raw FROM events WHERE source_id = $sid AND line = ${NOT_EVENT}`,
    { sid },
  );
  if (!odd) return null;
  await store.run(`DELETE FROM events WHERE source_id = $sid AND line = ${NOT_EVENT}`, { sid });
  return odd.jt === 'OBJECT' ? tsReject({ line: BigInt(line), ts_raw: odd.ts_raw }) : nonObjectReject(line, odd.jt ?? 'NULL');
}
