// How SQL writes a TIMESTAMP (UTC) as ISO-8601 with `Z`: to the second (what findings, summaries and reports show)
// or to the millisecond (the times a run or a finding is stored with). One place, so every output agrees.
const ISO_SECONDS = `'%Y-%m-%dT%H:%M:%SZ'`;
const ISO_MILLIS = `'%Y-%m-%dT%H:%M:%S.%gZ'`;

/** `strftime(col, ISO_SECONDS)` */
export const isoSeconds = (col: string): string => `strftime(${col}, ${ISO_SECONDS})`;
/** `strftime(col, ISO_MILLIS)` */
export const isoMillis = (col: string): string => `strftime(${col}, ${ISO_MILLIS})`;
