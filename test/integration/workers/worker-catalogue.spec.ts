import 'reflect-metadata';
import { ManualClock } from '../../../src/common/clock';
import { TransactionalConnection } from '../../../src/db/transactional-connection';
import { Role } from '../../../src/modules/auth/role';
import { WorkerBlock } from '../../../src/modules/workers/worker-block.entity';
import {
  tasksLeftShown,
  WorkerCatalogueService,
} from '../../../src/modules/workers/worker-catalogue.service';
import { contextFor, makeProject, makeTasks, makeUser } from '../../helpers/factories';
import { useTestDatabase } from '../../helpers/test-db';

describe(WorkerCatalogueService.name, () => {
  const db = useTestDatabase();
  const clock = new ManualClock('2026-06-01T00:00:00.000Z');

  it('lists open projects with measured time, hourly rate, work left and qualification; hides blocked ones', async () => {
    const dataSource = db.current.dataSource;
    const sut = new WorkerCatalogueService(new TransactionalConnection(dataSource));
    const requester = await makeUser(dataSource, [Role.REQUESTER], { displayName: 'Lab' });
    const worker = await makeUser(dataSource, [Role.WORKER]);
    const other = await makeUser(dataSource, [Role.WORKER]);
    const measured = await makeProject(dataSource, requester.id, {
      name: 'measured',
      rewardAmount: 10,
      maxOverlap: 1,
      qualificationTaskCount: 2,
    });
    // Oldest launch first.
    const fresh = await makeProject(dataSource, requester.id, {
      name: 'fresh',
      launchedAt: new Date('2026-01-02T00:00:00Z'),
    });
    const blocked = await makeProject(dataSource, requester.id, { name: 'blocked' });
    await makeProject(dataSource, requester.id, { name: 'draft', status: 'DRAFT' as never });
    const tasks = await makeTasks(dataSource, measured.id, 5);
    await makeTasks(dataSource, measured.id, 3, { gold: true });
    await makeTasks(dataSource, fresh.id, 2);
    // Another worker answered two tasks in 4 s and 6 s (median 5 s); with overlap 1 they are full.
    for (const [index, ms] of [4000, 6000].entries()) {
      await dataSource.query(
        `INSERT INTO assignments (task_id, project_id, worker_id, status, leased_at, expires_at,
           submitted_at, server_duration_ms, schema_version, reward_amount, currency, counted)
         VALUES ($1, $2, $3, 'SUBMITTED', now(), now() + interval '1 hour', now(), $4, 1, 10, 'usd', true)`,
        [tasks[index]!.id, measured.id, other.id, ms],
      );
      await dataSource.query(
        'UPDATE tasks SET live_assignments = 1, counted_answers = 1 WHERE id = $1',
        [tasks[index]!.id],
      );
    }
    await dataSource.getRepository(WorkerBlock).save({
      workerId: worker.id,
      projectId: blocked.id,
      reason: 'too fast',
      startsAt: new Date('2026-05-01T00:00:00Z'),
    });

    const catalogue = await sut.catalogue(contextFor(dataSource, worker, clock));

    expect(catalogue.map(p => p.name)).toEqual(['measured', 'fresh']);
    expect(catalogue[0]).toMatchObject({
      requesterDisplayName: 'Lab',
      rewardAmount: 10,
      estimatedSecondsPerTask: 5,
      hourlyRate: 7200, // 10 × 3600 / 5
      // 3 ordinary tasks with a free slot + 3 gold: gold counts, so answering it moves the
      // figure as an ordinary answer does (the gold differential e2e test checks that).
      tasksLeft: 6,
      qualificationRequired: true,
      qualificationStatus: 'NOT_STARTED',
    });
    expect(catalogue[1]).toMatchObject({
      estimatedSecondsPerTask: null,
      hourlyRate: null,
      tasksLeft: 2,
      qualificationRequired: false,
      qualificationStatus: 'NOT_REQUIRED',
    });
  });
});

describe(tasksLeftShown.name, () => {
  it('counts gold only while ordinary work is left, since gold is never served alone', () => {
    expect(tasksLeftShown(3, 2)).toBe(5);
    expect(tasksLeftShown(0, 4)).toBe(0);
    expect(tasksLeftShown(1, 0)).toBe(1);
  });
});
