import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barLine } from '../../src/cli/progress.js';
import { tempDir } from '../helpers/tmp.js';

const BIN = new URL('../../bin/jwt-forensics.js', import.meta.url).pathname;

describe('the ingest progress bar', () => {
  it('shows the share read, events per second and the time left', () => {
    const line = barLine({ path: '/logs/auth.ndjson', bytesRead: 250, bytesTotal: 1000, events: 40_000 }, 2000);
    expect(line).toBe(`▕${'█'.repeat(6)}${'░'.repeat(18)}▏ 25% auth.ndjson 40,000 events 20,000/s ~6s left`);
  });

  it('gives no time left before anything is read or once all is', () => {
    expect(barLine({ path: 'a', bytesRead: 0, bytesTotal: 10, events: 0 }, 0)).not.toMatch(/left/);
    expect(barLine({ path: 'a', bytesRead: 10, bytesTotal: 10, events: 5 }, 1000)).toMatch(/100% a 5 events 5\/s$/);
  });

  it('strips control characters from the file name', () => {
    const line = barLine({ path: '/x/evil\u001b]0;pwned\u0007.ndjson', bytesRead: 1, bytesTotal: 2, events: 1 }, 1000);
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it.runIf(spawnSync('script', ['--version']).status === 0)('draws on a terminal and never in a pipe', () => {
    const dir = tempDir();
    const file = join(dir, 'big.ndjson');
    writeFileSync(file, Array.from({ length: 3000 }, (_, i) => JSON.stringify({ ts: 1773482400 + i, event: 'use', sub: `u-${i}` })).join('\n'));
    const env = { ...process.env, JWT_FORENSICS_PART_BYTES: '20000', NO_COLOR: '1' };
    const db = join(dir, 'a.duckdb');
    // `script` gives the CLI a pseudo-terminal, as a responder's shell would
    const tty = spawnSync('script', ['-qec', `node ${BIN} --db ${db} ingest ${file}`, '/dev/null'], { env, encoding: 'utf8' });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/▕[█░]+▏ \d+% big\.ndjson [\d,]+ events [\d,]+\/s/);
    const piped = spawnSync(process.execPath, [BIN, '--db', join(dir, 'b.duckdb'), 'ingest', file], { env, encoding: 'utf8' });
    expect(piped.status).toBe(0);
    expect(piped.stderr).not.toMatch(/▕|events\/s|\r/);
  });
});
