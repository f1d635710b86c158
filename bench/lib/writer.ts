// Output plumbing: keep lines in time order across overlapping sessions, and write big chunks that respect
// the stream's backpressure (a 0.7 GB file must not sit in memory).
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import type { Line } from './events.js';

/** Lines waiting for every earlier line to be known; merged, not re-sorted, on each batch. */
export class SortedBuffer {
  private pending: Line[] = [];

  add(batch: Line[]): void {
    batch.sort((a, b) => a.ts - b.ts);
    const a = this.pending;
    const merged: Line[] = new Array(a.length + batch.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < a.length && j < batch.length) merged[k++] = a[i]!.ts <= batch[j]!.ts ? a[i++]! : batch[j++]!;
    while (i < a.length) merged[k++] = a[i++]!;
    while (j < batch.length) merged[k++] = batch[j++]!;
    this.pending = merged;
  }

  /** Remove and return the lines strictly before `cutoff` (no later batch can precede it). */
  takeBefore(cutoff: number): Line[] {
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.ts < cutoff) n++;
    const out = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    return out;
  }
}

export class ChunkWriter {
  private buf = '';

  constructor(
    private readonly stream: WriteStream,
    private readonly chunkChars = 4 << 20,
  ) {}

  add(text: string): void {
    this.buf += text;
  }

  async flushIfFull(): Promise<void> {
    if (this.buf.length >= this.chunkChars) await this.flush();
  }

  async flush(): Promise<void> {
    const chunk = this.buf;
    this.buf = '';
    if (chunk && !this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
