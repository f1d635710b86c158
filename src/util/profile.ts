// Step timings for the performance work: JWT_FORENSICS_PROFILE=1 prints each step's wall time to stderr.
const enabled = Boolean(process.env.JWT_FORENSICS_PROFILE);
let last = process.hrtime.bigint();

export function lap(step: string): void {
  if (!enabled) return;
  const now = process.hrtime.bigint();
  const rss = Math.round(process.memoryUsage().rss / 1e6);
  process.stderr.write(`[profile] ${step}: ${(Number(now - last) / 1e6).toFixed(0)} ms, rss ${rss} MB\n`);
  last = now;
}
