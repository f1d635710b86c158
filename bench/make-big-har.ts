// Writes a large HAR for the memory measurement of issue 18 (not committed data): Chrome-shaped entries, each with
// a bearer token, a base64-encoded response body (binary noise with a token inside the JSON every tenth entry) and
// one body of several tens of megabytes in a single string. Usage: node --import tsx bench/make-big-har.ts OUT [MB]
import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';

const [out = '/tmp/big.har', mbArg = '200'] = process.argv.slice(2);
const target = Number(mbArg) * 1024 * 1024;
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = (i: number): string =>
  `${b64({ alg: 'RS256', kid: 'bench', typ: 'at+jwt' })}.${b64({ sub: `u-${i % 500}`, jti: `big-${i}`, iat: 1773482400, exp: 1773486000 })}.${randomBytes(256).toString('base64url')}`;

const file = createWriteStream(out);
const write = async (s: string): Promise<void> => {
  if (!file.write(s)) await once(file, 'drain');
};
await write('{\n  "log": {\n    "version": "1.2",\n    "creator": {"name": "WebInspector", "version": "537.36"},\n    "entries": [\n');
let written = 0;
for (let i = 0; written < target; i++) {
  const huge = i === 50; // one body of ~40 MB in one string
  const raw = huge ? randomBytes(30 * 1024 * 1024) : i % 10 === 0 ? Buffer.from(JSON.stringify({ access_token: token(i + 1_000_000), pad: randomBytes(30_000).toString('hex') })) : randomBytes(60_000);
  const entry = {
    _resourceType: 'fetch', cache: {}, connection: '443',
    request: { method: 'GET', url: `https://api.bench.example/v1/items/${i}?page=${i}`, httpVersion: 'http/2.0', headers: [{ name: 'authorization', value: `Bearer ${token(i)}` }], cookies: [], queryString: [{ name: 'page', value: String(i) }], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: '', httpVersion: 'http/2.0', headers: [], cookies: [], content: { size: raw.length, mimeType: 'application/json', text: raw.toString('base64'), encoding: 'base64' }, redirectURL: '', headersSize: -1, bodySize: -1 },
    serverIPAddress: '203.0.113.10', startedDateTime: new Date(Date.UTC(2026, 2, 14, 10) + i * 1000).toISOString(), time: 40, timings: { send: 0, wait: 40, receive: 0 },
  };
  const text = (i ? ',\n' : '') + JSON.stringify(entry);
  await write(text);
  written += text.length;
}
await write('\n    ]\n  }\n}\n');
file.end();
await once(file, 'finish');
process.stderr.write(`wrote ${out}: ${(written / 1024 / 1024).toFixed(0)} MB\n`);
