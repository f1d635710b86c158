// `verify`: the store against its ledger (and the original inputs), or a signed report against its signature, its
// bytes and the store's chain. Exit 0 intact; 1 (GateFailed) a mismatch, after saying what; 2 unusable.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { verifyStore, type Verification } from '../app/verify.js';
import { GateFailed, InputError, UsageError } from '../errors.js';
import { toJson } from '../format/serialize.js';
import { verifyDetached } from '../report/sign-report.js';
import { Store } from '../store/db.js';
import { inLedger } from '../store/ledger.js';
import { stripControlInline } from '../util/sanitize.js';
import { formatOf, type Globals } from './context.js';
import { COMMAND_FORMATS } from './formats.js';
import type { Out } from './output.js';

export interface VerifyOptions {
  inputs?: string[];
  report?: string;
  key?: string;
  signature?: string;
}

export async function runVerify(opts: VerifyOptions, g: Globals, out: Out): Promise<void> {
  const format = formatOf(g, COMMAND_FORMATS.verify, 'table');
  // --signature belongs to --report; --inputs to the store's verification: neither is ignored in the other
  if (opts.report || opts.key || opts.signature) {
    if (opts.inputs) throw new UsageError('verify --inputs checks the store against its inputs; --report checks a signed report: one at a time');
    return verifyReport(opts, g, format, out);
  }
  const store = await Store.open(g.db, { mustExist: true, readOnly: true });
  let result: Verification;
  try {
    result = await verifyStore(store, { inputs: opts.inputs });
  } finally {
    store.close();
  }
  out.write(format === 'json' ? toJson(result) : renderVerification(result, g.db));
  if (!result.intact) throw new GateFailed(`verify: ${result.problems.length} mismatch(es)${result.inputs?.some((i) => i.status !== 'match') ? ' and inputs that do not match' : ''} found`);
}

function renderVerification(v: Verification, db: string): string {
  const lines = [`${v.intact ? 'intact' : 'NOT INTACT'}: ${db}, ${v.entries} ledger entr${v.entries === 1 ? 'y' : 'ies'}, head ${v.head}`];
  for (const p of v.problems) lines.push(`  ${p.entry === null ? '' : `entry ${p.entry} `}[${p.table}] ${stripControlInline(p.what)}`);
  for (const n of v.notes) lines.push(`  note: ${stripControlInline(n)}`);
  if (v.inputs) {
    lines.push('inputs:');
    for (const i of v.inputs) lines.push(`  ${i.status.padEnd(7)} ${stripControlInline(i.path)}${i.found && i.status === 'match' && i.found !== resolve(i.path) ? ` (as ${stripControlInline(i.found)})` : ''}`);
    for (const u of v.unknown_inputs) lines.push(`  unknown ${stripControlInline(shown(u))} (no ingest recorded these bytes)`);
    for (const s of v.passed_over) lines.push(`  passed  ${stripControlInline(shown(s.path))} (${s.why}: ingest passes it over too)`);
  }
  return `${lines.join('\n')}\n`;
}

/** A path under the working folder as a relative one (as it was most likely given). */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

async function verifyReport(opts: VerifyOptions, g: Globals, format: string, out: Out): Promise<void> {
  if (!opts.report || !opts.key) throw new UsageError('verify --report FILE needs --key PUBLIC (and --key and --signature need --report)');
  const sigPath = opts.signature ?? `${opts.report}.jws`;
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new InputError(`${what} ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const bytes = read(opts.report, 'report');
  const jws = read(sigPath, 'signature').toString('utf8');
  const check = await verifyDetached(jws, bytes, opts.key);
  let ledger: 'in-chain' | 'not-in-chain' | 'no-store' = 'no-store';
  if (check.ok && existsSync(g.db)) {
    const store = await Store.open(g.db, { readOnly: true });
    try {
      ledger = (await inLedger(store, check.header.ledger_head)) ? 'in-chain' : 'not-in-chain';
    } finally {
      store.close();
    }
  }
  const reason = !check.ok ? check.reason : ledger === 'not-in-chain'
    ? `the ledger head the report was made from (${check.header.ledger_head}) is not in the chain of ${g.db}`
    : null;
  const result = { report: opts.report, signature: sigPath, ok: reason === null, reason, header: check.header, ledger };
  if (format === 'json') out.write(toJson(result));
  else if (reason) out.write(`NOT VERIFIED: ${stripControlInline(opts.report)}: ${stripControlInline(reason)}\n`);
  else {
    // the header is the signer's text: one line of it, whatever it holds
    const h = check.header!;
    out.write(`verified: ${stripControlInline(opts.report)} (sha256 ${h.report_sha256}) signed by ${stripControlInline(String(h.kid))} (${h.alg}); ` +
      `ledger head ${stripControlInline(String(h.ledger_head))} ${ledger === 'in-chain' ? `is in the chain of ${g.db}` : `not checked: no store at ${g.db}`}\n`);
  }
  if (reason) throw new GateFailed(`verify: ${reason}`);
}
