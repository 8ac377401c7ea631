/**
 * Reads an answers CSV (`worker,task,label`) and an optional gold CSV (`task,label`) straight
 * into `encodeResponses`' matrix, streaming: no row objects, each distinct id decoded once
 * (`FieldInterner`). Shared by `quorum aggregate` and the aggregation benchmark, so both see
 * files exactly the same way.
 *
 * Header required; columns are found by name (case and surrounding spaces ignored), in any
 * order, extra columns ignored. Every record must have as many fields as the header, and no
 * empty worker, task or label. Problems are CliErrors naming the file and line.
 */
import { EncodedResponses, ResponseEncoder } from '../modules/aggregation/encode-responses';
import { CliError } from './cli-error';
import { CsvRecord, CsvSyntaxError, FieldInterner } from './csv';
import { readCsvFile } from './read-csv-file';

/** Which files to read. */
export interface AnswerFiles {
  /** `worker,task,label` CSV. */
  readonly input: string;
  /** `task,label` CSV of known labels. */
  readonly gold?: string;
  /** The label set in index order; default: inferred and sorted (see encode-responses.ts). */
  readonly labelSet?: readonly string[];
  /** Count repeated answers too (crowd-kit's behaviour); default: the latest one counts. */
  readonly keepRepeats?: boolean;
}

/** Progress of the file being read: its path, bytes read so far, its size. */
export type ReadProgress = (path: string, bytesRead: number, totalBytes: number) => void;

/** Reads and encodes the answers (and gold); throws CliError on unreadable or malformed input. */
export function readAnswerFiles(files: AnswerFiles, onProgress?: ReadProgress): EncodedResponses {
  const encoder = new ResponseEncoder({ labelSet: files.labelSet, keepRepeats: files.keepRepeats });
  // Per column: CSV value id → encoder index, so each distinct id is looked up by string once.
  const workers = new ColumnIndex(value => encoder.workerIndex(value));
  const tasks = new ColumnIndex(value => encoder.taskIndex(value));
  const labels = new ColumnIndex(value => encoder.labelIndex(value));
  const input = files.input;
  let columns: Record<'worker' | 'task' | 'label', number> | undefined;
  let width = 0;
  readCsv(
    input,
    record => {
      if (!columns) {
        columns = findColumns(record, ['worker', 'task', 'label'], input);
        width = record.length;
        return;
      }
      checkWidth(record, width, input);
      try {
        encoder.addIndexes(
          workers.indexOf(record, columns.worker),
          tasks.indexOf(record, columns.task),
          labels.indexOf(record, columns.label),
        );
      } catch (error) {
        if (error instanceof RangeError) {
          throw new CliError(`${input}: line ${record.line}: ${error.message}`);
        }
        throw error;
      }
    },
    onProgress,
  );
  if (!columns) throw new CliError(`${input}: empty file (a header is required)`);
  if (encoder.size === 0) throw new CliError(`${input}: no answers after the header`);

  let goldPairs: Array<[string, string]> | undefined;
  const goldFile = files.gold;
  if (goldFile !== undefined) {
    const pairs: Array<[string, string]> = [];
    let goldColumns: Record<'task' | 'label', number> | undefined;
    readCsv(
      goldFile,
      record => {
        if (!goldColumns) {
          goldColumns = findColumns(record, ['task', 'label'], goldFile);
          width = record.length;
          return;
        }
        checkWidth(record, width, goldFile);
        pairs.push([
          tasks.interner.intern(record, goldColumns.task),
          labels.interner.intern(record, goldColumns.label),
        ]);
      },
      onProgress,
    );
    if (!goldColumns) throw new CliError(`${goldFile}: empty file (a header is required)`);
    goldPairs = pairs;
  }
  try {
    return encoder.finish(goldPairs);
  } catch (error) {
    // Only gold can fail here: a gold label outside an explicit label set.
    if (error instanceof RangeError) throw new CliError(`${goldFile}: ${error.message}`);
    throw error;
  }
}

/**
 * One column's values → encoder indexes, through the column's FieldInterner: the encoder's
 * string lookup runs once per distinct value, later repeats are an array read. An empty value
 * is rejected (RangeError) the first time it is seen, which is the only time it is looked up.
 */
class ColumnIndex {
  readonly interner = new FieldInterner();
  private indexes = new Int32Array(1024).fill(-1);

  constructor(private readonly lookUp: (value: string) => number) {}

  indexOf(record: CsvRecord, column: number): number {
    const id = this.interner.id(record, column);
    if (id < this.indexes.length && this.indexes[id] !== -1) return this.indexes[id];
    const value = this.interner.value(id);
    if (value === '') throw new RangeError('empty worker, task or label');
    const index = this.lookUp(value);
    if (id >= this.indexes.length) {
      const bigger = new Int32Array(Math.max(this.indexes.length * 4, id + 1)).fill(-1);
      bigger.set(this.indexes);
      this.indexes = bigger;
    }
    this.indexes[id] = index;
    return index;
  }
}

/** Reads a CSV file, turning syntax and file-system errors into CliErrors that name the file. */
export function readCsv(
  path: string,
  onRecord: (record: CsvRecord) => void,
  onProgress: ReadProgress | undefined,
): void {
  try {
    readCsvFile(path, onRecord, onProgress && ((done, total) => onProgress(path, done, total)));
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new CliError(`${path}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
    }
    throw error;
  }
}

function checkWidth(record: CsvRecord, width: number, path: string): void {
  if (record.length !== width) {
    throw new CliError(
      `${path}: line ${record.line}: expected ${width} fields as in the header, found ${record.length}`,
    );
  }
}

function findColumns<Name extends string>(
  record: CsvRecord,
  names: readonly Name[],
  path: string,
): Record<Name, number> {
  const header = Array.from({ length: record.length }, (_, i) => record.text(i));
  const normalized = header.map(name => name.trim().toLowerCase());
  const columns = {} as Record<Name, number>;
  const missing: string[] = [];
  for (const name of names) {
    const index = normalized.indexOf(name);
    if (index === -1) missing.push(name);
    columns[name] = index;
  }
  if (missing.length > 0) {
    throw new CliError(
      `${path}: line ${record.line}: the header must name the columns ${names.join(',')}; ` +
        `missing ${missing.join(', ')} (found: ${header.join(',')})`,
    );
  }
  return columns;
}
