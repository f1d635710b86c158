// Progress of long reads, for whoever shows it (the CLI's status line on a TTY); nothing listens by default.
export interface IngestProgress {
  path: string;
  /** bytes of the file as stored (compressed for .gz) read so far, and its size */
  bytesRead: number;
  bytesTotal: number;
  /** events loaded from this file so far */
  events: number;
}

let listener: ((p: IngestProgress) => void) | null = null;

export function onIngestProgress(fn: ((p: IngestProgress) => void) | null): void {
  listener = fn;
}

export function reportProgress(p: IngestProgress): void {
  listener?.(p);
}
