import { Command } from 'commander';
import { globals, outFor } from '../context.js';

export function verifyCommand(): Command {
  return new Command('verify')
    .description('check the store against its hash-chained ledger (every ingest, check run and report), the original inputs, or a signed report (docs/evidence.md); exit 0 intact, 1 a mismatch, 2 unusable')
    .option('--inputs <path...>', 'the original input files or folders: say which still match their recorded sha256, which changed and which are missing')
    .option('--report <file>', 'a report file to check against its detached signature (<file>.jws) and --key')
    .option('--key <file>', 'with --report: the public key (JWK or PEM) the report should be signed by')
    .option('--signature <file>', 'with --report: the detached JWS, when it is not <file>.jws')
    .addHelpText('after', '\nExamples:\n  jwt-forensics verify\n  jwt-forensics verify --inputs ./evidence\n  jwt-forensics verify --report reports/report.md --key signer.pub.jwk')
    .action(async (opts: { inputs?: string[]; report?: string; key?: string; signature?: string }, cmd: Command) => {
      const { runVerify } = await import('../run-verify.js');
      const g = globals(cmd);
      await runVerify(opts, g, outFor(g));
    });
}
