/**
 * `quorum results export` and `quorum answers export`: page through the API's cursor lists and
 * write each page as it arrives, so exports of any size run in one page of memory (the one-shot
 * `exportResults` query stops at 100,000 tasks). Pages are the export lists' largest (5,000
 * flat rows), so 25,000 tasks take five round trips.
 *
 * Results use the same CSV / JSONL rows as `exportResults` (the shared pure formatter). Answers
 * come out in crowd-kit's form: `worker,task,label,time` (one row per submitted answer; a
 * multi-label answer's keys joined by `|`), ready for `pd.read_csv` and crowd-kit.
 */
import {
  RESULTS_CSV_HEADER,
  resultCsvRow,
  resultJsonLine,
  type PresentedTaskResult,
} from '../../modules/aggregation/results-export';
import { paginate, type Page, type QuorumApi } from '../api/api-client';
import { openOutput } from '../api/output-sink';
import { CliError } from '../cli-error';
import { csvField } from '../csv';
import {
  type ApiCommand,
  numberFlag,
  parseCommand,
  required,
  unknownAction,
  withAction,
} from './command-args';

/** `quorum results --help`. */
export const RESULTS_USAGE = `Usage: quorum results export --project ID --format csv|jsonl [options]

Streams every task's result, oldest task first, page by page (any number of tasks).
CSV: task_id,external_id,label,confidence,answers,reviewed. JSONL: one object per task with
labels, confidence, posterior, answers, is_gold, gold_labels and reviewed.

Options:
  -p, --project ID        the project (required)
  -f, --format F          csv or jsonl (required)
      --abstain-below X   leave the label empty where the confidence is below X (0 to 1)
  -o, --output FILE       write here instead of stdout
  -h, --help              this text
`;

/** `quorum answers --help`. */
export const ANSWERS_USAGE = `Usage: quorum answers export --project ID [options]

Streams the project's submitted answers in crowd-kit's form: worker,task,label,time
(multi-label keys joined by |; time is the submission time, ISO 8601).

Options:
  -p, --project ID    the project (required)
  -f, --format F      csv (default) or jsonl
      --status S      only answers in this assignment status (SUBMITTED, APPROVED, REJECTED)
  -o, --output FILE   write here instead of stdout
  -h, --help          this text
`;

/** Page size asked for: the server's MAX_EXPORT_PAGE_SIZE (the CLI loads no server code). */
const PAGE_SIZE = 5_000;

/**
 * One page of `quorum results export` (`first` a variable: see documented-limits.spec.ts). It
 * selects every field the shared CSV / JSONL formatters read (results-page-fields.spec.ts): a
 * field left out is written as "undefined" (`reviewed` was, in every CSV row).
 */
export const RESULTS_PAGE = `query ($id: ID!, $after: String, $first: Int!, $abstainBelow: Float) {
  resultsPage(projectId: $id, first: $first, after: $after, abstainBelow: $abstainBelow) {
    pageInfo { hasNextPage endCursor }
    nodes { taskId externalId status labels label confidence abstained answerCount isGold
            goldLabels reviewed posterior { key probability } } } }`;

/** One page of `quorum answers export`. */
export const ANSWERS_PAGE = `query ($id: ID!, $after: String, $first: Int!, $status: AssignmentStatus) {
  projectAssignments(projectId: $id, first: $first, after: $after, status: $status) {
    pageInfo { hasNextPage endCursor }
    nodes { workerId taskId answerLabels submittedAt } } }`;

function exportFormat(value: string | undefined, fallback?: 'csv' | 'jsonl'): 'csv' | 'jsonl' {
  const format = (value ?? fallback ?? required(value, '--format')).toLowerCase();
  if (format !== 'csv' && format !== 'jsonl') {
    throw new CliError(`--format must be csv or jsonl, got "${value}"`);
  }
  return format;
}

const OUTPUT_OPTIONS = {
  project: { type: 'string', short: 'p' },
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
} as const;

