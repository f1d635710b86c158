// Checks grouped by the reason they were re-run or not evaluated, in first-seen order: one line per reason.
export function checksByReason(entries: Iterable<{ check: string; why: string }>): [string, string[]][] {
  const byWhy = new Map<string, string[]>();
  for (const { check, why } of entries) {
    const list = byWhy.get(why);
    if (list) list.push(check);
    else byWhy.set(why, [check]);
  }
  return [...byWhy];
}
