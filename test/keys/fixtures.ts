// Fixture access for the key parser tests: only ever the repository's fixtures/ folder.
import { readFileSync } from 'node:fs';

const root = new URL('../../fixtures/keys/', import.meta.url);

export function fixture(path: string): Buffer {
  return readFileSync(new URL(path, root));
}

export function fixtureText(path: string): string {
  return fixture(path).toString('utf8');
}

/** DER bytes in PEM armour, 64 characters a line, as openssl writes it. */
export function armour(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
