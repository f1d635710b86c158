// A report leaves the tool in one of two ways — written to a file, or to standard output — and either way the ledger
// records it (format, the sha256 and size of the bytes, the ledger head it was made from); with a signing key, a
// detached JWS of the file is written beside it (`<file>.jws`, src/report/sign-report.ts).
import type { Store } from '../store/db.js';
import { appendEntry } from '../store/ledger.js';
import { sha256Hex } from '../util/sha256.js';
import { writeOutFile } from '../util/out-file.js';
import { signDetached, type SigningKey } from './sign-report.js';

export interface WrittenReport {
  path: string | null;
  sha256: string;
  /** the detached signature's file, when signed */
  signature: string | null;
}

export async function writeReportFile(
  store: Store,
  path: string,
  text: string,
  opts: { format: string; ledgerHead: string; mode?: number; signer?: SigningKey | null },
): Promise<WrittenReport> {
  writeOutFile(path, text, opts.mode);
  const bytes = Buffer.from(text, 'utf8');
  let signature: string | null = null;
  if (opts.signer) {
    signature = `${path}.jws`;
    writeOutFile(signature, `${await signDetached(bytes, opts.signer, { ledger_head: opts.ledgerHead, report_format: opts.format })}\n`);
  }
  return recordReport(store, path, bytes, { ...opts, signature });
}

/** The ledger entry of a report written (to a file, or to standard output: path null). */
export async function recordReport(
  store: Store,
  path: string | null,
  bytes: Uint8Array,
  opts: { format: string; ledgerHead: string; signer?: SigningKey | null; signature?: string | null },
): Promise<WrittenReport> {
  const sha256 = sha256Hex(bytes);
  await store.transaction(() => appendEntry(store, 'report', {
    format: opts.format, path, bytes: bytes.length, sha256, ledger_head: opts.ledgerHead, signed_by: opts.signer?.kid ?? null,
  }));
  return { path, sha256, signature: opts.signature ?? null };
}
