import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ResultsExportFormat } from '../../../src/modules/aggregation/aggregation.types';
import { Role } from '../../../src/modules/auth/role';
import { Assignment } from '../../../src/modules/marketplace/assignment.entity';
import { AssignmentStatus } from '../../../src/modules/marketplace/assignment.types';
import type { Task } from '../../../src/modules/marketplace/task.entity';
import { parseKindSettings } from '../../../src/modules/projects/kind-settings';
import type { Project } from '../../../src/modules/projects/project.entity';
import type { LabelSchema } from '../../../src/modules/projects/project.types';
import { makeProject, makeTasks, makeWorkers } from '../../helpers/factories';
import { createMarketplaceEnv, type MarketplaceEnv } from '../../helpers/marketplace-env';
import { useTestDatabase } from '../../helpers/test-db';
import type { RequestContext } from '../../../src/common/request-context';

/**
 * Structured projects through `Project.results` and `projectQualityAudit` on PostgreSQL: a
 * results row carries the same consensus answer the kind's export writes, and the audit's
 * agreement figures equal values computed by hand on a few answers.
 */
describe('Structured results and audit on PostgreSQL', () => {
  const db = useTestDatabase();
  let env: MarketplaceEnv;
  const ds = () => db.current.dataSource;

  beforeAll(async () => {
    env = await createMarketplaceEnv(db.current.dataSource);
  });

  function schemaOf(
    kind: 'RATING' | 'BOUNDING_BOXES',
    keys: string[],
    raw: Record<string, unknown>,
  ): LabelSchema {
    return {
      kind,
      labels: keys.map(key => ({ key, displayName: key })),
      settings: parseKindSettings(kind, keys, raw),
    } as LabelSchema;
  }

  /**
   * One counted answer per (worker index, task index, answer), submitted a minute apart in that
   * order; `excluded` ones carry an exclusion time (not counted by aggregation or the audit).
   */
  async function answer(
    project: Project,
    tasks: Task[],
    workers: string[],
    rows: Array<[worker: number, task: number, answer: Record<string, unknown>, excluded?: true]>,
  ) {
    const start = Date.parse('2026-03-01T10:00:00Z');
    const records = rows.map(([w, t, value, excluded], r) => {
      const submittedAt = new Date(start + r * 60_000);
      return {
        taskId: tasks[t].id,
        projectId: project.id,
        workerId: workers[w],
        status: AssignmentStatus.SUBMITTED,
        leasedAt: new Date(submittedAt.getTime() - 10_000),
        expiresAt: new Date(submittedAt.getTime() + 600_000),
        submittedAt,
        answer: value,
        schemaVersion: 1,
        serverDurationMs: 10_000,
        counted: true,
        isGold: false,
        rewardAmount: 5,
        currency: 'usd',
        excludedAt: excluded ? submittedAt : null,
      };
    });
    await ds()
      .getRepository(Assignment)
      .insert(records as QueryDeepPartialEntity<Assignment>[]);
    await ds().query(
      `UPDATE tasks t SET counted_answers = c.n, live_assignments = c.n
       FROM (SELECT task_id, count(*)::int AS n FROM assignments
             WHERE project_id = $1 AND excluded_at IS NULL GROUP BY task_id) c
       WHERE t.id = c.task_id`,
      [project.id],
    );
  }

  async function owner() {
    return env.user([Role.REQUESTER]);
  }

  /** The project audit's agreement: the two figures (to 12 places) and the other fields. */
  async function expectAgreement(
    ctx: RequestContext,
    projectId: string,
    expected: {
      observed: number;
      alpha: number;
      fields: Record<string, unknown>;
      ratedTasks: number;
      pairableTasks: number;
    },
  ) {
    const audit = await env.services.auditQueries.projectQualityAudit(ctx, projectId);
    const agreement = audit.agreement as Record<string, any>;
    expect(agreement.observedAgreement.value).toBeCloseTo(expected.observed, 12);
    expect(agreement.krippendorffAlpha.value).toBeCloseTo(expected.alpha, 12);
    expect(agreement).toMatchObject({
      ...expected.fields,
      alphaExpectedExact: true,
      ratedTasks: expected.ratedTasks,
      pairableTasks: expected.pairableTasks,
    });
  }

  describe('RATING (1–5, tolerance 0)', () => {
    /**
     * t0: 4, 4, 5; t1: 2, 2, 2; t2: 1, 3 (and an excluded 5); t3: a single 5.
     *
     * Observed agreement (exact grades): t0's answers agree 1/2, 1/2, 0 → P = 1/3; t1 → 1;
     * t2 → 0; t3 has no pair. P_a = (1/3 + 1 + 0) / 3 = 4/9.
     *
     * Interval α over the 8 pairable grades 4 4 5 2 2 2 1 3: D_o = (1/8)·(2·(0 + 1 + 1)/2 + 0 +
     * 2·4/1) = 10/8; Σ_{i≠j} (v_i − v_j)² = 2·8·79 − 2·23² = 206, D_e = 206/56.
     * α = 1 − (10/8)/(206/56) = 1 − 70/206 = 68/103.
     */
    async function seedRatings() {
      const requester = await owner();
      const project = await makeProject(ds(), requester.user.id, {
        labelSchema: schemaOf('RATING', [], { min: 1, max: 5 }),
      });
      const tasks = await makeTasks(ds(), project.id, 4);
      const workers = (await makeWorkers(ds(), 3)).map(w => w.id);
      await answer(project, tasks, workers, [
        [0, 0, { rating: 4 }],
        [1, 0, { rating: 4 }],
        [2, 0, { rating: 5 }],
        [0, 1, { rating: 2 }],
        [1, 1, { rating: 2 }],
        [2, 1, { rating: 2 }],
        [0, 2, { rating: 1 }],
        [1, 2, { rating: 3 }],
        [2, 2, { rating: 5 }, true],
        [0, 3, { rating: 5 }],
      ]);
      return { requester, project, tasks };
    }

    it('pages results carrying the consensus rating the export writes, and its confidence', async () => {
      const { requester, project, tasks } = await seedRatings();
      await env.services.aggregation.runAggregation(requester.ctx, project.id);
      // A reviewer decided t2 (answered 1 and 3) is a 3: both read the decision.
      await ds().query(
        `INSERT INTO review_decisions (task_id, project_id, labels, value, decided_by, decided_at)
         VALUES ($1, $2, '{}', $3, $4, now())`,
        [tasks[2].id, project.id, { rating: 3 }, requester.user.id],
      );

      const page = await env.services.aggregation.results(requester.ctx, project, { first: 10 });
      const exported = await env.services.aggregation.exportResults(
        requester.ctx,
        project.id,
        ResultsExportFormat.JSONL,
      );
      const lines = exported.content
        .trim()
        .split('\n')
        .map(
          line =>
            JSON.parse(line) as {
              task_id: string;
              rating: number;
              confidence: number;
              reviewed: boolean;
            },
        );

      // Tasks inserted together share a creation time: both list them in id order.
      expect(page.nodes.map(node => node.taskId)).toEqual(lines.map(line => line.task_id));
      expect(new Set(page.nodes.map(node => node.taskId))).toEqual(
        new Set(tasks.map(task => task.id)),
      );
      for (const [i, node] of page.nodes.entries()) {
        expect(node.answer).toEqual({ rating: lines[i].rating });
        expect(typeof lines[i].rating).toBe('number');
        expect(node.confidence).toBe(lines[i].confidence);
        expect(node.confidence).toBeGreaterThan(0);
        expect(node).toMatchObject({
          labels: null,
          label: null,
          abstained: false,
          reviewed: lines[i].reviewed,
        });
      }
      for (const line of lines) expect([1, 2, 3, 4, 5]).toContain(line.rating);
      const decided = page.nodes.find(node => node.taskId === tasks[2].id)!;
      expect(decided).toMatchObject({ answer: { rating: 3 }, reviewed: true });
      expect(page.nodes.filter(node => node.reviewed)).toHaveLength(1);

      // Abstention withholds the answer (not the confidence); the consensus filter reads the
      // structured column.
      const strict = await env.services.aggregation.results(requester.ctx, project, {
        first: 10,
        abstainBelow: 1,
      });
      // (A reviewer's decision is never withheld.)
      for (const node of strict.nodes) {
        expect(node.abstained).toBe(!node.reviewed);
        expect(node.answer === null).toBe(!node.reviewed);
      }
      expect(strict.nodes.map(node => node.confidence)).toEqual(
        page.nodes.map(node => node.confidence),
      );
      const withConsensus = await env.services.aggregation.results(requester.ctx, project, {
        first: 10,
        filter: { hasConsensus: true },
      });
      expect(withConsensus.nodes).toHaveLength(4);
    });

    it('audits with exact-grade agreement 4/9 and interval α 68/103', async () => {
      const { requester, project } = await seedRatings();

      await expectAgreement(requester.ctx, project.id, {
        observed: 4 / 9,
        alpha: 68 / 103,
        fields: { fleissKappa: null, gwetAC1: null, alphaDistance: 'INTERVAL' },
        ratedTasks: 4,
        pairableTasks: 3,
      });
    });
  });

  describe('BOUNDING_BOXES (one class, 100 × 100 images)', () => {
    const box = (x: number, y: number, w = 20, h = 20) => ({ x, y, w, h, label: 'car' });

    /**
     * t0: [A], [A shifted by 2 px] (IoU 360/440 ≥ 0.5: F1 1), [] (F1 0 with either);
     * t1: [], [] (F1 1); t2: [B, C], [B] (F1 2/3).
     *
     * Observed agreement: t0 answers 1/2, 1/2, 0 → 1/3; t1 → 1; t2 → 2/3. P_a = 2/3.
     *
     * α at δ = 1 − F1 over the 7 answers a b c | d e | f g: D_o = (1/7)·(2·(0 + 1 + 1)/2 + 0 +
     * 2·(1/3)/1) = (8/3)/7 = 8/21. D_e over the 21 pairs: a and b are 1 from c, d, e, f, g (10),
     * the empty answers 1 from f and g (6), f–g 1/3, the rest 0: (49/3)/21 = 7/9.
     * α = 1 − (8/21)/(7/9) = 25/49.
     */
    async function seedBoxes() {
      const requester = await owner();
      const project = await makeProject(ds(), requester.user.id, {
        labelSchema: schemaOf('BOUNDING_BOXES', ['car'], {}),
      });
      const tasks = await makeTasks(ds(), project.id, 3, {
        payload: n => ({ image: `img${n}.jpg`, width: 100, height: 100 }),
      });
      const workers = (await makeWorkers(ds(), 3)).map(w => w.id);
      await answer(project, tasks, workers, [
        [0, 0, { boxes: [box(10, 10)] }],
        [1, 0, { boxes: [box(12, 10)] }],
        [2, 0, { boxes: [] }],
        [0, 1, { boxes: [] }],
        [1, 1, { boxes: [] }],
        [0, 2, { boxes: [box(0, 0, 10, 10), box(50, 50, 10, 10)] }],
        [1, 2, { boxes: [box(0, 0, 10, 10)] }],
      ]);
      return { requester, project, tasks };
    }

    it('pages results carrying the fused boxes the COCO export writes', async () => {
      const { requester, project, tasks } = await seedBoxes();
      await env.services.aggregation.runAggregation(requester.ctx, project.id);

      const page = await env.services.aggregation.results(requester.ctx, project, { first: 10 });
      const coco = JSON.parse(
        (
          await env.services.aggregation.exportResults(
            requester.ctx,
            project.id,
            ResultsExportFormat.COCO,
          )
        ).content,
      ) as {
        images: Array<{ id: number; task_id: string }>;
        annotations: Array<{ image_id: number; bbox: number[]; score?: number }>;
      };

      expect(new Set(page.nodes.map(node => node.taskId))).toEqual(
        new Set(tasks.map(task => task.id)),
      );
      let boxes = 0;
      for (const node of page.nodes) {
        const image = coco.images.find(i => i.task_id === node.taskId)!;
        const exported = coco.annotations
          .filter(a => a.image_id === image.id)
          .map(a => ({ bbox: a.bbox, score: a.score }));
        const answer = node.answer as {
          boxes: Array<{ x: number; y: number; w: number; h: number; score?: number }>;
        };
        expect(answer.boxes.map(b => ({ bbox: [b.x, b.y, b.w, b.h], score: b.score }))).toEqual(
          exported,
        );
        expect(node.confidence).not.toBeNull();
        boxes += answer.boxes.length;
      }
      // t1's workers drew nothing; t0 and t2 have at least one agreed box each.
      const t1 = page.nodes.find(node => node.taskId === tasks[1].id)!;
      expect((t1.answer as { boxes: unknown[] }).boxes).toEqual([]);
      expect(boxes).toBeGreaterThanOrEqual(2);
    });

    it('audits a project without answers as having no agreement figures', async () => {
      const requester = await owner();
      const project = await makeProject(ds(), requester.user.id, {
        labelSchema: schemaOf('BOUNDING_BOXES', ['car'], {}),
      });
      await makeTasks(ds(), project.id, 2);

      const audit = await env.services.auditQueries.projectQualityAudit(requester.ctx, project.id);

      expect(audit.agreement).toBeNull();
    });

    it('audits with mean box F1 2/3 and α 25/49 at distance 1 − F1', async () => {
      const { requester, project } = await seedBoxes();

      await expectAgreement(requester.ctx, project.id, {
        observed: 2 / 3,
        alpha: 25 / 49,
        fields: { alphaDistance: 'AGREEMENT' },
        ratedTasks: 3,
        pairableTasks: 3,
      });
    });
  });
});
