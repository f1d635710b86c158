// `--baseline REV`: an earlier commit's built CLI, measured in the same run as this tree's (so both see the same
// machine load), for "no ingest regression beyond N%" claims. The commit is checked out once into a worktree under
// bench/data/ (ignored by git) and installed there with `npm ci`, which builds its dist/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed`);
  return r.stdout.trim();
}

/** The built CLI module (dist/cli/main.js) of `rev`, checked out and installed once; and the commit it is. */
export function baselineMain(repo: string, dataDir: string, rev: string): { main: string; commit: string } {
  const commit = run('git', ['rev-parse', '--short', `${rev}^{commit}`], repo);
  const dir = `${dataDir}baseline-${commit}`;
  if (!existsSync(`${dir}/dist/cli/main.js`)) {
    process.stderr.write(`checking out and installing ${commit} in ${dir}…\n`);
    if (!existsSync(dir)) run('git', ['worktree', 'add', '--detach', dir, commit], repo);
    run('npm', ['ci', '--no-audit', '--no-fund'], dir);
  }
  return { main: `${dir}/dist/cli/main.js`, commit };
}

/** This tree's CLI, built now so that it is the code being measured. */
export function builtMain(repo: string): string {
  run('npm', ['run', 'build'], repo);
  return `${repo}/dist/cli/main.js`;
}
