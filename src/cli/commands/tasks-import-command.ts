/**
 * `quorum tasks import FILE --project ID`: streams a CSV or JSONL file into `importTasks` calls
 * that fit the server's limits (10,000 tasks, and a request-body budget), one at a time.
 *
 * Resumable: the server skips externalIds it already has, so after a crash the same command
 * adds only what is missing. Batches holding tasks without an externalId also carry an
 * idempotency key derived from their content, so a retried identical batch is not created twice.
 * A line the server refuses (its error names `tasks[i]`) is reported with its line number and
 * dropped, and the rest of the batch is sent again; any other error stops the import.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';

import { ApiError, type QuorumApi } from '../api/api-client';
import { readTaskFile, type ReadProgress, type TaskImportItem } from '../api/read-task-file';
import { CliError } from '../cli-error';
import { ProgressBar } from '../progress-bar';
import { numberFlag, parseCommand, required, unknownAction, withAction } from './command-args';

/** `quorum tasks --help`. */
export const TASKS_USAGE = `Usage: quorum tasks import FILE --project ID [options]

Imports tasks (gold included) from a CSV or JSONL file of any size, in batches that fit the
server's limits. Idempotent on externalId: run it again after a failure and only the missing
tasks are added.

JSONL: one object per line: {"externalId": "a1", "payload": {...}, "goldLabel": "pos"}
       (goldLabels: [...] for multi-label; without "payload" the other keys are the payload)
CSV:   header row; external_id, gold_label, gold_labels (keys joined by |), and a payload
       column holding JSON, or any other columns, which become the payload's fields.

Options:
  -p, --project ID        the project (required)
      --format F          csv or jsonl (default: from the file's extension)
      --batch-size N      tasks per request, 1 to 10000 (default 10000)
      --batch-bytes N     request size budget in bytes (default 800000; the server's
                          BODY_LIMIT_BYTES is 1 MiB unless configured otherwise)
      --max-batches N     stop after N batches (import a big file across several runs)
  -h, --help              this text

Prints a progress bar on a terminal, a line per batch otherwise, each refused line with its
line number on stderr, and a summary (created, skipped, failed). Exit code 2 if any line failed.
`;

/** What an import did. */
export interface ImportSummary {
  created: number;
  skipped: number;
  failed: number;
  batches: number;
  complete: boolean;
}

interface PendingTask {
  readonly line: number;
  readonly item: TaskImportItem;
}

/** A request's JSON overhead besides the tasks (query text, ids, key). */
const REQUEST_OVERHEAD_BYTES = 1_024;
const FIELD_INDEX = /^tasks\[(\d+)\]/;

const IMPORT_TASKS = `mutation ($input: ImportTasksInput!) {
  importTasks(input: $input) { created skipped } }`;

class TaskImporter {
  readonly summary: ImportSummary = {
    created: 0,
    skipped: 0,
    failed: 0,
    batches: 0,
    complete: false,
  };

  constructor(
    private readonly api: QuorumApi,
    private readonly projectId: string,
    private readonly report: (text: string) => void,
  ) {}

  /** A refused line, on stderr with its number. */
  fail(line: number, reason: string): void {
    this.summary.failed += 1;
    this.report(`line ${line}: ${reason}\n`);
  }

  /** Sends one batch; refused lines are reported and the rest resent. */
  async send(batch: PendingTask[]): Promise<void> {
    let remaining = batch;
    while (remaining.length > 0) {
      const tasks = remaining.map(task => task.item);
      const withoutId = tasks.some(task => task.externalId === undefined);
      const idempotencyKey = withoutId
        ? `cli-import-${createHash('sha256')
            .update(this.projectId)
            .update(JSON.stringify(tasks))
            .digest('hex')
            .slice(0, 40)}`
        : undefined;
      try {
        const { importTasks } = await this.api.request<{
          importTasks: { created: number; skipped: number };
        }>(IMPORT_TASKS, { input: { projectId: this.projectId, tasks, idempotencyKey } });
        this.summary.created += importTasks.created;
        this.summary.skipped += importTasks.skipped;
        this.summary.batches += 1;
        return;
      } catch (error) {
        const index = lineIndex(error, remaining.length);
        if (index === undefined) throw error;
        this.fail(
          remaining[index].line,
          `${(error as ApiError).code}: ${(error as ApiError).serverMessage}`,
        );
        remaining = remaining.filter((_, i) => i !== index);
      }
    }
  }
}

