import { Command } from 'commander';
import { globals, outFor } from '../context.js';

export function ingestCommand(): Command {
  return new Command('ingest')
    .description('load logs, token captures, keys, rotation records and revocations into the store (`-` = NDJSON on stdin)')
    .argument('<path...>', 'files or folders; `-` reads standard input')
    .option('--kind <kind>', 'skip detection: events, captures, jwks, pem, key-events, revocations, har')
    .option('--preset <name>', 'read provider logs: okta, auth0, entra, cloudflare-access, or auto (recognise them by shape)')
    .option('--mapping <file>', 'read provider logs with a mapping file (docs/presets.md); several: each file read by the one whose detect rules match it (with --preset auto: among the presets too)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (paths: string[], opts: { kind?: string; preset?: string; mapping: string[] }, cmd: Command) => {
      const { runIngest } = await import('../run-ingest.js');
      const g = globals(cmd);
      await runIngest(paths, { ...g, kind: opts.kind, preset: opts.preset, mapping: opts.mapping.length ? opts.mapping : undefined }, outFor(g));
    });
}
