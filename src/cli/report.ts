/**
 * `npm run report`: writes the audit report (a self-contained HTML file) for a project.
 *
 *   npm run report -- --demo [<dataset folder>] [--out <file.html>]
 *   npm run report -- --project <id> [--out <file.html>]
 *
 * `--demo` renders real answers from a benchmark dataset folder (default: the s4_dog fixture)
 * without a database; see report-demo.ts. `--project` reads the project from the database the
 * environment configures (DATABASE_URL, or the embedded database; see README's configuration
 * table), through the same AuditReportService as the `auditReport` query, acting as a system
 * context with admin rights (whoever can run this can read the database anyway).
 *
 * Exit codes: 0 success, 1 unexpected failure (stack printed), 2 bad usage or input.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { ConfigError, loadConfig } from '../config/load-config';
import { RequestContext } from '../common/request-context';
import { AppError } from '../common/errors';
import { createLogger } from '../common/logger';
import { buildContainer } from '../container';
import { closeDataSource, createDataSource } from '../db/data-source';
import { Role } from '../modules/auth/role';
import type { AuditReportData } from '../reports/audit/audit-report-data';
import { renderAuditReport } from '../reports/audit/render-audit-report';
import { CliError } from './cli-error';
import { buildDemoReportData } from './report-demo';

export const REPORT_USAGE = `Usage: npm run report -- --demo [<dataset folder>] [--out <file.html>]
       npm run report -- --project <id> [--out <file.html>]

Writes the quality audit report as one self-contained HTML file.

Options:
  --demo [folder]   render a dataset folder (labels.csv, gold.csv) without a database;
                    default test/fixtures/datasets/s4_dog
  --project <id>    render a project from the database (DATABASE_URL or the embedded one)
  --out <file>      where to write (default reports/audit-<project>.html)
  -h, --help        show this help
`;

const DEFAULT_DEMO = join(__dirname, '..', '..', 'test', 'fixtures', 'datasets', 's4_dog');

/** Parsed command line. */
interface ReportArgs {
  readonly demo: string | null;
  readonly project: string | null;
  readonly out: string | null;
}

/** Runs the command with `argv` (without node and script); resolves to the exit code. */
export async function main(
  argv: readonly string[],
  now: () => number = Date.now,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(REPORT_USAGE);
      return 0;
    }
    const args = parseArgs(argv);
    const data =
      args.project !== null
        ? await projectReportData(args.project, env, now)
        : buildDemoReportData(resolve(args.demo ?? DEFAULT_DEMO), { generatedAt: now() });
    const html = renderAuditReport(data);
    const out = resolve(args.out ?? join('reports', `audit-${data.project.id}.html`));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, html);
    process.stdout.write(
      `wrote ${out} (${Math.round(html.length / 1024)} KiB): ${data.summary.answers} answers, ` +
        `${data.summary.workers} workers, ${data.ruleEvents.length} rule events\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`report: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`report: unexpected error\n${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

/** Reads a project's report data from the configured database (migrated first, like the app). */
async function projectReportData(
  projectId: string,
  env: NodeJS.ProcessEnv,
  now: () => number,
): Promise<AuditReportData> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  const dataSource = await createDataSource(config.database).catch(error => {
    // e.g. the embedded database is held by a running server
    throw error instanceof ConfigError ? new CliError(error.message) : error;
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const clock = { now: () => new Date(now()) };
    const { services } = buildContainer(config, dataSource, createLogger('silent'), clock);
    // The operator of the command: an admin who is nobody in the users table.
    const ctx = RequestContext.create({
      clock,
      user: { id: '00000000-0000-0000-0000-000000000000', roles: [Role.ADMIN], via: 'jwt' },
    });
    return await services.auditReports.auditReportData(ctx, projectId);
  } catch (error) {
    if (error instanceof AppError) throw new CliError(error.message);
    throw error;
  } finally {
    await closeDataSource(dataSource);
  }
}

/** The value after a flag; `missing` as the error when there is none (the end, or a flag). */
function valueOf(missing: string, next: string | undefined): string {
  if (next === undefined || next.startsWith('--')) throw new CliError(missing);
  return next;
}

function parseArgs(argv: readonly string[]): ReportArgs {
  let demo: string | null = null;
  let demoFlag = false;
  let project: string | null = null;
  let out: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    switch (arg) {
      case '--demo':
        demoFlag = true;
        if (next !== undefined && !next.startsWith('--')) {
          demo = next;
          i++;
        }
        break;
      case '--project':
        project = valueOf('--project needs an id', next);
        i++;
        break;
      case '--out':
        out = valueOf('--out needs a file name', next);
        i++;
        break;
      default:
        throw new CliError(`unknown argument "${arg}"\n\n${REPORT_USAGE}`);
    }
  }
  if (demoFlag === (project !== null)) {
    throw new CliError(`give exactly one of --demo or --project\n\n${REPORT_USAGE}`);
  }
  return { demo, project, out };
}

if (require.main === module) {
  void main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  });
}
