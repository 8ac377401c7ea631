/**
 * `quorum` command-line entry (package.json "bin", through bin/quorum.js).
 *
 * Start-up is kept lean on purpose: this file and the commands it loads import only the pure
 * aggregation code, the CSV reader and Node built-ins, never the server, TypeORM or GraphQL, so
 * `quorum aggregate` on 150k answers finishes in a fraction of a second.
 *
 * Exit codes: 0 success, 1 unexpected failure (a bug: the stack is printed), 2 bad usage or bad
 * input (message only).
 */
import { runAggregateCommand, AGGREGATE_USAGE } from './aggregate-command';
import { AGGREGATE_KIND_USAGE, runAggregateKindCommand } from './aggregate-kind-command';
import { CliError } from './cli-error';

const USAGE = `Usage: quorum <command> [options]

Commands:
  aggregate   infer one label per task from crowd answers (CSV in, CSV out); with --kind
              spans|boxes|rating|pairwise, the structured kinds (quorum aggregate --kind x --help)

Run "quorum <command> --help" for the command's options.
`;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
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
      process.stderr.write(`quorum: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`quorum: unexpected error\n${(error as Error)?.stack ?? String(error)}\n`);
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
