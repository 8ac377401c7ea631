/**
 * A small streaming CSV reader and writer (RFC 4180) for the command-line tools.
 *
 * Why not csv-parse: `quorum aggregate` aims at a whole process an order of magnitude faster
 * than crowd-kit's (150k answers well under a second, Node start-up included), and in a
 * profile of a first, string-based version, creating and hashing 450k small field strings was
 * the largest cost after the algorithm itself. csv-parse (not a dependency yet) builds a string
 * per field and an array or object per record in a Transform stream. This scanner instead walks
 * the raw bytes, records each field as a byte range of the current chunk, and lets the caller
 * decode a field (`text`) or map it through a `FieldInterner`, which decodes each distinct
 * value once: ids repeat (every worker answers many tasks), so most fields cost a hash and a
 * byte compare and allocate nothing.
 *
 * Supported: quoted fields with `""` escapes and embedded line breaks; LF, CRLF or lone-CR line
 * ends; a UTF-8 byte-order mark; blank lines (skipped). Errors name the 1-based line (the header
 * is line 1). Field counts are checked by the caller, who knows the header. Input is UTF-8.
 */

/** A CSV file that does not follow RFC 4180; `line` is 1-based (the header is line 1). */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * The record being delivered. Valid only during the callback: it points into the scanner's
 * current chunk, which the next chunk replaces.
 */
export interface CsvRecord {
  /** 1-based line on which the record starts. */
  readonly line: number;
  /** Number of fields. */
  readonly length: number;
  /** Field `i` decoded as a string (quotes removed, `""` unescaped). */
  text(i: number): string;
  /** Raw view: field i is `bytes[starts[i] .. ends[i])`, without its outer quotes. */
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** 1 if field i contains `""` escapes (its raw bytes are not yet its value). */
  readonly escaped: Uint8Array;
}

/** Receives each record (header included). */
export type CsvRecordHandler = (record: CsvRecord) => void;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

const utf8 = new TextDecoder('utf-8');

/**
 * Parses CSV bytes fed in chunks of any size (split anywhere: inside a quoted field, a
 * multi-byte character, or between CR and LF). Call `write` per chunk, then `end` once.
 *
 * @example
 * const parser = new CsvParser(record => rows.push([record.text(0), record.text(1)]));
 * parser.write(Buffer.from('worker,task\n"a, b",1\n'));
 * parser.end();
 */
export class CsvParser implements CsvRecord {
  line = 1;
  length = 0;
  /** Bytes not yet consumed: the start of an incomplete record from the previous chunk. */
  private pending: Uint8Array = new Uint8Array(0);
  /** The chunk the current record's byte ranges point into. */
  bytes: Uint8Array = new Uint8Array(0);
  /** Field i is bytes[starts[i] .. ends[i]); quoted fields exclude their outer quotes. */
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  /** 1 if field i contains `""` escapes (its raw bytes are not its value). */
  escaped = new Uint8Array(16);
  private nextLine = 1;
  private atStart = true;

  constructor(private readonly onRecord: CsvRecordHandler) {}

  /** Parses every complete record of `pending + chunk`; keeps an incomplete tail for later. */
  write(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.pending.length > 0) {
      bytes = new Uint8Array(this.pending.length + chunk.length);
      bytes.set(this.pending);
      bytes.set(chunk, this.pending.length);
    }
    let position = 0;
    if (this.atStart) {
      if (bytes.length < 3 && bytes.length > 0 && bytes[0] === 0xef) {
        this.pending = bytes.slice();
        return;
      }
      this.atStart = bytes.length === 0;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) position = 3;
    }
    const consumed = this.parse(bytes, position, false);
    // Copy the tail: `chunk` may be a reused read buffer.
    this.pending = consumed === bytes.length ? new Uint8Array(0) : bytes.slice(consumed);
  }

  /** Parses the rest. Throws CsvSyntaxError for an unterminated quoted field. */
  end(): void {
    const bytes = this.pending;
    this.pending = new Uint8Array(0);
    let position = 0;
    if (this.atStart && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) position = 3;
    if (bytes.length > position) this.parse(bytes, position, true);
  }

  text(i: number): string {
    const value = utf8.decode(this.bytes.subarray(this.starts[i], this.ends[i]));
    return this.escaped[i] ? value.replace(/""/g, '"') : value;
  }

  /**
   * Parses records from bytes[position..]; returns where the first incomplete record starts.
   * With `final`, the end of the bytes ends the last record.
   */
  private parse(bytes: Uint8Array, position: number, final: boolean): number {
    const length = bytes.length;
    this.bytes = bytes;
    let line = this.nextLine;

    records: while (position < length) {
      const recordStart = position;
      const recordLine = line;
      let c = bytes[position];
      if (c === LF || c === CR) {
        // A blank line (or the LF of a CRLF whose CR ended the previous chunk's record).
        if (c === CR && position + 1 === length && !final) break;
        position += c === CR && bytes[position + 1] === LF ? 2 : 1;
        line++;
        continue;
      }
      let fields = 0;
      for (;;) {
        if (fields === this.starts.length) this.growFields();
        if (position < length && bytes[position] === QUOTE) {
          let end = position + 1;
          let escaped = 0;
          for (;;) {
            while (end < length && bytes[end] !== QUOTE) {
              if (bytes[end] === LF || (bytes[end] === CR && bytes[end + 1] !== LF)) line++;
              end++;
            }
            if (end === length || (end + 1 === length && !final)) {
              // No closing quote yet, or cannot tell `"` from the first half of `""` yet.
              if (!final) {
                line = recordLine;
                position = recordStart;
                break records;
              }
              if (end === length)
                throw new CsvSyntaxError(recordLine, 'quoted field is not closed');
            }
            if (bytes[end + 1] === QUOTE) {
              escaped = 1;
              end += 2;
              continue;
            }
            break;
          }
          this.starts[fields] = position + 1;
          this.ends[fields] = end;
          this.escaped[fields] = escaped;
          fields++;
          position = end + 1;
          c = position < length ? bytes[position] : -1;
          if (c !== COMMA && c !== LF && c !== CR && c !== -1) {
            throw new CsvSyntaxError(
              line,
              `unexpected "${String.fromCharCode(c)}" after a closing quote`,
            );
          }
        } else {
          const fieldStart = position;
          c = -1;
          while (position < length) {
            const b = bytes[position];
            if (b === COMMA || b === LF || b === CR) {
              c = b;
              break;
            }
            if (b === QUOTE) {
              throw new CsvSyntaxError(
                line,
                'a quote inside an unquoted field (quote the whole field and double the quote)',
              );
            }
            position++;
          }
          this.starts[fields] = fieldStart;
          this.ends[fields] = position;
          this.escaped[fields] = 0;
          fields++;
        }
        if (c === COMMA) {
          position++;
          continue;
        }
        if (c === -1) {
          // End of the bytes inside the record: complete only in the last chunk.
          if (!final) {
            line = recordLine;
            position = recordStart;
            break records;
          }
        } else if (c === CR) {
          if (position + 1 === length && !final) {
            line = recordLine;
            position = recordStart;
            break records;
          }
          position += bytes[position + 1] === LF ? 2 : 1;
          line++;
        } else {
          position++;
          line++;
        }
        this.length = fields;
        this.line = recordLine;
        this.onRecord(this);
        break;
      }
    }
    this.nextLine = line;
    return position;
  }

  private growFields(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const escaped = new Uint8Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    escaped.set(this.escaped);
    this.starts = starts;
    this.ends = ends;
    this.escaped = escaped;
  }
}

