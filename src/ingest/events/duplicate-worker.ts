// The background scan for repeated canonical keys (duplicate-keys.ts), on its own thread: it reads the file while
// the main thread's layout pass and DuckDB's read do, using a core they leave idle.
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { DuplicateKeyScan } from './duplicate-keys.js';

const scan = new DuplicateKeyScan();
for await (const chunk of createReadStream((workerData as { path: string }).path, { highWaterMark: 4 * 1024 * 1024 })) scan.push(chunk as Buffer);
parentPort!.postMessage(scan.finish());
