// A status line on stderr while something long runs: only on a TTY, never in pipes or CI logs. While a big
// file loads it becomes a bar with events/s and the time left, fed by the reader's progress reports.
import { onIngestProgress, type IngestProgress } from '../ingest/ingest-progress.js';
import { stripControlInline } from '../util/sanitize.js';

export interface Progress {
  update(label: string): void;
  done(): void;
}

const BAR = 24;

export function startProgress(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, done: () => undefined };
  const started = Date.now();
  let label = '';
  let file: { p: IngestProgress; since: number } | null = null;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  const draw = (): void => {
    const line = file ? barLine(file.p, Date.now() - file.since) : `${frames[i++ % frames.length]} ${label} ${((Date.now() - started) / 1000).toFixed(1)}s`;
    process.stderr.write(`\r\x1b[2K${line}`);
  };
  const timer = setInterval(draw, 120);
  timer.unref();
  onIngestProgress((p) => {
    if (file?.p.path !== p.path) file = { p, since: Date.now() };
    else file.p = p;
    draw();
  });
  return {
    update(next) {
      label = stripControlInline(next);
      file = null;
      draw();
    },
    done() {
      clearInterval(timer);
      onIngestProgress(null);
      process.stderr.write('\r\x1b[2K');
    },
  };
}

/** `▕██████░░░░▏ 41% events.ndjson 410,000 events 52,000/s ~9s left` */
export function barLine(p: IngestProgress, elapsedMs: number): string {
  const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesRead / p.bytesTotal) : 0;
  const filled = Math.round(frac * BAR);
  const secs = elapsedMs / 1000;
  const rate = secs > 0 ? Math.round(p.events / secs) : 0;
  const left = frac > 0 && frac < 1 ? `~${Math.ceil((secs * (1 - frac)) / frac)}s left` : '';
  const name = stripControlInline(p.path.split('/').pop() ?? p.path);
  return `▕${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}▏ ${Math.round(frac * 100)}% ${name} ${p.events.toLocaleString('en')} events ${rate.toLocaleString('en')}/s ${left}`.trimEnd();
}
