// `ts` arrives as ISO-8601 text, epoch seconds or epoch milliseconds (number or numeric string).
// Numbers at or above 1e11 are milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973.

const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z: beyond it a timestamp is noise, not time

/** SQL turning a VARCHAR expression into a UTC TIMESTAMP, or NULL when it is no time at all. */
export function timestampSql(col: string): string {
  const secs = `(CASE WHEN abs(TRY_CAST(${col} AS DOUBLE)) >= 1e11 THEN TRY_CAST(${col} AS DOUBLE) / 1000 ELSE TRY_CAST(${col} AS DOUBLE) END)`;
  return `(CASE
    WHEN ${col} IS NULL THEN NULL
    WHEN TRY_CAST(${col} AS DOUBLE) IS NOT NULL THEN
      CASE WHEN abs(${secs}) <= ${MAX_SECONDS} THEN make_timestamp(CAST(round(${secs} * 1000000) AS BIGINT)) END
    ELSE TRY_CAST(TRY_CAST(${col} AS TIMESTAMPTZ) AS TIMESTAMP) END)`;
}

/** A text field: JSON strings as they are, empty strings as absent. */
export function textSql(col: string): string {
  return `NULLIF(${col}, '')`;
}
