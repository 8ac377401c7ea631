import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../../src/common/errors';
import type { ProjectAction } from '../../../src/modules/projects/project-lifecycle';
import {
  ProjectLabelSchemaChangedEvent,
  ProjectLaunchedEvent,
  ProjectStatusChangedEvent,
} from '../../../src/modules/projects/project.events';
import type { CreateProjectInput } from '../../../src/modules/projects/project.inputs';
import { ProjectService } from '../../../src/modules/projects/project.service';
import { LabelSchemaKind, ProjectStatus } from '../../../src/modules/projects/project.types';
import {
  buildProjectServices,
  countRows,
  createTestUser,
  projectInput,
  Role,
} from '../../helpers/project-fixtures';
import { useProjectWorld } from '../../helpers/project-world';
import { multiLabel, singleChoice } from '../../helpers/label-schemas';

describe(ProjectService.name, () => {
  const world = useProjectWorld({ usersOnServiceClock: true });

  const projectCount = () => countRows(world.dataSource, 'projects');

  async function projectWithTasks(
    input: Partial<CreateProjectInput> = {},
    tasks: Array<{ externalId: string; payload: object; goldLabel?: string }> = [
      { externalId: 't1', payload: { url: 'a.jpg' } },
    ],
  ) {
    const project = await world.services.projects.create(world.requester, projectInput(input));
    await world.services.tasks.importTasks(world.requester, {
      projectId: project.id,
      tasks: tasks as never,
    });
    return project;
  }

  async function setStatus(id: string, status: ProjectStatus): Promise<void> {
    await world.dataSource.query(`UPDATE projects SET status = $1 WHERE id = $2`, [status, id]);
  }

  describe('create', () => {
    it('creates a DRAFT project owned by the caller, with settings normalised', async () => {
      const project = await world.services.projects.create(
        world.requester,
        projectInput({ name: '  Birds  ', currency: 'EUR', overlap: { minOverlap: 2 } }),
      );
      expect(project).toMatchObject({
        ownerId: world.requester.user!.id,
        status: ProjectStatus.DRAFT,
        name: 'Birds',
        currency: 'eur',
        minOverlap: 2,
        maxOverlap: 2,
        confidenceTarget: null,
        goldRate: 0,
        goldExposureCap: 50,
        schemaVersion: 1,
        assignmentDurationSeconds: 600,
        launchedAt: null,
      });
      const dynamic = await world.services.projects.create(
        world.requester,
        projectInput({ overlap: { minOverlap: 2, maxOverlap: 5, confidenceTarget: 0.9 } }),
      );
      expect(dynamic.overlap).toEqual({
        minOverlap: 2,
        maxOverlap: 5,
        confidenceTarget: 0.9,
        maxOutstandingLeases: 1,
      });
      const looser = await world.services.projects.create(
        world.requester,
        projectInput({
          overlap: { minOverlap: 2, maxOverlap: 5, confidenceTarget: 0.9, maxOutstandingLeases: 2 },
        }),
      );
      expect(looser.maxOutstandingLeases).toBe(2);
      // Changing the overlap without naming it keeps it.
      const updated = await world.services.projects.update(world.requester, looser.id, {
        overlap: { minOverlap: 3, maxOverlap: 5, confidenceTarget: 0.9 },
      });
      expect(updated.overlap).toMatchObject({ minOverlap: 3, maxOutstandingLeases: 2 });
    });

    it('keeps the model loop settings: retraining off and the gate at 0.85 by default', async () => {
      const plain = await world.services.projects.create(world.requester, projectInput());
      expect([plain.modelRetrainEvery, plain.modelGateMinAccuracy]).toEqual([null, 0.85]);
      const looped = await world.services.projects.create(
        world.requester,
        projectInput({ modelRetrainEvery: 500, modelGateMinAccuracy: 0.9 }),
      );
      expect([looped.modelRetrainEvery, looped.modelGateMinAccuracy]).toEqual([500, 0.9]);
      // Omitted keeps; an explicit null turns retraining off.
      const kept = await world.services.projects.update(world.requester, looped.id, {
        goldRate: 0.1,
      });
      expect(kept.modelRetrainEvery).toBe(500);
      const off = await world.services.projects.update(world.requester, looped.id, {
        modelRetrainEvery: null,
      });
      expect([off.modelRetrainEvery, off.modelGateMinAccuracy]).toEqual([null, 0.9]);
    });

    it('returns the same project for a repeated idempotencyKey and refuses other parameters', async () => {
      const before = await projectCount();
      const input = projectInput({ name: 'Idempotent', idempotencyKey: `k-${randomUUID()}` });
      const first = await world.services.projects.create(world.requester, input);
      const again = await world.services.projects.create(world.requester, { ...input });
      expect(again.id).toBe(first.id);
      expect(await projectCount()).toBe(before + 1);

      await expect(
        world.services.projects.create(world.requester, { ...input, rewardAmount: 6 }),
      ).rejects.toMatchObject({ extensions: { code: 'IDEMPOTENCY_KEY_REUSED' } });
      // Another requester's same key is their own.
      const theirs = await world.services.projects.create(world.otherRequester, input);
      expect(theirs.id).not.toBe(first.id);
      expect(await projectCount()).toBe(before + 2);
    });

    const labels = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `l${i}`, displayName: `Label ${i}` }));
    const badInputs: Array<[string, Partial<CreateProjectInput>, string]> = [
      ['an empty name', { name: '   ' }, 'name'],
      ['a NUL in the name', { name: 'a\u0000b' }, 'name'],
      [
        'one label',
        { labelSchema: { kind: LabelSchemaKind.SINGLE_CHOICE, labels: labels(1) } },
        'labelSchema.labels',
      ],
      [
        '201 labels',
        { labelSchema: { kind: LabelSchemaKind.MULTI_LABEL, labels: labels(201) } },
        'labelSchema.labels',
      ],
      [
        'a duplicate key',
        { labelSchema: singleChoice(['a', 'A'], ['a', 'B']) },
        'labelSchema.labels[1].key',
      ],
      [
        'a key with a space',
        { labelSchema: singleChoice(['a b', 'A'], ['c', 'C']) },
        'labelSchema.labels[0].key',
      ],
      [
        'a 65-character key',
        { labelSchema: singleChoice(['k'.repeat(65), 'A'], ['c', 'C']) },
        'labelSchema.labels[0].key',
      ],
      [
        'an empty display name',
        { labelSchema: singleChoice(['a', ' '], ['c', 'C']) },
        'labelSchema.labels[0].displayName',
      ],
      ['a negative reward', { rewardAmount: -1 }, 'rewardAmount'],
      ['an absurd reward', { rewardAmount: 1_000_001 }, 'rewardAmount'],
      ['a fractional reward', { rewardAmount: 1.5 }, 'rewardAmount'],
      ['a two-letter currency', { currency: 'us' }, 'currency'],
      ['a four-letter currency', { currency: 'usdd' }, 'currency'],
      ['a currency with digits', { currency: 'us1' }, 'currency'],
      ['overlap 0', { overlap: { minOverlap: 0 } }, 'overlap.minOverlap'],
      [
        'max below min',
        { overlap: { minOverlap: 3, maxOverlap: 2, confidenceTarget: 0.9 } },
        'overlap.maxOverlap',
      ],
      [
        'max above 100',
        { overlap: { minOverlap: 3, maxOverlap: 101, confidenceTarget: 0.9 } },
        'overlap.maxOverlap',
      ],
      [
        'a target with fixed overlap',
        { overlap: { minOverlap: 3, confidenceTarget: 0.9 } },
        'overlap.confidenceTarget',
      ],
      [
        'dynamic overlap without a target',
        { overlap: { minOverlap: 1, maxOverlap: 5 } },
        'overlap.confidenceTarget',
      ],
      [
        'a target of 0.5',
        { overlap: { minOverlap: 1, maxOverlap: 5, confidenceTarget: 0.5 } },
        'overlap.confidenceTarget',
      ],
      [
        'a target of 1',
        { overlap: { minOverlap: 1, maxOverlap: 5, confidenceTarget: 1 } },
        'overlap.confidenceTarget',
      ],
      ['a gold rate above 0.5', { goldRate: 0.6 }, 'goldRate'],
      ['a negative gold rate', { goldRate: -0.1 }, 'goldRate'],
      ['a gold exposure cap of 0', { goldExposureCap: 0 }, 'goldExposureCap'],
      ['retraining every 0 tasks', { modelRetrainEvery: 0 }, 'modelRetrainEvery'],
      ['a model gate above 1', { modelGateMinAccuracy: 1.5 }, 'modelGateMinAccuracy'],
      [
        'no outstanding lease allowed',
        {
          overlap: { minOverlap: 1, maxOverlap: 5, confidenceTarget: 0.9, maxOutstandingLeases: 0 },
        },
        'overlap.maxOutstandingLeases',
      ],
      ['a 10-second lease', { assignmentDurationSeconds: 10 }, 'assignmentDurationSeconds'],
      [
        'a 31-day auto-approval delay',
        { autoApprovalDelaySeconds: 31 * 86400 },
        'autoApprovalDelaySeconds',
      ],
      [
        'a negative reversal window',
        { rejectionReversalWindowSeconds: -1 },
        'rejectionReversalWindowSeconds',
      ],
      ['an empty idempotency key', { idempotencyKey: '' }, 'idempotencyKey'],
    ];
    it.each(badInputs)(
      'refuses %s with BAD_USER_INPUT and writes nothing',
      async (_case, override, field) => {
        const before = await projectCount();
        await expect(
          world.services.projects.create(world.requester, projectInput(override)),
        ).rejects.toMatchObject({
          extensions: { code: 'BAD_USER_INPUT', field },
        });
        expect(await projectCount()).toBe(before);
      },
    );

    it('accepts the limits themselves', async () => {
      const project = await world.services.projects.create(
        world.requester,
        projectInput({
          rewardAmount: 1_000_000,
          goldRate: 0.5,
          overlap: { minOverlap: 1, maxOverlap: 100, confidenceTarget: 0.51 },
          labelSchema: { kind: LabelSchemaKind.MULTI_LABEL, labels: labels(200) },
          assignmentDurationSeconds: 30,
          autoApprovalDelaySeconds: 0,
        }),
      );
      expect(project.labelSchema.labels).toHaveLength(200);
    });
  });

  describe('lifecycle', () => {
    // What each action does from each status: 'apply' → the target status, 'noop' → unchanged,
    // else refused with INVALID_STATE_TRANSITION. Written out by hand from DESIGN.md.
    const expected: Record<ProjectStatus, Record<ProjectAction, ProjectStatus | 'refuse'>> = {
      DRAFT: {
        launch: ProjectStatus.ACTIVE,
        pause: 'refuse',
        resume: 'refuse',
        complete: 'refuse',
        archive: ProjectStatus.ARCHIVED,
      },
      ACTIVE: {
        launch: ProjectStatus.ACTIVE,
        pause: ProjectStatus.PAUSED,
        resume: ProjectStatus.ACTIVE,
        complete: ProjectStatus.COMPLETED,
        archive: 'refuse',
      },
      PAUSED: {
        launch: 'refuse',
        pause: ProjectStatus.PAUSED,
        resume: ProjectStatus.ACTIVE,
        complete: ProjectStatus.COMPLETED,
        archive: ProjectStatus.ARCHIVED,
      },
      COMPLETED: {
        launch: 'refuse',
        pause: 'refuse',
        resume: 'refuse',
        complete: ProjectStatus.COMPLETED,
        archive: ProjectStatus.ARCHIVED,
      },
      ARCHIVED: {
        launch: 'refuse',
        pause: 'refuse',
        resume: 'refuse',
        complete: 'refuse',
        archive: ProjectStatus.ARCHIVED,
      },
    };
    const cases = Object.entries(expected).flatMap(([from, actions]) =>
      Object.entries(actions).map(([action, outcome]) => [from, action, outcome] as const),
    );

    it.each(cases)('from %s, %s gives %s', async (from, action, outcome) => {
      const project = await projectWithTasks();
      await setStatus(project.id, from as ProjectStatus);
      const call = world.services.projects.transition(
        world.requester,
        project.id,
        action as ProjectAction,
      );
      if (outcome === 'refuse') {
        const to = {
          launch: 'ACTIVE',
          pause: 'PAUSED',
          resume: 'ACTIVE',
          complete: 'COMPLETED',
          archive: 'ARCHIVED',
        }[action as ProjectAction];
        await expect(call).rejects.toMatchObject({
          extensions: { code: 'INVALID_STATE_TRANSITION', from, to, entity: 'Project' },
        });
        const [row] = await world.dataSource.query(`SELECT status FROM projects WHERE id = $1`, [
          project.id,
        ]);
        expect(row.status).toBe(from);
      } else {
        expect((await call).status).toBe(outcome);
      }
    });

    it('walks DRAFT → ACTIVE → PAUSED → ACTIVE → COMPLETED → ARCHIVED with one event per step', async () => {
      const project = await projectWithTasks();
      world.services.published.length = 0;
      world.services.clock.advance(1000);
      const launched = await world.services.projects.transition(
        world.requester,
        project.id,
        'launch',
      );
      expect(launched.launchedAt?.toISOString()).toBe(world.services.clock.now().toISOString());
      await world.services.projects.transition(world.requester, project.id, 'pause');
      await world.services.projects.transition(world.requester, project.id, 'pause'); // a retry: no event
      await world.services.projects.transition(world.requester, project.id, 'resume');
      const completed = await world.services.projects.transition(
        world.requester,
        project.id,
        'complete',
      );
      expect(completed.closedAt).not.toBeNull();
      await world.services.projects.transition(world.requester, project.id, 'archive');

      expect(world.services.published[0]).toBeInstanceOf(ProjectLaunchedEvent);
      const steps = world.services.published
        .filter(
          (event): event is ProjectStatusChangedEvent => event instanceof ProjectStatusChangedEvent,
        )
        .map(event => `${event.from}→${event.to}`);
      expect(steps).toEqual([
        'DRAFT→ACTIVE',
        'ACTIVE→PAUSED',
        'PAUSED→ACTIVE',
        'ACTIVE→COMPLETED',
        'COMPLETED→ARCHIVED',
      ]);
    });

    it('refuses to launch without an open non-gold task, or without gold when the gold rate asks for it', async () => {
      const empty = await world.services.projects.create(world.requester, projectInput());
      await expect(
        world.services.projects.transition(world.requester, empty.id, 'launch'),
      ).rejects.toMatchObject({
        extensions: { code: 'PROJECT_NOT_READY', reason: 'NO_TASKS' },
      });
      const goldOnly = await projectWithTasks({}, [
        { externalId: 'g', payload: {}, goldLabel: 'cat' },
      ]);
      await expect(
        world.services.projects.transition(world.requester, goldOnly.id, 'launch'),
      ).rejects.toMatchObject({
        extensions: { code: 'PROJECT_NOT_READY', reason: 'NO_TASKS' },
      });
      const noGold = await projectWithTasks({ goldRate: 0.1 });
      await expect(
        world.services.projects.transition(world.requester, noGold.id, 'launch'),
      ).rejects.toMatchObject({
        extensions: { code: 'PROJECT_NOT_READY', reason: 'NO_GOLD_TASKS' },
      });
      const [row] = await world.dataSource.query(
        `SELECT status, launched_at FROM projects WHERE id = $1`,
        [noGold.id],
      );
      expect(row).toEqual({ status: 'DRAFT', launched_at: null });

      const ready = await projectWithTasks({ goldRate: 0.1 }, [
        { externalId: 't', payload: {} },
        { externalId: 'g', payload: {}, goldLabel: 'dog' },
      ]);
      expect(
        (await world.services.projects.transition(world.requester, ready.id, 'launch')).status,
      ).toBe('ACTIVE');
    });

    it('launches once when two launches race (row lock)', async () => {
      const project = await projectWithTasks();
      world.services.published.length = 0;
      const results = await Promise.all([
        world.services.projects.transition(world.requester, project.id, 'launch'),
        world.services.projects.transition(world.requester, project.id, 'launch'),
      ]);
      expect(results.map(p => p.status)).toEqual(['ACTIVE', 'ACTIVE']);
      expect(world.services.published.filter(e => e instanceof ProjectLaunchedEvent)).toHaveLength(
        1,
      );
    });
  });

  describe('update', () => {
    const renamedAndGrown = singleChoice(['cat', 'Kitty'], ['dog', 'Dog'], ['bird', 'Bird']);

    it('changes anything in DRAFT without bumping the schema version', async () => {
      const project = await world.services.projects.create(world.requester, projectInput());
      const updated = await world.services.projects.update(world.requester, project.id, {
        name: 'Renamed',
        rewardAmount: 9,
        currency: 'GBP',
        overlap: { minOverlap: 1, maxOverlap: 4, confidenceTarget: 0.8 },
        labelSchema: multiLabel(['x', 'X'], ['y', 'Y']),
      });
      expect(updated).toMatchObject({
        name: 'Renamed',
        rewardAmount: 9,
        currency: 'gbp',
        minOverlap: 1,
        maxOverlap: 4,
        confidenceTarget: 0.8,
        schemaVersion: 1,
      });
      expect(updated.labelSchema.kind).toBe(LabelSchemaKind.MULTI_LABEL);
    });

    it('keeps omitted settings, including overlap', async () => {
      const project = await world.services.projects.create(
        world.requester,
        projectInput({
          overlap: { minOverlap: 2, maxOverlap: 6, confidenceTarget: 0.95 },
          goldRate: 0.2,
        }),
      );
      const updated = await world.services.projects.update(world.requester, project.id, {
        instructions: 'New',
      });
      expect(updated).toMatchObject({
        instructions: 'New',
        minOverlap: 2,
        maxOverlap: 6,
        confidenceTarget: 0.95,
        goldRate: 0.2,
        name: project.name,
      });
    });

    it('after launch allows additive schema changes (bumping the version) and the listed settings', async () => {
      const project = await projectWithTasks();
      await world.services.projects.transition(world.requester, project.id, 'launch');
      world.services.published.length = 0;
      const updated = await world.services.projects.update(world.requester, project.id, {
        name: 'Live',
        instructions: 'Look closely',
        overlap: { minOverlap: 5 },
        goldRate: 0.25,
        assignmentDurationSeconds: 120,
        autoApprovalDelaySeconds: 60,
        rejectionReversalWindowSeconds: 3600,
        rewardAmount: 5, // unchanged: allowed
        currency: 'USD', // unchanged (any case): allowed
        labelSchema: renamedAndGrown,
      });
      expect(updated).toMatchObject({
        name: 'Live',
        minOverlap: 5,
        maxOverlap: 5,
        goldRate: 0.25,
        schemaVersion: 2,
      });
      expect(updated.labelSchema.labels.map(l => l.displayName)).toEqual(['Kitty', 'Dog', 'Bird']);
      expect(world.services.published).toEqual([expect.any(ProjectLabelSchemaChangedEvent)]);
      expect(world.services.published[0]).toMatchObject({ schemaVersion: 2, labelCount: 3 });

      // The same schema again changes nothing.
      const same = await world.services.projects.update(world.requester, project.id, {
        labelSchema: renamedAndGrown,
      });
      expect(same.schemaVersion).toBe(2);
    });

    const lockedAfterLaunch: Array<[string, object, string, string]> = [
      ['the reward', { rewardAmount: 6 }, 'rewardAmount', 'LOCKED_AFTER_LAUNCH'],
      ['the currency', { currency: 'eur' }, 'currency', 'LOCKED_AFTER_LAUNCH'],
      [
        'a removed label',
        { labelSchema: singleChoice(['cat', 'Cat'], ['bird', 'Bird']) },
        'labelSchema',
        'SCHEMA_CHANGE_NOT_ADDITIVE',
      ],
      [
        'reordered labels',
        { labelSchema: singleChoice(['dog', 'Dog'], ['cat', 'Cat']) },
        'labelSchema',
        'SCHEMA_CHANGE_NOT_ADDITIVE',
      ],
      [
        'another kind',
        { labelSchema: multiLabel(['cat', 'Cat'], ['dog', 'Dog']) },
        'labelSchema',
        'SCHEMA_CHANGE_NOT_ADDITIVE',
      ],
    ];
    it.each(lockedAfterLaunch)(
      'after launch refuses %s with PROJECT_NOT_EDITABLE and writes nothing',
      async (_case, change, field, reason) => {
        const project = await projectWithTasks();
        await world.services.projects.transition(world.requester, project.id, 'launch');
        await setStatus(project.id, ProjectStatus.PAUSED); // the same rules hold while paused
        await expect(
          world.services.projects.update(world.requester, project.id, { name: 'x', ...change }),
        ).rejects.toMatchObject({
          extensions: { code: 'PROJECT_NOT_EDITABLE', field, reason, status: 'PAUSED' },
        });
        const after = await world.services.projects.findOne(world.requester, project.id);
        expect(after).toMatchObject({
          name: project.name,
          rewardAmount: 5,
          currency: 'usd',
          schemaVersion: 1,
        });
        expect(after.labelSchema).toEqual(project.labelSchema);
      },
    );

    it('refuses any change to a COMPLETED or ARCHIVED project', async () => {
      for (const status of [ProjectStatus.COMPLETED, ProjectStatus.ARCHIVED]) {
        const project = await world.services.projects.create(world.requester, projectInput());
        await setStatus(project.id, status);
        await expect(
          world.services.projects.update(world.requester, project.id, { name: 'x' }),
        ).rejects.toMatchObject({
          extensions: { code: 'PROJECT_NOT_EDITABLE', status },
        });
      }
    });

    it('in DRAFT refuses a schema change that would strand imported gold answers', async () => {
      const project = await projectWithTasks({}, [
        { externalId: 't', payload: {} },
        { externalId: 'g', payload: {}, goldLabel: 'dog' },
      ]);
      await expect(
        world.services.projects.update(world.requester, project.id, {
          labelSchema: singleChoice(['cat', 'Cat'], ['bird', 'Bird']),
        }),
      ).rejects.toMatchObject({
        extensions: {
          code: 'PROJECT_NOT_EDITABLE',
          field: 'labelSchema',
          reason: 'GOLD_LABELS_OUTSIDE_SCHEMA',
        },
      });
      // Keeping `dog` is fine.
      const updated = await world.services.projects.update(world.requester, project.id, {
        labelSchema: multiLabel(['dog', 'Dog'], ['bird', 'Bird']),
      });
      expect(updated.labelSchema.labels.map(l => l.key)).toEqual(['dog', 'bird']);
    });

    it('validates the merged settings', async () => {
      const project = await world.services.projects.create(
        world.requester,
        projectInput({ overlap: { minOverlap: 3 } }),
      );
      await expect(
        world.services.projects.update(world.requester, project.id, {
          overlap: { minOverlap: 3, maxOverlap: 2 },
        }),
      ).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'overlap.maxOverlap' },
      });
    });
  });

  describe('hooks', () => {
    it('runs transition hooks inside the transaction: a failing hook leaves the project a DRAFT', async () => {
      const hooked = buildProjectServices(world.dataSource, world.services.clock);
      const seen: string[] = [];
      hooked.projects.onTransition((tx, { project, action, from, to }) => {
        seen.push(`${action}:${from}→${to}:${project.status}:${tx.isInTransaction}`);
        if (action === 'launch' && project.name === 'Unfunded') {
          throw new AppError('no money', 'INSUFFICIENT_BALANCE');
        }
      });
      const unfunded = await projectWithTasks({ name: 'Unfunded' });
      await expect(
        hooked.projects.transition(world.requester, unfunded.id, 'launch'),
      ).rejects.toMatchObject({
        extensions: { code: 'INSUFFICIENT_BALANCE' },
      });
      expect(await hooked.projects.findOne(world.requester, unfunded.id)).toMatchObject({
        status: 'DRAFT',
        launchedAt: null,
      });
      expect(hooked.published).toEqual([]);

      const funded = await projectWithTasks();
      await hooked.projects.transition(world.requester, funded.id, 'launch');
      await hooked.projects.transition(world.requester, funded.id, 'launch'); // no-op: no hook
      expect(seen).toEqual(['launch:DRAFT→ACTIVE:ACTIVE:true', 'launch:DRAFT→ACTIVE:ACTIVE:true']);
    });

    it('runs settings hooks with the settings before the change', async () => {
      const hooked = buildProjectServices(world.dataSource, world.services.clock);
      const changes: Array<[number, number]> = [];
      hooked.projects.onSettingsChanged((_tx, { project, previous }) => {
        changes.push([previous.maxOverlap, project.maxOverlap]);
      });
      const project = await hooked.projects.create(
        world.requester,
        projectInput({ overlap: { minOverlap: 2 } }),
      );
      await hooked.projects.update(world.requester, project.id, { overlap: { minOverlap: 4 } });
      expect(changes).toEqual([[2, 4]]);
    });
  });

  describe('access', () => {
    it("answers another requester's project with NOT_FOUND everywhere, and lets admins in", async () => {
      const project = await projectWithTasks();
      const notFound = { extensions: { code: 'NOT_FOUND', entity: 'Project', id: project.id } };
      await expect(
        world.services.projects.findOne(world.otherRequester, project.id),
      ).rejects.toMatchObject(notFound);
      await expect(
        world.services.projects.update(world.otherRequester, project.id, { name: 'mine' }),
      ).rejects.toMatchObject(notFound);
      await expect(
        world.services.projects.transition(world.otherRequester, project.id, 'launch'),
      ).rejects.toMatchObject(notFound);
      expect((await world.services.projects.findOne(world.admin, project.id)).id).toBe(project.id);
      expect((await world.services.projects.findOne(world.requester, project.id)).name).toBe(
        project.name,
      );
    });

    it('answers unknown and malformed ids with NOT_FOUND', async () => {
      for (const id of [randomUUID(), 'not-a-uuid', "'; DROP TABLE projects; --"]) {
        await expect(world.services.projects.findOne(world.admin, id)).rejects.toMatchObject({
          extensions: { code: 'NOT_FOUND' },
        });
      }
    });

    it('lists only the caller’s projects (all for admins), filtered by status, page by page', async () => {
      const { ctx: fresh } = await createTestUser(world.dataSource, [Role.REQUESTER]);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push((await world.services.projects.create(fresh, projectInput({ name: `p${i}` }))).id);
      await setStatus(ids[4], ProjectStatus.ARCHIVED);

      const first = await world.services.projects.list(fresh, { first: 2 });
      expect(first.totalCount).toBe(5);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const rest = await world.services.projects.list(fresh, {
        first: 10,
        after: first.pageInfo.endCursor,
      });
      expect([...first.nodes, ...rest.nodes].map(p => p.id).sort()).toEqual([...ids].sort());

      const drafts = await world.services.projects.list(fresh, {
        first: 10,
        status: ProjectStatus.DRAFT,
      });
      expect(drafts.totalCount).toBe(4);
      expect(
        (await world.services.projects.list(world.otherRequester, { first: 100 })).nodes.map(
          p => p.id,
        ),
      ).not.toContain(ids[0]);
      const all = await world.services.projects.list(world.admin, { first: 100 });
      expect(all.totalCount).toBe(await projectCount());
    });
  });
});
