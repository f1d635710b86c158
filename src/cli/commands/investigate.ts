import { Command } from 'commander';
import { globals, outFor, secretsOption } from '../context.js';

export function investigateCommand(): Command {
  return secretsOption(new Command('investigate'), true)
    .description('ingest an incident bundle, run every check, and say what happened and what to do first (the main job)')
    .argument('<path...>', 'files or folders of logs, captures, keys, rotation records and revocations')
    .option('--preset <name>', 'read provider logs: okta, auth0, entra, cloudflare-access, or auto (recognise them by shape)')
    .option('--mapping <file>', 'read provider logs with a mapping file (docs/presets.md); several: each file read by the one whose detect rules match it (with --preset auto: among the presets too)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above: critical, high, medium, low, info')
    .option('--out <dir>', 'also write the report in every format (json, md, html, sarif, junit.xml) into this folder')
    .option('--strict', 'exit 2 (after writing) when a signature or use check could not be evaluated (what it needs is not in the store)')
    .option('--sign-key <file>', 'with --out: sign each report file with this private key (JWK or PEM: Ed25519, ES256 or RS256) into <file>.jws, a detached JWS naming the ledger head (docs/evidence.md)')
    .action(async (paths: string[], opts: { failOn?: string; out?: string; preset?: string; mapping: string[]; strict?: boolean; secrets?: string[]; signKey?: string }, cmd: Command) => {
      const { runInvestigate } = await import('../run-investigate.js');
      const g = globals(cmd);
      await runInvestigate(paths, { ...opts, mapping: opts.mapping.length ? opts.mapping : undefined }, g, outFor(g));
    });
}
