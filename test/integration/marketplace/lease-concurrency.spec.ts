import { ManualClock } from '../../../src/common/clock';
import { createLogger } from '../../../src/common/logger';
import { buildContainer } from '../../../src/container';
import { Role } from '../../../src/modules/auth/role';
import { findInvariantViolations } from '../../../src/modules/marketplace/assignment-invariants';
import type { WorkerAssignment } from '../../../src/modules/marketplace/worker-assignment.type';
import { contextFor, makeProject, makeTasks, makeUser, makeWorkers } from '../../helpers/factories';
import { testConfig } from '../../helpers/test-config';
import { useTestDatabase } from '../../helpers/test-db';

const WORKERS = 50;
const TASKS = 1000;
const OVERLAP = 3;
/** Answers the project needs in all: every worker keeps polling until they are all in. */
const NEEDED = TASKS * OVERLAP;

// Promises 1, 2 and 4 of DESIGN.md under real concurrency: truly parallel transactions over a
// pool of 24 PostgreSQL connections, then the invariants checked in SQL on committed rows.
describe('leases under concurrency (PostgreSQL)', () => {
  const db = useTestDatabase({ poolSize: 24 });

  it(
    `${WORKERS} workers leasing and submitting in parallel on ${TASKS} tasks with overlap ${OVERLAP} ` +
      'end with exactly 3 counted answers per task, no task answered twice by one worker, no lease lost',
    async () => {
      const dataSource = db.current.dataSource;
      const clock = new ManualClock('2026-03-01T00:00:00Z');
      const { services } = buildContainer(testConfig(), dataSource, createLogger('silent'), clock);
      const requester = await makeUser(dataSource, [Role.REQUESTER]);
      const project = await makeProject(dataSource, requester.id, {
        minOverlap: OVERLAP,
        maxOverlap: OVERLAP,
      });
      await makeTasks(dataSource, project.id, TASKS);
      const workers = await makeWorkers(dataSource, WORKERS);

      const acknowledged: Array<{ workerId: string; assignmentId: string; taskId: string }> = [];
      let leases = 0;
      const work = async (workerIndex: number) => {
        const worker = workers[workerIndex];
        const ctx = contextFor(dataSource, worker, clock);
        // SKIP LOCKED means "skip rows another transaction holds right now", so near the end a
        // task briefly locked by someone else's submit is invisible for that instant: an empty
        // answer says nothing about the end. A worker stops when every needed answer is
        // acknowledged; a lost lease would keep them polling until the test times out.
        while (acknowledged.length < NEEDED) {
          const lease: WorkerAssignment | null = await services.leasing.nextAssignment(
            ctx,
            project.id,
          );
          if (!lease) continue;
          leases++;
          const payload = lease.preloadedTask!.payload as { n: number };
          const submitted = await services.submission.submitAssignment(ctx, {
            assignmentId: lease.id,
            answer: { labels: [payload.n % 2 === 0 ? 'cat' : 'dog'] },
            clientDurationMs: 1000,
          });
          acknowledged.push({
            workerId: worker.id,
            assignmentId: submitted.id,
            taskId: lease.taskId,
          });
        }
      };
      await Promise.all(workers.map((_, index) => work(index)));

      // Every lease was answered and acknowledged: none lost.
      expect(leases).toBe(TASKS * OVERLAP);
      expect(acknowledged).toHaveLength(TASKS * OVERLAP);

      const perTask: Array<{ counted: number; completed: number; live: number; counter: number }> =
        await dataSource.query(
          `SELECT count(a.id) FILTER (WHERE a.counted)::int AS counted,
                  (t.status = 'COMPLETE')::int AS completed,
                  t.live_assignments AS live, t.counted_answers AS counter
           FROM tasks t LEFT JOIN assignments a ON a.task_id = t.id
           WHERE t.project_id = $1 GROUP BY t.id`,
          [project.id],
        );
      expect(perTask).toHaveLength(TASKS);
      expect(perTask.filter(task => task.counted !== OVERLAP)).toEqual([]);
      expect(perTask.filter(task => task.completed !== 1)).toEqual([]);
      expect(perTask.filter(task => task.live !== OVERLAP || task.counter !== OVERLAP)).toEqual([]);

      const [statuses] = await dataSource.query(
        `SELECT count(*) FILTER (WHERE status = 'LEASED')::int AS leased,
                count(*) FILTER (WHERE status = 'SUBMITTED')::int AS submitted,
                count(DISTINCT (task_id, worker_id))::int AS pairs,
                count(*)::int AS total
         FROM assignments WHERE project_id = $1`,
        [project.id],
      );
      expect(statuses).toEqual({
        leased: 0,
        submitted: TASKS * OVERLAP,
        pairs: TASKS * OVERLAP,
        total: TASKS * OVERLAP,
      });
      // Each acknowledged answer is the committed row (durable), with the answer given.
      const stored: Array<{ id: string; worker_id: string; task_id: string }> =
        await dataSource.query(
          `SELECT id, worker_id, task_id FROM assignments WHERE project_id = $1`,
          [project.id],
        );
      const storedById = new Map(stored.map(row => [row.id, row]));
      for (const ack of acknowledged) {
        expect(storedById.get(ack.assignmentId)).toEqual({
          id: ack.assignmentId,
          worker_id: ack.workerId,
          task_id: ack.taskId,
        });
      }
      // Work was spread: with 50 parallel workers, no one did it all.
      const perWorker = new Map<string, number>();
      for (const ack of acknowledged)
        perWorker.set(ack.workerId, (perWorker.get(ack.workerId) ?? 0) + 1);
      expect(perWorker.size).toBeGreaterThan(WORKERS / 2);

      expect(await findInvariantViolations(dataSource.manager)).toEqual([]);
    },
    180_000,
  );
});
