import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../../src/common/errors';
import type { Project } from '../../../src/modules/projects/project.entity';
import { LabelSchemaKind, ProjectStatus } from '../../../src/modules/projects/project.types';
import { TasksImportedEvent } from '../../../src/modules/marketplace/task.events';
import {
  type ImportTaskItem,
  TASK_IMPORT_LIMITS,
} from '../../../src/modules/marketplace/task.inputs';
import { TaskService } from '../../../src/modules/marketplace/task.service';
import { TaskStatus } from '../../../src/modules/marketplace/task.types';
import { buildProjectServices, countRows, projectInput } from '../../helpers/project-fixtures';
import { useProjectWorld } from '../../helpers/project-world';

function items(n: number, prefix = 't', from = 0): ImportTaskItem[] {
  return Array.from({ length: n }, (_, i) => ({
    externalId: `${prefix}-${from + i}`,
    payload: { text: `item ${from + i}`, n: from + i },
  }));
}

describe(TaskService.name, () => {
  const world = useProjectWorld();

  /** The requester imports `tasks` into the project (no idempotency key). */
  const importInto = (projectId: string, tasks: ImportTaskItem[]) =>
    world.services.tasks.importTasks(world.requester, { projectId, tasks });
  const taskCount = (projectId: string) =>
    countRows(world.dataSource, 'tasks', 'project_id = $1', [projectId]);
  const newProject = (kind: LabelSchemaKind = LabelSchemaKind.SINGLE_CHOICE): Promise<Project> =>
    world.services.projects.create(
      world.requester,
      projectInput({
        labelSchema: {
          kind,
          labels: [
            { key: 'cat', displayName: 'Cat' },
            { key: 'dog', displayName: 'Dog' },
            { key: 'bird', displayName: 'Bird' },
          ],
        },
      }),
    );

  describe('importTasks', () => {
    it('creates tasks and gold tasks, with gold answers in schema order', async () => {
      const project = await newProject(LabelSchemaKind.MULTI_LABEL);
      world.services.published.length = 0;
      const result = await world.services.tasks.importTasks(world.requester, {
        projectId: project.id,
        tasks: [
          { externalId: 'a', payload: { url: 'a.jpg', nested: { x: [1, 2] } } },
          { externalId: 'g', payload: { url: 'g.jpg' }, goldLabels: ['bird', 'cat'] },
          { payload: { url: 'no-id.jpg' } },
        ],
      });
      expect(result).toEqual({ created: 3, skipped: 0, skippedExternalIds: [] });

      const rows = await world.dataSource.query(
        `SELECT external_id, payload, is_gold, gold_labels, status, live_assignments, counted_answers
         FROM tasks WHERE project_id = $1 ORDER BY external_id NULLS LAST`,
        [project.id],
      );
      expect(rows).toEqual([
        {
          external_id: 'a',
          payload: { url: 'a.jpg', nested: { x: [1, 2] } },
          is_gold: false,
          gold_labels: null,
          status: 'OPEN',
          live_assignments: 0,
          counted_answers: 0,
        },
        {
          external_id: 'g',
          payload: { url: 'g.jpg' },
          is_gold: true,
          gold_labels: ['cat', 'bird'],
          status: 'OPEN',
          live_assignments: 0,
          counted_answers: 0,
        },
        {
          external_id: null,
          payload: { url: 'no-id.jpg' },
          is_gold: false,
          gold_labels: null,
          status: 'OPEN',
          live_assignments: 0,
          counted_answers: 0,
        },
      ]);
      expect(world.services.published).toHaveLength(1);
      expect(world.services.published[0]).toBeInstanceOf(TasksImportedEvent);
      expect(world.services.published[0]).toMatchObject({
        projectId: project.id,
        goldCreated: 1,
        skipped: 0,
      });
      expect((world.services.published[0] as TasksImportedEvent).createdTaskIds).toHaveLength(3);
    });

    it('skips existing externalIds on a repeat and changes nothing', async () => {
      const project = await newProject();
      await importInto(project.id, items(50));
      const before = await world.dataSource.query(
        `SELECT id, external_id, payload, updated_at FROM tasks WHERE project_id = $1 ORDER BY external_id`,
        [project.id],
      );
      world.services.published.length = 0;

      // Same ids, other payloads: still skipped, never overwritten.
      const repeat = await importInto(
        project.id,
        items(50).map(item => ({ ...item, payload: { changed: true } })),
      );
      expect(repeat.created).toBe(0);
      expect(repeat.skipped).toBe(50);
      expect(repeat.skippedExternalIds).toEqual(items(50).map(item => item.externalId));
      const after = await world.dataSource.query(
        `SELECT id, external_id, payload, updated_at FROM tasks WHERE project_id = $1 ORDER BY external_id`,
        [project.id],
      );
      expect(after).toEqual(before);
      expect(world.services.published).toEqual([]);
    });

    it('creates only the new ones of a partly known batch and reports at most 100 skipped ids', async () => {
      const project = await newProject();
      await importInto(project.id, items(150));
      const result = await importInto(project.id, [...items(10, 't', 150), ...items(150)]);
      expect(result.created).toBe(10);
      expect(result.skipped).toBe(150);
      expect(result.skippedExternalIds).toEqual(items(100).map(item => item.externalId));
      expect(await taskCount(project.id)).toBe(160);
    });

    it('scopes externalIds per project', async () => {
      const first = await newProject();
      const second = await newProject();
      await importInto(first.id, items(3));
      const result = await importInto(second.id, items(3));
      expect(result.created).toBe(3);
    });

    it('returns the first result for a repeated idempotencyKey', async () => {
      const project = await newProject();
      const input = {
        projectId: project.id,
        tasks: items(5),
        idempotencyKey: `imp-${randomUUID()}`,
      };
      const first = await world.services.tasks.importTasks(world.requester, input);
      const again = await world.services.tasks.importTasks(world.requester, {
        ...input,
        tasks: items(5),
      });
      expect(again).toEqual(first);
      expect(first.created).toBe(5);
      await expect(
        world.services.tasks.importTasks(world.requester, { ...input, tasks: items(6) }),
      ).rejects.toMatchObject({ extensions: { code: 'IDEMPOTENCY_KEY_REUSED' } });
      expect(await taskCount(project.id)).toBe(5);
    });

    it('imports 10,000 tasks in one call', async () => {
      const project = await newProject();
      const result = await importInto(project.id, items(10_000));
      expect(result).toEqual({ created: 10_000, skipped: 0, skippedExternalIds: [] });
      expect(await taskCount(project.id)).toBe(10_000);
    });

    it('creates each externalId once when two imports of the same ids race', async () => {
      const project = await newProject();
      const results = await Promise.all([
        importInto(project.id, items(2_000)),
        importInto(project.id, items(2_000).reverse()),
      ]);
      expect(results[0].created + results[1].created).toBe(2_000);
      expect(results[0].skipped + results[1].skipped).toBe(2_000);
      expect(await taskCount(project.id)).toBe(2_000);
    });

    const tooBig = { blob: 'x'.repeat(TASK_IMPORT_LIMITS.maxPayloadBytes) };
    const badBatches: Array<
      [string, (valid: ImportTaskItem[]) => ImportTaskItem[], Record<string, unknown>]
    > = [
      [
        'more than 10,000 tasks',
        () => items(10_001),
        { code: 'BATCH_TOO_LARGE', limit: 10_000, size: 10_001 },
      ],
      ['no tasks', () => [], { code: 'BAD_USER_INPUT', field: 'tasks' }],
      [
        'a payload over 64 KiB',
        valid => [...valid, { externalId: 'big', payload: tooBig }],
        { code: 'PAYLOAD_TOO_LARGE', field: 'tasks[3].payload', limit: 65_536, externalId: 'big' },
      ],
      [
        'a NUL in a payload',
        valid => [...valid, { externalId: 'nul', payload: { t: 'a\u0000b' } }],
        { code: 'BAD_USER_INPUT', field: 'tasks[3].payload' },
      ],
      [
        'a lone surrogate in a payload key',
        valid => [...valid, { externalId: 's', payload: { ['\ud800']: 1 } }],
        { code: 'BAD_USER_INPUT', field: 'tasks[3].payload' },
      ],
      [
        'a repeated externalId',
        valid => [...valid, { externalId: valid[0].externalId, payload: {} }],
        { code: 'BAD_USER_INPUT', field: 'tasks[3].externalId' },
      ],
      [
        'an empty externalId',
        valid => [...valid, { externalId: '', payload: {} }],
        { code: 'BAD_USER_INPUT', field: 'tasks[3].externalId' },
      ],
      [
        'a 256-character externalId',
        valid => [...valid, { externalId: 'e'.repeat(256), payload: {} }],
        { code: 'BAD_USER_INPUT', field: 'tasks[3].externalId' },
      ],
      [
        'a gold label outside the schema',
        valid => [...valid, { externalId: 'g', payload: {}, goldLabel: 'horse' }],
        { code: 'BAD_USER_INPUT', field: 'tasks[3].goldLabel' },
      ],
      [
        'two gold labels on a single-choice project',
        valid => [...valid, { externalId: 'g', payload: {}, goldLabels: ['cat', 'dog'] }],
        { code: 'BAD_USER_INPUT', field: 'tasks[3].goldLabels' },
      ],
      [
        'an empty gold label list',
        valid => [...valid, { externalId: 'g', payload: {}, goldLabels: [] }],
        { code: 'BAD_USER_INPUT', field: 'tasks[3].goldLabels' },
      ],
      [
        'goldLabel and goldLabels together',
        valid => [
          ...valid,
          { externalId: 'g', payload: {}, goldLabel: 'cat', goldLabels: ['cat'] },
        ],
        { code: 'BAD_USER_INPUT' },
      ],
    ];
    it.each(badBatches)(
      'refuses a batch with %s and writes nothing',
      async (_case, build, extensions) => {
        const project = await newProject();
        const before = await countRows(world.dataSource, 'tasks');
        await expect(importInto(project.id, build(items(3)))).rejects.toMatchObject({ extensions });
        expect(await countRows(world.dataSource, 'tasks')).toBe(before);
      },
    );

    it('checks multi-label gold answers: at least one known key, no repeats', async () => {
      const project = await newProject(LabelSchemaKind.MULTI_LABEL);
      await expect(
        importInto(project.id, [{ externalId: 'g', payload: {}, goldLabels: ['cat', 'cat'] }]),
      ).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'tasks[0].goldLabels' },
      });
      const ok = await importInto(project.id, [{ externalId: 'g', payload: {}, goldLabel: 'dog' }]);
      expect(ok.created).toBe(1);
    });

    it('imports into DRAFT, ACTIVE and PAUSED projects only', async () => {
      const project = await newProject();
      for (const status of [ProjectStatus.ACTIVE, ProjectStatus.PAUSED]) {
        await world.dataSource.query(`UPDATE projects SET status = $1 WHERE id = $2`, [
          status,
          project.id,
        ]);
        expect((await importInto(project.id, items(1, status))).created).toBe(1);
      }
      for (const status of [ProjectStatus.COMPLETED, ProjectStatus.ARCHIVED]) {
        await world.dataSource.query(`UPDATE projects SET status = $1 WHERE id = $2`, [
          status,
          project.id,
        ]);
        await expect(importInto(project.id, items(1, status))).rejects.toMatchObject({
          extensions: { code: 'PROJECT_NOT_EDITABLE', status },
        });
      }
      expect(await taskCount(project.id)).toBe(2);
    });

    it("answers another requester's or an unknown project with NOT_FOUND and writes nothing", async () => {
      const project = await newProject();
      for (const [ctx, projectId] of [
        [world.otherRequester, project.id],
        [world.requester, randomUUID()],
        [world.requester, 'nope'],
      ] as const) {
        await expect(
          world.services.tasks.importTasks(ctx, { projectId, tasks: items(2) }),
        ).rejects.toMatchObject({
          extensions: { code: 'NOT_FOUND', entity: 'Project' },
        });
      }
      expect(await taskCount(project.id)).toBe(0);
      // Admins may import into any project.
      expect(
        (
          await world.services.tasks.importTasks(world.admin, {
            projectId: project.id,
            tasks: items(2),
          })
        ).created,
      ).toBe(2);
    });
  });

  describe('onImported hooks', () => {
    it('see the created ids inside the transaction, and roll the import back when they throw', async () => {
      const hooked = buildProjectServices(world.dataSource);
      const seen: number[] = [];
      hooked.tasks.onImported((tx, { project, createdTaskIds }) => {
        expect(tx.isInTransaction).toBe(true);
        seen.push(createdTaskIds.length);
        if (project.name === 'Refuses') throw new AppError('no money', 'INSUFFICIENT_BALANCE');
      });
      const project = await newProject();
      await hooked.tasks.importTasks(world.requester, { projectId: project.id, tasks: items(4) });
      await hooked.tasks.importTasks(world.requester, { projectId: project.id, tasks: items(4) }); // all skipped: no hook
      expect(seen).toEqual([4]);

      const refusing = await world.services.projects.create(
        world.requester,
        projectInput({ name: 'Refuses' }),
      );
      await expect(
        hooked.tasks.importTasks(world.requester, { projectId: refusing.id, tasks: items(3) }),
      ).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_BALANCE' } });
      expect(await taskCount(refusing.id)).toBe(0);
      expect(hooked.published.filter(e => e instanceof TasksImportedEvent)).toHaveLength(1);
    });
  });

  describe('listTasks and findTask', () => {
    let project: Project;

    beforeAll(async () => {
      project = await newProject();
      await world.services.tasks.importTasks(world.requester, {
        projectId: project.id,
        tasks: [
          ...items(6),
          { externalId: 'gold-1', payload: {}, goldLabel: 'cat' },
          { externalId: 'gold-2', payload: {}, goldLabel: 'dog' },
        ],
      });
      await world.dataSource.query(
        `UPDATE tasks SET status = 'COMPLETE', consensus_labels = '{cat}', consensus_confidence = 0.97
         WHERE project_id = $1 AND external_id IN ('t-0', 't-1')`,
        [project.id],
      );
    });

    it('pages through every task once', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await world.services.tasks.listTasks(world.requester, project, {
          first: 3,
          after,
        });
        expect(page.totalCount).toBe(8);
        seen.push(...page.nodes.map(task => task.externalId!));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen.sort()).toEqual(['gold-1', 'gold-2', 't-0', 't-1', 't-2', 't-3', 't-4', 't-5']);
    });

    it('filters by status, gold and consensus', async () => {
      const ids = async (filter: object) =>
        (
          await world.services.tasks.listTasks(world.requester, project, { first: 100, filter })
        ).nodes
          .map(t => t.externalId)
          .sort();
      expect(await ids({ status: TaskStatus.COMPLETE })).toEqual(['t-0', 't-1']);
      expect(await ids({ isGold: true })).toEqual(['gold-1', 'gold-2']);
      expect(await ids({ hasConsensus: true, isGold: false })).toEqual(['t-0', 't-1']);
      expect(await ids({ hasConsensus: false, isGold: false, status: TaskStatus.OPEN })).toEqual([
        't-2',
        't-3',
        't-4',
        't-5',
      ]);
    });

    it('hides tasks from other requesters and shows them to admins', async () => {
      await expect(
        world.services.tasks.listTasks(world.otherRequester, project, { first: 10 }),
      ).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      const [row] = await world.dataSource.query(
        `SELECT id FROM tasks WHERE project_id = $1 LIMIT 1`,
        [project.id],
      );
      await expect(
        world.services.tasks.findTask(world.otherRequester, row.id),
      ).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND', entity: 'Task' },
      });
      expect((await world.services.tasks.findTask(world.admin, row.id)).id).toBe(row.id);
      expect((await world.services.tasks.findTask(world.requester, row.id)).projectId).toBe(
        project.id,
      );
      await expect(world.services.tasks.findTask(world.requester, 'x')).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
    });
  });
});
