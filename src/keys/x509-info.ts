// X.509 facts we keep about a certificate-bound key (PEM CERTIFICATE blocks and JWK x5c).
import { createHash, type X509Certificate } from 'node:crypto';
import type { X509Info } from '../types.js';
import { stripControlInline } from '../util/sanitize.js';

export function x509Info(cert: X509Certificate): X509Info {
  return {
    subject: dn(cert.subject),
    issuer: dn(cert.issuer),
    serial: cert.serialNumber.toLowerCase(),
    notBefore: isoDate(cert.validFrom),
    notAfter: isoDate(cert.validTo),
    sha256: createHash('sha256').update(cert.raw).digest('hex'),
  };
}

/** RFC 7517 x5t#S256: base64url SHA-256 of the DER certificate. */
export function x5tS256(der: Buffer): string {
  return createHash('sha256').update(der).digest('base64url');
}

// Node joins RDNs with newlines; one line is what tables and JSON columns want.
function dn(text: string): string {
  return stripControlInline(text.split('\n').filter(Boolean).join(', '));
}

// Node 20 gives "Nov 23 12:00:00 2025 GMT"; keep the raw text if it ever stops parsing.
function isoDate(text: string): string {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}
