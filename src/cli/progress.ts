// A status line on stderr while something long runs: only on a TTY, never in pipes or CI logs.
export interface Progress {
  update(label: string): void;
  done(): void;
}

export function startProgress(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, done: () => undefined };
  const started = Date.now();
  let label = '';
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  const draw = (): void => {
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\r\x1b[2K${frames[i++ % frames.length]} ${label} ${secs}s`);
  };
  const timer = setInterval(draw, 120);
  timer.unref();
  return {
    update(next) {
      label = next.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
      draw();
    },
    done() {
      clearInterval(timer);
      process.stderr.write('\r\x1b[2K');
    },
  };
}
