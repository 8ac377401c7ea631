/**
 * `quorum` command-line entry (package.json "bin", through bin/quorum.js).
 *
 * Start-up is kept lean on purpose: this file and the commands it loads import only the pure
 * aggregation code, the CSV reader, a fetch-based GraphQL client, `yaml` and Node built-ins,
 * never the server, TypeORM or GraphQL, so `quorum aggregate` on 150k answers finishes in a
 * fraction of a second.
 *
 * Exit codes: 0 success, 1 unexpected failure (a bug: the stack is printed), 2 bad usage or bad
 * input (message only), 3 the server refused or could not be reached (its code and message).
 * The API key is never printed: every message goes through `redactSecret` on its way out.
 */
import { runAggregateCommand, AGGREGATE_USAGE } from './aggregate-command';
import { AGGREGATE_KIND_USAGE, runAggregateKindCommand } from './aggregate-kind-command';
import { QuorumApi, redactSecret } from './api/api-client';
import { resolveCredentials } from './api/credentials';
import { CliError } from './cli-error';
import type { ApiCommand } from './commands/command-args';
import { exportCommand } from './commands/export-commands';
import { runLoginCommand } from './commands/login-command';
import { runProjectsCommand } from './commands/projects-command';
import { runStatusOrReport } from './commands/status-report-commands';
import { runTasksCommand } from './commands/tasks-import-command';
import { runWebhooksCommand } from './commands/webhooks-command';

const USAGE = `Usage: quorum <command> [options]

Commands:
  aggregate   infer one label per task from crowd answers (CSV in, CSV out; offline); with --kind
              spans|boxes|rating|pairwise, the structured kinds (quorum aggregate --kind x --help)

Over the API (QUORUM_URL and QUORUM_API_KEY, or the file "quorum login" writes):
  login       check an API key and store it with the server URL (owner-only file)
  projects    create from a YAML spec, list, show, launch, pause, resume, complete
  tasks       import a CSV or JSONL file (resumable, idempotent on externalId)
  results     export every task's result (CSV or JSONL, streamed)
  answers     export the raw answers (worker,task,label,time: crowd-kit's form)
  status      a project's progress, spend and ETA
  report      save a project's HTML audit report
  webhooks    register signed webhook endpoints, see deliveries, replay, rotate secrets

Run "quorum <command> --help" for the command's options.
`;

/** The commands over the API, each run the same way: `api()` is called once an action needs it. */
const API_COMMANDS: Readonly<Record<string, ApiCommand>> = {
  projects: runProjectsCommand,
  tasks: runTasksCommand,
  results: exportCommand('results'),
  answers: exportCommand('answers'),
  webhooks: runWebhooksCommand,
  status: (argv, api) => runStatusOrReport('status', argv, api),
  report: (argv, api) => runStatusOrReport('report', argv, api),
};

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  const [command, ...rest] = argv;
  let apiKey = env.QUORUM_API_KEY;
  const api = (): QuorumApi => {
    const credentials = resolveCredentials(env);
    apiKey = credentials.apiKey;
    return new QuorumApi(credentials);
  };
  try {
    const apiCommand =
      command !== undefined && Object.hasOwn(API_COMMANDS, command) ? API_COMMANDS[command] : null;
    if (apiCommand) {
      await apiCommand(rest, api);
      return 0;
    }
    switch (command) {
      case 'login':
        await runLoginCommand(rest, env);
        return 0;
      case 'aggregate':
        if (rest.some(arg => arg === '--kind' || arg === '-k' || arg.startsWith('--kind='))) {
          if (rest.includes('--help') || rest.includes('-h'))
            process.stdout.write(AGGREGATE_KIND_USAGE);
          else runAggregateKindCommand(rest);
          return 0;
        }
        if (rest.includes('--help') || rest.includes('-h')) {
          process.stdout.write(AGGREGATE_USAGE);
          return 0;
        }
        await runAggregateCommand(rest);
        return 0;
      case undefined:
        process.stderr.write(USAGE);
        return 2;
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE);
        return 0;
      default:
        throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`quorum: ${redactSecret(error.message, apiKey)}\n`);
      return error.exitCode;
    }
    const detail = (error as Error)?.stack ?? String(error);
    process.stderr.write(`quorum: unexpected error\n${redactSecret(detail, apiKey)}\n`);
    return 1;
  }
}

/** Runs `main` on this process's arguments and sets the exit code (bin/quorum.js calls this). */
export function run(): void {
  void main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  });
}

if (require.main === module) run();
