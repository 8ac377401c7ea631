/**
 * Streams the tasks of a CSV or JSONL file, one at a time with its line number, holding at most
 * one read chunk in memory whatever the file's size.
 *
 * JSONL: one object per line, `{"externalId": "a1", "payload": {...}, "goldLabel": "pos"}`
 * (`external_id`, `gold_label`, `gold_labels` also accepted; without `payload`, the object's
 * other keys are the payload). Blank lines are skipped.
 * CSV (header row): `external_id`, `gold_label`, `gold_labels` (keys joined by `|`) and either a
 * `payload` column holding a JSON object, or any other columns, which become the payload's
 * string fields.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

import { CsvParser, CsvSyntaxError } from '../csv';

/** One task as importTasks takes it. */
export interface TaskImportItem {
  externalId?: string;
  goldLabel?: string;
  goldLabels?: string[];
  payload: Record<string, unknown>;
}

/** A line of the file: a task, or why it is not one. */
export type TaskLine =
  | { readonly line: number; readonly item: TaskImportItem; readonly error?: undefined }
  | { readonly line: number; readonly error: string; readonly item?: undefined };

/** Bytes read so far, for a progress bar. */
export interface ReadProgress {
  bytesRead: number;
}

const EXTERNAL_ID_KEYS = ['externalId', 'external_id'];
const GOLD_LABEL_KEYS = ['goldLabel', 'gold_label'];
const GOLD_LABELS_KEYS = ['goldLabels', 'gold_labels'];
const RESERVED = new Set([...EXTERNAL_ID_KEYS, ...GOLD_LABEL_KEYS, ...GOLD_LABELS_KEYS]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(record: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) if (record[key] !== undefined && record[key] !== '') return record[key];
  return undefined;
}

/** A parsed row (JSON object or CSV row by header) → a task, or the reason it is none. */
export function toImportItem(record: Record<string, unknown>): TaskImportItem | string {
  const item: TaskImportItem = { payload: {} };
  const externalId = pick(record, EXTERNAL_ID_KEYS);
  if (externalId !== undefined) {
    if (typeof externalId !== 'string' && typeof externalId !== 'number') {
      return 'externalId must be a string';
    }
    item.externalId = String(externalId);
  }
  const goldLabel = pick(record, GOLD_LABEL_KEYS);
  if (goldLabel !== undefined) {
    if (typeof goldLabel !== 'string') return 'goldLabel must be a string';
    item.goldLabel = goldLabel;
  }
  const goldLabels = pick(record, GOLD_LABELS_KEYS);
  if (goldLabels !== undefined) {
    const list = typeof goldLabels === 'string' ? goldLabels.split('|') : goldLabels;
    if (!Array.isArray(list) || !list.every(label => typeof label === 'string')) {
      return 'goldLabels must be a list of label keys';
    }
    item.goldLabels = list;
  }
  if ('payload' in record) {
    let payload = record.payload;
    if (typeof payload === 'string') {
      try {
        payload = JSON.parse(payload);
      } catch {
        return 'payload is not valid JSON';
      }
    }
    if (!isRecord(payload)) return 'payload must be a JSON object';
    item.payload = payload;
  } else {
    for (const [key, value] of Object.entries(record)) {
      if (!RESERVED.has(key)) item.payload[key] = value;
    }
  }
  return item;
}

function lineOf(line: number, result: TaskImportItem | string): TaskLine {
  return typeof result === 'string' ? { line, error: result } : { line, item: result };
}

async function* readJsonl(path: string, progress: ReadProgress): AsyncGenerator<TaskLine> {
  const stream = createReadStream(path);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    progress.bytesRead = stream.bytesRead;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { line, error: 'not valid JSON' };
      continue;
    }
    yield lineOf(line, isRecord(value) ? toImportItem(value) : 'not a JSON object');
  }
}

async function* readCsv(path: string, progress: ReadProgress): AsyncGenerator<TaskLine> {
  let header: string[] | undefined;
  let ready: TaskLine[] = [];
  const parser = new CsvParser(record => {
    const fields = Array.from({ length: record.length }, (_, i) => record.text(i));
    if (!header) {
      header = fields;
      return;
    }
    if (fields.length === 1 && fields[0] === '') return;
    if (fields.length !== header.length) {
      ready.push({
        line: record.line,
        error: `${fields.length} fields, the header has ${header.length}`,
      });
      return;
    }
    const row = Object.fromEntries(header.map((name, i) => [name, fields[i]]));
    ready.push(lineOf(record.line, toImportItem(row)));
  });
  const drain = function* (): Generator<TaskLine> {
    const lines = ready;
    ready = [];
    yield* lines;
  };
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  try {
    for await (const chunk of stream) {
      progress.bytesRead = stream.bytesRead;
      parser.write(chunk as Buffer);
      yield* drain();
    }
    parser.end();
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      yield* drain();
      yield { line: error.line, error: error.reason };
      return;
    }
    throw error;
  }
  yield* drain();
}

/** The tasks of `path`, by its extension (.csv, else JSON lines). */
export function readTaskFile(
  path: string,
  format: 'csv' | 'jsonl',
  progress: ReadProgress,
): AsyncGenerator<TaskLine> {
  return format === 'csv' ? readCsv(path, progress) : readJsonl(path, progress);
}
