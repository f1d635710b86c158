// Step timings for the performance work: JWT_FORENSICS_PROFILE=1 prints each step's wall time and the process's
// CPU time over it (all threads: DuckDB's and JavaScript's) to stderr.
const enabled = Boolean(process.env.JWT_FORENSICS_PROFILE);
let last = process.hrtime.bigint();
let lastCpu = process.cpuUsage();

export function lap(step: string): void {
  if (!enabled) return;
  const now = process.hrtime.bigint();
  const cpu = process.cpuUsage(lastCpu);
  const rss = Math.round(process.memoryUsage().rss / 1e6);
  process.stderr.write(`[profile] ${step}: ${(Number(now - last) / 1e6).toFixed(0)} ms, cpu ${((cpu.user + cpu.system) / 1e3).toFixed(0)} ms, rss ${rss} MB\n`);
  last = now;
  lastCpu = process.cpuUsage();
}
