/**
 * Streams a CSV file through `CsvParser` in fixed-size chunks, so memory does not grow with the
 * file (only with what the record handler keeps), and reports progress for the CLI's bar.
 * Synchronous reads: the CLI has nothing else to do meanwhile, and a read loop without the
 * event loop's per-chunk overhead is the fastest way through a local file.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

import { CsvParser, CsvRecordHandler } from './csv';

/** Called after each chunk with bytes read so far and the file size. */
export type ProgressHandler = (bytesRead: number, totalBytes: number) => void;

const CHUNK_BYTES = 4 << 20;

/**
 * Reads `path` as UTF-8 CSV, calling `onRecord` per record (header included). The record points
 * into a reused read buffer: decode or intern what you keep during the callback.
 */
export function readCsvFile(
  path: string,
  onRecord: CsvRecordHandler,
  onProgress?: ProgressHandler,
): void {
  const fd = openSync(path, 'r');
  try {
    const totalBytes = fstatSync(fd).size;
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(totalBytes, 1 << 16)));
    const parser = new CsvParser(onRecord);
    let bytesRead = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      bytesRead += n;
      parser.write(n === buffer.length ? buffer : buffer.subarray(0, n));
      onProgress?.(bytesRead, totalBytes);
    }
    parser.end();
  } finally {
    closeSync(fd);
  }
}