/** The batch index a server error blames (extensions.field `tasks[i]...`), if any. */
function lineIndex(error: unknown, size: number): number | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const field = error.extensions.field;
  const match = typeof field === 'string' ? FIELD_INDEX.exec(field) : null;
  const index = match ? Number(match[1]) : NaN;
  return Number.isInteger(index) && index < size ? index : undefined;
}

function formatOf(path: string, flag: string | undefined): 'csv' | 'jsonl' {
  const format = (flag ?? (path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl')).toLowerCase();
  if (format !== 'csv' && format !== 'jsonl') {
    throw new CliError(`--format must be csv or jsonl, got "${flag}"`);
  }
  return format;
}

/** Imports `path` into `projectId`; resolves to the summary (also printed). */
export async function importTaskFile(
  api: QuorumApi,
  options: {
    path: string;
    projectId: string;
    format: 'csv' | 'jsonl';
    batchSize: number;
    batchBytes: number;
    maxBatches?: number;
  },
): Promise<ImportSummary> {
  let totalBytes: number;
  try {
    totalBytes = statSync(options.path).size;
  } catch (error) {
    throw new CliError(`cannot read ${options.path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  const bar = new ProgressBar();
  const tty = process.stderr.isTTY === true;
  const importer = new TaskImporter(api, options.projectId, text => {
    bar.clear();
    process.stderr.write(text);
  });
  const progress: ReadProgress = { bytesRead: 0 };
  let batch: PendingTask[] = [];
  let batchBytes = REQUEST_OVERHEAD_BYTES;

  const flush = async (): Promise<boolean> => {
    if (batch.length === 0) return true;
    const first = batch[0].line;
    const last = batch[batch.length - 1].line;
    await importer.send(batch);
    batch = [];
    batchBytes = REQUEST_OVERHEAD_BYTES;
    const { created, skipped, failed, batches } = importer.summary;
    if (tty) {
      bar.update(
        `importing (${created} created, ${skipped} skipped)`,
        progress.bytesRead,
        totalBytes,
      );
    } else {
      process.stderr.write(
        `batch ${batches}: lines ${first}-${last} sent; so far created ${created}, skipped ${skipped}, failed ${failed}\n`,
      );
    }
    return options.maxBatches === undefined || batches < options.maxBatches;
  };

  let stopped = false;
  for await (const entry of readTaskFile(options.path, options.format, progress)) {
    if (entry.error !== undefined) {
      importer.fail(entry.line, entry.error);
      continue;
    }
    const bytes = Buffer.byteLength(JSON.stringify(entry.item)) + 1;
    if (
      batch.length > 0 &&
      (batch.length >= options.batchSize || batchBytes + bytes > options.batchBytes)
    ) {
      if (!(await flush())) {
        stopped = true;
        break;
      }
    }
    batch.push(entry);
    batchBytes += bytes;
  }
  if (!stopped) await flush();
  bar.clear();
  importer.summary.complete = !stopped;
  return importer.summary;
}

/** Runs `quorum tasks <action>`. */
export const runTasksCommand = withAction(TASKS_USAGE, async (action, rest, api) => {
  if (action !== 'import') throw unknownAction('tasks', action, TASKS_USAGE);
  const parsed = parseCommand(
    rest,
    {
      project: { type: 'string', short: 'p' },
      format: { type: 'string' },
      'batch-size': { type: 'string' },
      'batch-bytes': { type: 'string' },
      'max-batches': { type: 'string' },
    },
    TASKS_USAGE,
  );
  if (parsed.help) return;
  const path = required(parsed.positionals[0], 'FILE');
  const summary = await importTaskFile(api(), {
    path,
    projectId: required(parsed.values.project, '--project'),
    format: formatOf(path, parsed.values.format),
    batchSize: numberFlag(parsed.values['batch-size'], '--batch-size', 1, 10_000) ?? 10_000,
    batchBytes:
      numberFlag(parsed.values['batch-bytes'], '--batch-bytes', 4_096, 1 << 30) ?? 800_000,
    maxBatches: numberFlag(
      parsed.values['max-batches'],
      '--max-batches',
      1,
      Number.MAX_SAFE_INTEGER,
    ),
  });
  process.stdout.write(
    `created ${summary.created}, skipped ${summary.skipped}, failed ${summary.failed}\n`,
  );
  if (!summary.complete) {
    process.stderr.write(
      `stopped after ${summary.batches} batches (--max-batches): run the same command again to continue\n`,
    );
  }
  if (summary.failed > 0) throw new CliError(`${summary.failed} lines failed`);
});
