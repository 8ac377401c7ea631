/**
 * Reads pairwise comparisons (`worker,left,right,label` CSV with a header, any column order;
 * `label` is the id of the preferred item and must equal `left` or `right`) and an optional gold
 * ranking (`item,score` CSV: higher is better). Items are indexed in order of first appearance.
 */
import { PairwiseMatrix } from '../modules/aggregation/algorithms/kinds/pairwise';
import { CliError } from './cli-error';
import { CsvRecord } from './csv';
import { readCsv } from './read-answers';
import { Interner } from '../modules/aggregation/interner';

/** Comparisons in dense form, with their ids. */
export interface PairwiseFile {
  readonly matrix: PairwiseMatrix;
  readonly itemIds: readonly string[];
  readonly workerIds: readonly string[];
}

/** Reads rows of named columns from a CSV with a header; CliErrors name the file and line. */
export function readCsvColumns(
  path: string,
  names: readonly string[],
  onRow: (values: string[], line: number) => void,
): void {
  let columns: number[] | undefined;
  readCsv(
    path,
    (record: CsvRecord) => {
      const fields = Array.from({ length: record.length }, (_, i) => record.text(i));
      if (!columns) {
        const normalized = fields.map(name => name.trim().toLowerCase());
        columns = names.map(name => normalized.indexOf(name));
        const missing = names.filter((_, i) => columns![i] === -1);
        if (missing.length > 0) {
          throw new CliError(
            `${path}: line ${record.line}: the header must name the columns ${names.join(',')}; missing ${missing.join(', ')}`,
          );
        }
        return;
      }
      const values = columns.map(i => fields[i] ?? '');
      if (values.some(value => value === '')) {
        throw new CliError(`${path}: line ${record.line}: empty ${names.join(', ')} field`);
      }
      onRow(values, record.line);
    },
    undefined,
  );
  if (!columns) throw new CliError(`${path}: empty file (a header is required)`);
}

/** Reads the comparisons. */
export function readPairwiseFile(path: string): PairwiseFile {
  const items = new Interner();
  const workers = new Interner();
  const worker: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const leftWins: number[] = [];
  readCsvColumns(path, ['worker', 'left', 'right', 'label'], ([w, l, r, label], line) => {
    if (label !== l && label !== r) {
      throw new CliError(`${path}: line ${line}: label "${label}" is neither left nor right`);
    }
    if (l === r) throw new CliError(`${path}: line ${line}: an item compared with itself`);
    worker.push(workers.of(w));
    left.push(items.of(l));
    right.push(items.of(r));
    leftWins.push(label === l ? 1 : 0);
  });
  if (worker.length === 0) throw new CliError(`${path}: no comparisons after the header`);
  return {
    matrix: {
      nItems: items.size,
      nWorkers: workers.size,
      worker: Int32Array.from(worker),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      leftWins: Uint8Array.from(leftWins),
    },
    itemIds: items.ids,
    workerIds: workers.ids,
  };
}

/** Reads an `item,score` gold ranking. */
export function readGoldScores(path: string): Map<string, number> {
  const scores = new Map<string, number>();
  readCsvColumns(path, ['item', 'score'], ([item, score], line) => {
    const value = Number(score);
    if (!Number.isFinite(value))
      throw new CliError(`${path}: line ${line}: score "${score}" is not a number`);
    scores.set(item, value);
  });
  return scores;
}
