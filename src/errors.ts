// Typed errors: commands throw these, and the one `main` maps them to exit codes (DESIGN.md).

/** Bad options or arguments: exit 2. */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
}

/** Input that cannot be used at all (unreadable file, corrupt database, store held by another process): exit 2. */
export class InputError extends Error {
  readonly code = 'ERR_INPUT';
}

/** Findings at or above --fail-on: exit 1, after the output has been printed. */
export class GateFailed extends Error {
  readonly code = 'ERR_GATE';
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof GateFailed) return 1;
  if (err instanceof UsageError || err instanceof InputError) return 2;
  return 2;
}
