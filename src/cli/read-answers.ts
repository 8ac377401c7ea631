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
  const workers = new FieldInterner();
  const tasks = new FieldInterner();
  const labels = new FieldInterner();
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
      const worker = workers.intern(record, columns.worker);
      const task = tasks.intern(record, columns.task);
      const label = labels.intern(record, columns.label);
      if (worker === '' || task === '' || label === '') {
        throw new CliError(`${input}: line ${record.line}: empty worker, task or label`);
      }
      try {
        encoder.add(worker, task, label);
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
          tasks.intern(record, goldColumns.task),
          labels.intern(record, goldColumns.label),
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

/** Reads a CSV file, turning syntax and file-system errors into CliErrors that name the file. */
function readCsv(
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