/**
 * Pages through the connection `page.field` of `page.query` and writes `row(node)` for each node
 * (null: left out) to `output.path` or stdout, page by page: memory holds one page.
 */
async function streamPages<T>(
  api: QuorumApi,
  page: { query: string; field: string; variables: Record<string, unknown> },
  output: { path: string | undefined; header: string | null; noun: string },
  row: (node: T) => string | null,
): Promise<void> {
  let pages = 0;
  const nodes = paginate(async after => {
    pages += 1;
    const data = await api.request<Record<string, Page<T>>>(page.query, {
      ...page.variables,
      after,
      first: PAGE_SIZE,
    });
    return data[page.field];
  });
  const sink = await openOutput(output.path);
  let count = 0;
  try {
    if (output.header !== null) await sink.write(`${output.header}\n`);
    for await (const node of nodes) {
      const line = row(node);
      if (line === null) continue;
      await sink.write(`${line}\n`);
      count += 1;
    }
  } finally {
    await sink.close();
  }
  process.stderr.write(`exported ${count} ${output.noun} in ${pages} page(s)\n`);
}

async function exportResults(api: QuorumApi, argv: readonly string[]): Promise<void> {
  const parsed = parseCommand(
    argv,
    { ...OUTPUT_OPTIONS, 'abstain-below': { type: 'string' } },
    RESULTS_USAGE,
  );
  if (parsed.help) return;
  const id = required(parsed.values.project, '--project');
  const format = exportFormat(parsed.values.format);
  const abstainBelow = numberFlag(parsed.values['abstain-below'], '--abstain-below', 0, 1);
  await streamPages<PresentedTaskResult>(
    api,
    { query: RESULTS_PAGE, field: 'resultsPage', variables: { id, abstainBelow } },
    {
      path: parsed.values.output,
      header: format === 'csv' ? RESULTS_CSV_HEADER : null,
      noun: 'tasks',
    },
    result => (format === 'csv' ? resultCsvRow(result) : resultJsonLine(result)),
  );
}

interface AnswerRow {
  readonly workerId: string;
  readonly taskId: string;
  readonly answerLabels: string[] | null;
  readonly submittedAt: string | null;
}

async function exportAnswers(api: QuorumApi, argv: readonly string[]): Promise<void> {
  const parsed = parseCommand(
    argv,
    { ...OUTPUT_OPTIONS, status: { type: 'string' } },
    ANSWERS_USAGE,
  );
  if (parsed.help) return;
  const id = required(parsed.values.project, '--project');
  const format = exportFormat(parsed.values.format, 'csv');
  const status = parsed.values.status?.toUpperCase();
  await streamPages<AnswerRow>(
    api,
    { query: ANSWERS_PAGE, field: 'projectAssignments', variables: { id, status } },
    {
      path: parsed.values.output,
      header: format === 'csv' ? 'worker,task,label,time' : null,
      noun: 'answers',
    },
    answer => {
      if (answer.answerLabels === null || answer.submittedAt === null) return null;
      const label = answer.answerLabels.join('|');
      return format === 'csv'
        ? `${csvField(answer.workerId)},${csvField(answer.taskId)},${csvField(label)},${answer.submittedAt}`
        : JSON.stringify({
            worker: answer.workerId,
            task: answer.taskId,
            label,
            time: answer.submittedAt,
          });
    },
  );
}

/** `quorum results <action>` or `quorum answers <action>` (`export` for both). */
export function exportCommand(noun: 'results' | 'answers'): ApiCommand {
  const usage = noun === 'results' ? RESULTS_USAGE : ANSWERS_USAGE;
  return withAction(usage, async (action, rest, api) => {
    if (action !== 'export') throw unknownAction(noun, action, usage);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(usage);
      return;
    }
    await (noun === 'results' ? exportResults(api(), rest) : exportAnswers(api(), rest));
  });
}
