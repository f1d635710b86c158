// Every check, listed explicitly: ids are stable (reports and CI gates name them) and never reused.
// Adding a check: one new file named after its id, plus one import and one entry here.
import type { Check } from './check.js';
import { algNone } from './alg-none.js';
// imports: signature and header checks
// imports: use and time checks
// imports: behaviour checks
// imports: key audit

export const CHECKS: readonly Check[] = [
  algNone,
  // signature and header checks
  // use and time checks
  // behaviour checks
  // key audit
];

export function checksFor(scope: Check['scope'], only?: readonly string[]): Check[] {
  const inScope = CHECKS.filter((c) => c.scope === scope);
  if (!only?.length) return inScope;
  const unknown = only.filter((id) => !CHECKS.some((c) => c.id === id));
  if (unknown.length) throw new Error(`unknown check id(s): ${unknown.join(', ')}`);
  return inScope.filter((c) => only.includes(c.id));
}
