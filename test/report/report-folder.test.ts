// Issue 14 §8: `investigate --out DIR` writes its five files never through a link planted in the folder.
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { writeReportFolder } from '../../src/report/report-folder.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';
import { fixedReport } from './fixed-report.js';

describe('the report folder', () => {
  it('refuses a symbolic link planted at one of its files and leaves the link target alone', async () => {
    const dir = tempDir();
    const out = join(dir, 'reports');
    mkdirSync(out);
    const target = join(dir, 'authorized_keys');
    writeFileSync(target, 'ssh-ed25519 AAAA me\n');
    symlinkSync(target, join(out, 'report.md'));
    const store = await Store.open(':memory:');
    try {
      const written = writeReportFolder(store, fixedReport([]), out, 'high');
      await expect(written).rejects.toBeInstanceOf(UsageError);
      await expect(written).rejects.toThrow(/report\.md is a symbolic link/);
    } finally {
      store.close();
    }
    expect(readFileSync(target, 'utf8')).toBe('ssh-ed25519 AAAA me\n');
  });

  it('writes every format, replacing files that were there, and leaves no temporary file', async () => {
    const out = join(tempDir(), 'reports');
    mkdirSync(out);
    writeFileSync(join(out, 'report.json'), 'stale');
    const store = await Store.open(':memory:');
    try {
      await writeReportFolder(store, fixedReport([]), out, 'high');
    } finally {
      store.close();
    }
    expect(readdirSync(out).sort()).toEqual(['report.html', 'report.json', 'report.junit.xml', 'report.md', 'report.sarif']);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).findings).toEqual([]);
  });
});