/**
 * Maps fields to strings, decoding each distinct byte sequence once and returning the same
 * string object for every repeat (so Map lookups on it reuse V8's cached hash). Open addressing
 * on an FNV-1a hash of the raw bytes; the raw bytes are kept in an arena for comparison.
 * One interner per column keeps the tables small.
 */
export class FieldInterner {
  private slots = new Int32Array(1024).fill(-1);
  private hashes: Int32Array = new Int32Array(256);
  private offsets: Int32Array = new Int32Array(257);
  private arena = new Uint8Array(4096);
  private strings: string[] = [];

  /** The string value of `record`'s field `i`. */
  intern(record: CsvRecord, i: number): string {
    const bytes = record.bytes;
    const start = record.starts[i];
    const end = record.ends[i];
    const escaped = record.escaped[i];
    let hash = 0x811c9dc5 ^ escaped;
    for (let p = start; p < end; p++) hash = Math.imul(hash ^ bytes[p], 0x01000193);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot];
      if (id === -1) return this.insert(slot, hash, record, i);
      if (this.hashes[id] !== hash) continue;
      const from = this.offsets[id];
      if (this.offsets[id + 1] - from !== end - start) continue;
      let same = true;
      for (let p = start; p < end; p++) {
        if (this.arena[from + p - start] !== bytes[p]) {
          same = false;
          break;
        }
      }
      // The escape flag is part of the hash only; equal raw bytes with different flags
      // cannot occur (a raw `""` in an unquoted field is a syntax error).
      if (same) return this.strings[id];
    }
  }

  /** Number of distinct values seen. */
  get size(): number {
    return this.strings.length;
  }

  private insert(slot: number, hash: number, record: CsvRecord, i: number): string {
    const id = this.strings.length;
    const start = record.starts[i];
    const end = record.ends[i];
    const value = record.text(i);
    if (id + 1 === this.hashes.length) {
      this.hashes = grownInt32(this.hashes, this.hashes.length * 2);
      this.offsets = grownInt32(this.offsets, this.offsets.length * 2);
    }
    const from = this.offsets[id];
    if (from + (end - start) > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, from + end - start));
      arena.set(this.arena);
      this.arena = arena;
    }
    this.arena.set(record.bytes.subarray(start, end), from);
    this.offsets[id + 1] = from + end - start;
    this.hashes[id] = hash;
    this.strings.push(value);
    this.slots[slot] = id;
    if (this.strings.length * 2 > this.slots.length) this.rehash();
    return value;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.strings.length; id++) {
      let slot = this.hashes[id] & mask;
      while (slots[slot] !== -1) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
  }
}

function grownInt32(array: Int32Array, size: number): Int32Array {
  const bigger = new Int32Array(size);
  bigger.set(array);
  return bigger;
}

/** Parses a whole CSV string into records of strings; for tests and small files. */
export function parseCsv(text: string): Array<{ fields: string[]; line: number }> {
  const records: Array<{ fields: string[]; line: number }> = [];
  const parser = new CsvParser(record => {
    const fields: string[] = [];
    for (let i = 0; i < record.length; i++) fields.push(record.text(i));
    records.push({ fields, line: record.line });
  });
  parser.write(new TextEncoder().encode(text));
  parser.end();
  return records;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field, quoted only when it contains a comma, a quote or a line break. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
