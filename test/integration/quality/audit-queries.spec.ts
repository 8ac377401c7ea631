import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphQLError } from 'graphql';
import { main as reportMain } from '../../../src/cli/report';
import { Assignment } from '../../../src/modules/marketplace/assignment.entity';
import { AssignmentStatus } from '../../../src/modules/marketplace/assignment.types';
import { WorkerQuality } from '../../../src/modules/aggregation/worker-quality.entity';
import { Role } from '../../../src/modules/auth/role';
import { AuditAction } from '../../../src/modules/quality/audit-log.entity';
import { Task } from '../../../src/modules/marketplace/task.entity';
import { WorkerBlock } from '../../../src/modules/workers/worker-block.entity';
import { makeProject, makeTasks } from '../../helpers/factories';
import { createMarketplaceEnv, type MarketplaceEnv } from '../../helpers/marketplace-env';
import { useTestDatabase } from '../../helpers/test-db';

/** The 95% Wilson interval written out independently of the code under test (z = Φ⁻¹(0.975)). */
function wilson(x: number, n: number): { lower: number; upper: number } {
  const z = 1.959963984540054;
  const p = x / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { lower: centre - half, upper: centre + half };
}

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return (error as GraphQLError).extensions?.code;
  }
  throw new Error('expected the call to fail');
}

