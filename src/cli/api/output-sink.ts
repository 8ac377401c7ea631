/**
 * Where a streamed export goes: a file or stdout, written chunk by chunk with back-pressure, so
 * memory holds one page whatever the export's size.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** A text sink. */
export interface OutputSink {
  write(text: string): Promise<void>;
  /** Flushes and closes a file (stdout stays open). */
  close(): Promise<void>;
}

/** Opens `path` for writing (truncating it), or stdout when `path` is undefined or "-". */
export async function openOutput(path: string | undefined): Promise<OutputSink> {
  const toFile = path !== undefined && path !== '-';
  const stream: Writable = toFile ? createWriteStream(path) : process.stdout;
  if (toFile) await once(stream, 'open');
  return {
    async write(text) {
      if (!stream.write(text)) await once(stream, 'drain');
    },
    async close() {
      if (!toFile) return;
      stream.end();
      await once(stream, 'finish');
    },
  };
}
