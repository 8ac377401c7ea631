/**
 * `quorum status` (progress, spend, ETA of a project) and `quorum report` (the project's HTML
 * audit report, saved to a file).
 *
 * The ETA is a plain extrapolation: tasks completed since launch divided by the time since
 * launch, applied to the open tasks. It says "unknown" until a task has completed.
 */
import { writeFileSync } from 'node:fs';

import type { QuorumApi } from '../api/api-client';
import { CliError } from '../cli-error';
import { parseCommand, required } from './command-args';

/** `quorum status --help`. */
export const STATUS_USAGE = `Usage: quorum status --project ID [--json]

Prints the project's status, task progress (open, complete, gold), answers, spend and escrow,
and an ETA extrapolated from the completion rate since launch.

Options:
  -p, --project ID   the project (required)
      --json         one JSON object instead of text
  -h, --help         this text
`;

/** `quorum report --help`. */
export const REPORT_USAGE = `Usage: quorum report --project ID --out report.html

Saves the project's audit report (agreement statistics, worker quality, gold, money), one
self-contained HTML file.

Options:
  -p, --project ID   the project (required)
  -o, --out FILE     where to write it (required)
  -h, --help         this text
`;

const STATUS_QUERY = `query ($id: ID!) {
  project(id: $id) { id name status currency launchedAt
    total: tasks(first: 1) { totalCount }
    open: tasks(first: 1, filter: { status: OPEN, isGold: false }) { totalCount }
    complete: tasks(first: 1, filter: { status: COMPLETE, isGold: false }) { totalCount }
    gold: tasks(first: 1, filter: { isGold: true }) { totalCount } }
  projectMoney(projectId: $id) { spent escrow reserved approvedAssignments } }`;

interface StatusData {
  project: {
    id: string;
    name: string;
    status: string;
    currency: string;
    launchedAt: string | null;
    total: { totalCount: number };
    open: { totalCount: number };
    complete: { totalCount: number };
    gold: { totalCount: number };
  };
  projectMoney: { spent: number; escrow: number; reserved: number; approvedAssignments: number };
}

/** Seconds until the open tasks complete at the rate so far; null when no rate is known. */
export function estimateSecondsLeft(
  completed: number,
  open: number,
  launchedAt: string | null,
  now: number,
): number | null {
  if (!launchedAt || completed === 0) return null;
  const elapsed = (now - Date.parse(launchedAt)) / 1000;
  if (!(elapsed > 0)) return null;
  return Math.round((open * elapsed) / completed);
}

function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

async function runStatus(api: QuorumApi, argv: readonly string[]): Promise<void> {
  const parsed = parseCommand(
    argv,
    { project: { type: 'string', short: 'p' }, json: { type: 'boolean' } },
    STATUS_USAGE,
  );
  if (parsed.help) return;
  const id = required(parsed.values.project, '--project');
  const { project, projectMoney: money } = await api.request<StatusData>(STATUS_QUERY, { id });
  const complete = project.complete.totalCount;
  const open = project.open.totalCount;
  const etaSeconds =
    project.status === 'ACTIVE'
      ? estimateSecondsLeft(complete, open, project.launchedAt, Date.now())
      : null;
  const summary = {
    id: project.id,
    name: project.name,
    status: project.status,
    tasks: project.total.totalCount,
    open,
    complete,
    gold: project.gold.totalCount,
    approvedAnswers: money.approvedAssignments,
    currency: project.currency,
    spent: money.spent,
    escrow: money.escrow,
    etaSeconds,
  };
  if (parsed.values.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const percent = open + complete > 0 ? Math.round((100 * complete) / (open + complete)) : 0;
  process.stdout.write(
    [
      `${project.name} (${project.id}): ${project.status}`,
      `tasks: ${complete} of ${open + complete} complete (${percent}%), ${summary.gold} gold`,
      `approved answers: ${money.approvedAssignments}`,
      `spent: ${money.spent} ${project.currency} (minor units); escrow: ${money.escrow}`,
      `ETA: ${formatDuration(etaSeconds)}`,
      '',
    ].join('\n'),
  );
}

async function runReport(api: QuorumApi, argv: readonly string[]): Promise<void> {
  const parsed = parseCommand(
    argv,
    { project: { type: 'string', short: 'p' }, out: { type: 'string', short: 'o' } },
    REPORT_USAGE,
  );
  if (parsed.help) return;
  const projectId = required(parsed.values.project, '--project');
  const out = required(parsed.values.out, '--out');
  const { auditReport } = await api.request<{ auditReport: string }>(
    'query ($id: ID!) { auditReport(projectId: $id) }',
    { id: projectId },
  );
  try {
    writeFileSync(out, auditReport);
  } catch (error) {
    throw new CliError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code}`);
  }
  process.stderr.write(`wrote ${out} (${Buffer.byteLength(auditReport)} bytes)\n`);
}

/** Runs `quorum status` or `quorum report`. */
export async function runStatusOrReport(
  command: 'status' | 'report',
  argv: readonly string[],
  api: () => QuorumApi,
): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(command === 'status' ? STATUS_USAGE : REPORT_USAGE);
    return;
  }
  await (command === 'status' ? runStatus(api(), argv) : runReport(api(), argv));
}