describe('Quality audit queries on PostgreSQL', () => {
  const db = useTestDatabase();
  let env: MarketplaceEnv;
  const ds = () => db.current.dataSource;

  beforeAll(async () => {
    env = await createMarketplaceEnv(db.current.dataSource);
  });

  /**
   * A project with 4 gold tasks (gold 'cat') and 6 others whose stored consensus is 'cat' at
   * 0.95 (t0–t4) or 'dog' at 0.65 (t5, below the 0.8 target). Alice answers the 4 gold tasks
   * (cat, cat, dog, cat: 3 of 4 right) and t0 cat, t1 dog, t2 cat, t5 dog (2 of 3 confident
   * ones agree), 10 s … 80 s each; her t2 answer is excluded. Bob answers everything 'cat'.
   */
  async function seed() {
    const requester = await env.user([Role.REQUESTER]);
    const alice = await env.user([Role.WORKER], 'Alice Audit');
    const bob = await env.user([Role.WORKER], 'Bob Baseline');
    const project = await makeProject(ds(), requester.user.id, {
      name: 'Audit <Cats> project',
      minOverlap: 2,
      maxOverlap: 3,
      confidenceTarget: 0.8,
    });
    const gold = await makeTasks(ds(), project.id, 4, { gold: true, goldLabels: ['cat'] });
    const plain = await makeTasks(ds(), project.id, 6);
    for (const [t, task] of plain.entries()) {
      const cat = t < 5;
      await ds()
        .getRepository(Task)
        .update(task.id, {
          consensusLabels: [cat ? 'cat' : 'dog'],
          consensusConfidence: cat ? 0.95 : 0.65,
          posterior: cat ? [0.95, 0.05] : [0.35, 0.65],
        });
    }
    const start = Date.parse('2026-03-01T10:00:00Z');
    let minute = 0;
    const answer = async (
      workerId: string,
      task: Task,
      label: string,
      seconds: number,
      excluded = false,
    ) => {
      const submittedAt = new Date(start + minute++ * 60_000);
      await ds()
        .getRepository(Assignment)
        .insert({
          taskId: task.id,
          projectId: project.id,
          workerId,
          status: AssignmentStatus.SUBMITTED,
          leasedAt: new Date(submittedAt.getTime() - seconds * 1000),
          expiresAt: new Date(submittedAt.getTime() + 600_000),
          submittedAt,
          answerLabels: [label],
          schemaVersion: 1,
          serverDurationMs: seconds * 1000,
          counted: true,
          isGold: task.isGold,
          goldCorrect: task.isGold ? label === 'cat' : null,
          rewardAmount: 5,
          currency: 'usd',
          excludedAt: excluded ? submittedAt : null,
        });
    };
    const aliceAnswers: [Task, string][] = [
      [gold[0], 'cat'],
      [gold[1], 'cat'],
      [gold[2], 'dog'],
      [gold[3], 'cat'],
      [plain[0], 'cat'],
      [plain[1], 'dog'],
      [plain[2], 'cat'],
      [plain[5], 'dog'],
    ];
    for (const [i, [task, label]] of aliceAnswers.entries()) {
      await answer(alice.user.id, task, label, 10 * (i + 1), task.id === plain[2].id);
    }
    for (const task of [...gold, ...plain]) await answer(bob.user.id, task, 'cat', 30);

    await ds().getRepository(WorkerBlock).insert({
      workerId: alice.user.id,
      projectId: project.id,
      reason: 'Gold accuracy 75% on 4 answers',
      startsAt: env.clock.now(),
      endsAt: null,
      liftedAt: null,
      createdBy: requester.user.id,
      ruleId: null,
    });
    await env.services.db.withTransaction(requester.ctx, tx =>
      env.services.audit.record(tx, {
        projectId: project.id,
        workerId: alice.user.id,
        action: AuditAction.BLOCK,
        reason: 'blocked by the owner after the gold check',
        actor: { userId: requester.user.id },
      }),
    );
    return { requester, alice, bob, project, gold, plain };
  }

  it('gives owners a worker’s figures counted by hand, and hides them from others', async () => {
    const { requester, alice, project } = await seed();
    const audit = await env.services.auditQueries.workerQualityAudit(
      requester.ctx,
      project.id,
      alice.user.id,
    );
    expect(audit.answers).toBe(8);
    expect(audit.excludedAnswers).toBe(1);
    const goldCi = wilson(3, 4);
    expect(audit.goldAccuracy).toMatchObject({ successes: 3, count: 4, estimate: 0.75 });
    expect(audit.goldAccuracy.lower).toBeCloseTo(goldCi.lower, 12);
    expect(audit.goldAccuracy.upper).toBeCloseTo(goldCi.upper, 12);
    // t0 cat ✓, t1 dog ✗, t2 cat ✓ (excluded, still hers); t5 is below the target.
    const agreeCi = wilson(2, 3);
    expect(audit.consensusAgreement).toMatchObject({ successes: 2, count: 3 });
    expect(audit.consensusAgreement.lower).toBeCloseTo(agreeCi.lower, 12);
    expect(audit.medianSeconds).toBe(45);
    expect(audit.labels).toEqual(['cat', 'dog']);
    expect(audit.confusion).toEqual([
      [2, 1],
      [0, 0],
    ]);
    expect(audit.modelConfusion).toBeNull();
    // Once an aggregation fit stored her confusion, the audit shows it row by row.
    await ds()
      .getRepository(WorkerQuality)
      .insert({
        projectId: project.id,
        workerId: alice.user.id,
        method: 'dawid-skene',
        schemaKind: 'SINGLE_CHOICE',
        labelKeys: ['cat', 'dog'],
        skill: null,
        confusion: [0.7, 0.3, 0.2, 0.8],
        answers: 7,
        goldAnswers: 4,
        goldCorrect: 3,
        goldAccuracy: 0.75,
        agreement: 0.5,
      });
    const fitted = await env.services.auditQueries.workerQualityAudit(
      requester.ctx,
      project.id,
      alice.user.id,
    );
    expect(fitted.modelConfusion).toEqual([
      [0.7, 0.3],
      [0.2, 0.8],
    ]);
    expect(fitted.modelMethod).toBe('dawid-skene');
    expect(audit.blocks.map(b => b.reason)).toEqual(['Gold accuracy 75% on 4 answers']);
    expect(audit.events.map(e => e.action)).toEqual([AuditAction.BLOCK]);

    const stranger = await env.user([Role.REQUESTER]);
    expect(
      await codeOf(
        env.services.auditQueries.workerQualityAudit(stranger.ctx, project.id, alice.user.id),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(env.services.auditQueries.projectQualityAudit(stranger.ctx, project.id)),
    ).toBe('NOT_FOUND');
    expect(await codeOf(env.services.auditReports.auditReportHtml(stranger.ctx, project.id))).toBe(
      'NOT_FOUND',
    );
  });

  it('shows a worker their own figures as published (reviewed answers, whole gold batches, final consensus), never gold answers', async () => {
    const { alice, bob, project, gold, plain } = await seed();
    const myQuality = (ctx: typeof alice.ctx, projectId: string | null) =>
      env.services.auditQueries.myQuality(ctx, projectId);
    env.clock.set(new Date('2026-03-01T18:00:00Z'));
    // Nothing reviewed yet: nothing published; the block is shown at once (the worker must know).
    const before = await myQuality(alice.ctx, project.id);
    expect(before).toMatchObject({
      answers: 0,
      goldAccuracy: { successes: 0, count: 0 },
      consensusAgreement: { successes: 0, count: 0 },
      medianSeconds: null,
      publishedAt: new Date('2026-03-01T00:00:00Z'),
      nextPublicationAt: new Date('2026-03-02T00:00:00Z'),
    });
    expect(before.blocks).toEqual([
      expect.objectContaining({
        projectId: project.id,
        reason: 'Gold accuracy 75% on 4 answers',
        byRule: false,
      }),
    ]);

    // Reviewed at 12:00 and t0, t1 completed then: still nothing until the next publication.
    const noon = new Date('2026-03-01T12:00:00Z');
    await ds().query(
      `UPDATE assignments SET status = 'APPROVED', reviewed_at = $2 WHERE project_id = $1`,
      [project.id, noon],
    );
    await ds().query(
      `UPDATE tasks SET status = 'COMPLETE', completed_at = $2 WHERE id = ANY($1::uuid[])`,
      [[plain[0].id, plain[1].id], noon],
    );
    expect(await myQuality(alice.ctx, project.id)).toEqual(before);

    env.clock.set(new Date('2026-03-02T00:00:00Z'));
    const mine = await myQuality(alice.ctx, project.id);
    expect(mine).toMatchObject({
      answers: 8,
      medianSeconds: 45,
      publishedAt: new Date('2026-03-02T00:00:00Z'),
    });
    // 4 gold answers are less than a whole batch: not published yet. Agreement counts only the
    // completed tasks (t0 agrees, t1 does not); t2's consensus is still open.
    expect(mine.goldAccuracy).toMatchObject({ successes: 0, count: 0 });
    expect(mine.consensusAgreement).toMatchObject({ successes: 1, count: 2 });
    const text = JSON.stringify(mine);
    for (const task of gold) expect(text).not.toContain(task.id);
    expect(text).not.toMatch(/gold_?labels|"cat"|isGold/i);

    // Everything of hers (one project here), and Bob's own, unblocked figures.
    const everywhere = await myQuality(alice.ctx, null);
    expect(everywhere.answers).toBe(8);
    const bobs = await myQuality(bob.ctx, project.id);
    expect(bobs).toMatchObject({ answers: 10, blocks: [] });
    expect(bobs.consensusAgreement).toMatchObject({ successes: 2, count: 2 });
    // A project she never answered: zeros, no error.
    const other = await makeProject(ds(), (await env.user([Role.REQUESTER])).user.id);
    expect((await myQuality(alice.ctx, other.id)).answers).toBe(0);
  });

  it('reports a project’s agreement with a seeded interval and its confidence histogram', async () => {
    const { requester, project } = await seed();
    const first = await env.services.auditQueries.projectQualityAudit(requester.ctx, project.id);
    expect(first.confidenceEdges).toHaveLength(11);
    expect(first.confidenceEdges[0]).toBe(0);
    expect(first.confidenceEdges[10]).toBe(1);
    // Five tasks at 0.95, one at 0.65; gold tasks are left out.
    expect(first.confidenceCounts).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 5]);
    const agreement = first.agreement as Record<string, Record<string, number> & number>;
    // Excluded answers are not read: t2 has Bob's answer only.
    expect(agreement.ratedTasks).toBe(10);
    expect(agreement.pairableTasks).toBe(7);
    // Pairs over the 7 pairable tasks: 3 gold cat/cat, gold dog/cat, t0 agree, t1 split, t5 split.
    expect(agreement.observedAgreement.value).toBeCloseTo(4 / 7, 12);
    const kappa = agreement.fleissKappa;
    expect(kappa.lower).toBeLessThanOrEqual(kappa.value);
    expect(kappa.upper).toBeGreaterThanOrEqual(kappa.value);
    const again = await env.services.auditQueries.projectQualityAudit(requester.ctx, project.id);
    expect(again.agreement).toEqual(first.agreement);
  });

  it('renders the report with the project and worker figures, from GraphQL’s service and the CLI', async () => {
    const { requester, project } = await seed();
    const html = await env.services.auditReports.auditReportHtml(requester.ctx, project.id);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('Audit &lt;Cats&gt; project');
    expect(html).not.toContain('Audit <Cats> project');
    expect(html).toContain('Alice Audit');
    expect(html).toContain('Bob Baseline');
    expect(html).toContain('3 of 4; 95% CI');
    expect(html).toContain('4 of 4; 95% CI');
    const data = await env.services.auditReports.auditReportData(requester.ctx, project.id);
    expect(data.summary).toMatchObject({ answers: 18, excludedAnswers: 1, goldTasks: 4 });
    const alice = data.workers.find(w => w.name === 'Alice Audit')!;
    expect(alice).toMatchObject({ answers: 8, gold: { correct: 3, total: 4 }, status: 'BLOCKED' });
    expect(alice.consensus).toEqual({ agreed: 2, total: 3 });
    expect(alice.medianSeconds).toBe(45);

    const dir = mkdtempSync(join(tmpdir(), 'quorum-audit-report-'));
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const out = join(dir, 'audit.html');
      const code = await reportMain(
        ['--project', project.id, '--out', out],
        () => Date.UTC(2026, 2, 16),
        { DATABASE_URL: db.current.url, NODE_ENV: 'test' },
      );
      expect(code).toBe(0);
      const written = readFileSync(out, 'utf8');
      expect(written).toContain('Audit &lt;Cats&gt; project');
      expect(written).toContain('Alice Audit');
      expect(written).toContain('generated 2026-03-16 00:00 UTC');
    } finally {
      write.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
