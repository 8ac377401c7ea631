/**
 * Task import benchmark (a script, not a test: speed goals live here, never in timed tests).
 *
 *   node -r ./bin/register-swc.js bench/import-tasks.ts [--tasks 10000] [--repeat 5] [--payload-bytes 200]
 *
 * Creates a scratch database on the PostgreSQL of TEST_PG_ADMIN_URL (default
 * postgres://postgres@127.0.0.1:5432/test), migrates it, and times `TaskService.importTasks`
 * (the service call, validation and transaction included; no HTTP) of `--tasks` tasks with
 * payloads of about `--payload-bytes` bytes into a fresh project, `--repeat` times, then once more
 * with the same external ids (everything skipped). Prints every run and the median.
 *
 * Goal: 10,000 tasks import in well under 2 s (median), on this 2-core machine shared with
 * other work. The database is dropped at the end.
 */
import 'reflect-metadata';
import { ADMIN_URL, withScratchDatabase } from './bench-support';
import { ManualClock } from '../src/common/clock';
import { createLogger } from '../src/common/logger';
import { RequestContext } from '../src/common/request-context';
import { closeDataSource, createDataSource } from '../src/db/data-source';
import { TransactionalConnection } from '../src/db/transactional-connection';
import { EventBus } from '../src/events/event-bus';
import { Role } from '../src/modules/auth/role';
import { User } from '../src/modules/auth/user.entity';
import { IdempotencyService } from '../src/modules/idempotency/idempotency.service';
import { ProjectService } from '../src/modules/projects/project.service';
import type { ImportTaskItem } from '../src/modules/marketplace/task.inputs';
import { projectInput } from '../test/helpers/project-fixtures';
import { TaskService } from '../src/modules/marketplace/task.service';

const GOAL_MS = 2000;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const taskCount = argument('tasks', 10_000);
  const repeat = argument('repeat', 5);
  const payloadBytes = argument('payload-bytes', 200);
  const name = `quorum_bench_import_${process.pid}`;
  const adminUrl = process.env.TEST_PG_ADMIN_URL ?? ADMIN_URL;
  await withScratchDatabase(name, url => timeImports(url, taskCount, repeat, payloadBytes), {
    adminUrl,
  });
}

/** Migrates the database at `url`, then times `repeat` imports and one all-skipped repeat. */
async function timeImports(
  url: string,
  taskCount: number,
  repeat: number,
  payloadBytes: number,
): Promise<void> {
  const dataSource = await createDataSource({
    url,
    dataDir: 'memory://',
    poolSize: 4,
    migrationsRun: false,
    logging: false,
  });
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    const db = new TransactionalConnection(dataSource);
    const events = new EventBus(createLogger('silent'));
    const idempotency = new IdempotencyService(db);
    const projects = new ProjectService(db, events, idempotency);
    const tasks = new TaskService(db, events, idempotency, projects);
    const user = await dataSource.getRepository(User).save({
      email: 'bench@example.test',
      displayName: 'bench',
      passwordHash: null,
      roles: [Role.REQUESTER],
    });
    const ctx = RequestContext.create({
      user: { id: user.id, roles: [Role.REQUESTER], via: 'jwt' },
      clock: new ManualClock(),
    });
    const filler = 'x'.repeat(Math.max(0, payloadBytes - 60));
    const items = (): ImportTaskItem[] =>
      Array.from({ length: taskCount }, (_, i) => ({
        externalId: `item-${i}`,
        payload: { url: `https://example.test/${i}.jpg`, n: i, text: filler },
        ...(i % 20 === 0 ? { goldLabel: i % 40 === 0 ? 'cat' : 'dog' } : {}),
      }));

    const timings: number[] = [];
    let projectId = '';
    for (let run = 0; run < repeat; run++) {
      const project = await projects.create(ctx, projectInput({ name: `bench ${run}` }));
      projectId = project.id;
      const input = { projectId, tasks: items() };
      const started = process.hrtime.bigint();
      const result = await tasks.importTasks(ctx, input);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.created !== taskCount) throw new Error(`created ${result.created}`);
      timings.push(ms);
      process.stdout.write(`run ${run + 1}: ${taskCount} tasks created in ${ms.toFixed(0)} ms\n`);
    }
    const started = process.hrtime.bigint();
    const skipped = await tasks.importTasks(ctx, { projectId, tasks: items() });
    const skipMs = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(
      `repeat import: ${skipped.skipped} skipped, ${skipped.created} created in ${skipMs.toFixed(0)} ms\n`,
    );
    const typical = median(timings);
    process.stdout.write(
      `median ${typical.toFixed(0)} ms for ${taskCount} tasks (${Math.round((taskCount / typical) * 1000)} tasks/s); ` +
        `goal < ${GOAL_MS} ms: ${typical < GOAL_MS ? 'met' : 'MISSED'}\n`,
    );
    if (typical >= GOAL_MS) process.exitCode = 1;
  } finally {
    await closeDataSource(dataSource);
  }
}

main().catch(error => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
