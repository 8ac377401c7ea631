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
  private pending: Buffer = Buffer.alloc(0);
  /** The chunk the current record's byte ranges point into. */
  bytes: Buffer = Buffer.alloc(0);
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
    // A Buffer view (no copy) decodes fields with Node's native UTF-8 slice, the fastest way.
    let bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.pending.length > 0) bytes = Buffer.concat([this.pending, bytes]);
    let position = 0;
    if (this.atStart) {
      if (bytes.length < 3 && bytes.length > 0 && bytes[0] === 0xef) {
        this.pending = Buffer.from(bytes);
        return;
      }
      this.atStart = bytes.length === 0;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) position = 3;
    }
    const consumed = this.parse(bytes, position, false);
    // Copy the tail: `chunk` may be a reused read buffer.
    this.pending =
      consumed === bytes.length ? Buffer.alloc(0) : Buffer.from(bytes.subarray(consumed));
  }

  /** Parses the rest. Throws CsvSyntaxError for an unterminated quoted field. */
  end(): void {
    const bytes = this.pending;
    this.pending = Buffer.alloc(0);
    let position = 0;
    if (this.atStart && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) position = 3;
    if (bytes.length > position) this.parse(bytes, position, true);
  }

  text(i: number): string {
    const value = this.bytes.toString('utf8', this.starts[i], this.ends[i]);
    return this.escaped[i] ? value.replace(/""/g, '"') : value;
  }

  /**
   * Parses records from bytes[position..]; returns where the first incomplete record starts.
   * With `final`, the end of the bytes ends the last record.
   */
  private parse(bytes: Buffer, position: number, final: boolean): number {
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
 * Maps fields to dense value ids and strings, decoding each distinct byte sequence once. Ids
 * repeat across a file (every worker answers many tasks), so most fields cost a hash and a byte
 * compare and allocate nothing; callers can key their own per-value caches on the id (an array
 * index) instead of hashing strings again. Open addressing on an FNV-1a hash of the raw bytes,
 * which are kept in an arena for comparison. One interner per column keeps the tables small.
 *
 * Raw bytes identify values exactly, so no decoded-string map is needed: a field without `""`
 * escapes is its raw bytes (quoted or not), a value containing a quote can only come from a
 * quoted field with escapes, and escaping is deterministic. `"abc"` and `abc` share an entry.
 */
export class FieldInterner {
  private slots = new Int32Array(1 << 12).fill(-1);
  /** Per value id: the hash and arena range of its raw bytes. */
  private hashes: Int32Array = new Int32Array(1 << 10);
  private offsets: Int32Array = new Int32Array((1 << 10) + 1);
  private arena = new Uint8Array(1 << 14);
  private readonly values: string[] = [];

  /** The value id of `record`'s field `i`: 0, 1, 2, … in order of first appearance. */
  id(record: CsvRecord, i: number): number {
    const bytes = record.bytes;
    const start = record.starts[i];
    const end = record.ends[i];
    let hash = 0x811c9dc5;
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
      if (same) return id;
    }
  }

  /** The string value of `record`'s field `i` (the same string object for every repeat). */
  intern(record: CsvRecord, i: number): string {
    return this.values[this.id(record, i)];
  }

  /** The string of a value id. */
  value(id: number): string {
    return this.values[id];
  }

  /** Number of distinct values seen. */
  get size(): number {
    return this.values.length;
  }

  private insert(slot: number, hash: number, record: CsvRecord, i: number): number {
    const id = this.values.length;
    const bytes = record.bytes;
    const start = record.starts[i];
    const end = record.ends[i];
    this.values.push(record.text(i));
    if (id + 1 === this.hashes.length) {
      this.hashes = grownInt32(this.hashes, this.hashes.length * 4);
      this.offsets = grownInt32(this.offsets, this.offsets.length * 4);
    }
    const from = this.offsets[id];
    if (from + (end - start) > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 4, from + end - start));
      arena.set(this.arena);
      this.arena = arena;
    }
    // A loop, not arena.set(bytes.subarray(...)): ids are short, and a Buffer view per new value
    // cost more than the copy.
    for (let p = start; p < end; p++) this.arena[from + p - start] = bytes[p];
    this.offsets[id + 1] = from + end - start;
    this.hashes[id] = hash;
    this.slots[slot] = id;
    // Grow 4× at a time: fewer rehashes while a 50k-task column fills up.
    if (this.values.length * 2 > this.slots.length) this.rehash(this.slots.length * 4);
    return id;
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let id = 0; id < this.values.length; id++) {
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
