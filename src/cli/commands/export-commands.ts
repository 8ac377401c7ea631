/**
 * `quorum results export` and `quorum answers export`: page through the API's cursor lists and
 * write each page as it arrives, so exports of any size run in one page of memory (the one-shot
 * `exportResults` query stops at 100,000 tasks).
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
import { actionOf, numberFlag, parseCommand, required } from './command-args';

/** `quorum results --help`. */
export const RESULTS_USAGE = `Usage: quorum results export --project ID --format csv|jsonl [options]

Streams every task's result, oldest task first, page by page (any number of tasks).
CSV: task_id,external_id,label,confidence,answers. JSONL: one object per task with labels,
confidence, posterior, answers, is_gold and gold_labels.

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

/** Server page size of the cursor lists (their maximum). */
const PAGE_SIZE = 100;

const RESULTS_PAGE = `query ($id: ID!, $after: String, $first: Int!, $abstainBelow: Float) {
  project(id: $id) { labelSchema { kind }
    results(first: $first, after: $after, abstainBelow: $abstainBelow) {
      pageInfo { hasNextPage endCursor }
      nodes { taskId externalId status labels label confidence abstained answerCount isGold
              goldLabels posterior { key probability } } } } }`;

const ANSWERS_PAGE = `query ($id: ID!, $after: String, $first: Int!, $status: AssignmentStatus) {
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
  const results = paginate(async after => {
    const data = await api.request<{ project: { results: Page<PresentedTaskResult> } }>(
      RESULTS_PAGE,
      { id, after, first: PAGE_SIZE, abstainBelow },
    );
    return data.project.results;
  });
  const output = await openOutput(parsed.values.output);
  let count = 0;
  try {
    if (format === 'csv') await output.write(`${RESULTS_CSV_HEADER}\n`);
    for await (const result of results) {
      await output.write(`${format === 'csv' ? resultCsvRow(result) : resultJsonLine(result)}\n`);
      count += 1;
    }
  } finally {
    await output.close();
  }
  process.stderr.write(`exported ${count} tasks\n`);
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
  const answers = paginate(async after => {
    const data = await api.request<{ projectAssignments: Page<AnswerRow> }>(ANSWERS_PAGE, {
      id,
      after,
      first: PAGE_SIZE,
      status,
    });
    return data.projectAssignments;
  });
  const output = await openOutput(parsed.values.output);
  let count = 0;
  try {
    if (format === 'csv') await output.write('worker,task,label,time\n');
    for await (const answer of answers) {
      if (answer.answerLabels === null || answer.submittedAt === null) continue;
      const label = answer.answerLabels.join('|');
      await output.write(
        format === 'csv'
          ? `${csvField(answer.workerId)},${csvField(answer.taskId)},${csvField(label)},${answer.submittedAt}\n`
          : `${JSON.stringify({ worker: answer.workerId, task: answer.taskId, label, time: answer.submittedAt })}\n`,
      );
      count += 1;
    }
  } finally {
    await output.close();
  }
  process.stderr.write(`exported ${count} answers\n`);
}

/** Runs `quorum results <action>` or `quorum answers <action>` (`export` for both). */
export async function runExportCommand(
  noun: 'results' | 'answers',
  argv: readonly string[],
  api: () => QuorumApi,
): Promise<void> {
  const usage = noun === 'results' ? RESULTS_USAGE : ANSWERS_USAGE;
  const command = actionOf(argv, usage);
  if (!command) return;
  const { action, rest } = command;
  if (action !== 'export') throw new CliError(`unknown action "${noun} ${action}"\n\n${usage}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(usage);
    return;
  }
  await (noun === 'results' ? exportResults(api(), rest) : exportAnswers(api(), rest));
}
