import { importPayloads, launchKindProject } from '../helpers/kind-projects';
import { type GraphQLClient, useTestServer } from '../helpers/test-server';

/**
 * Quality rules, audits and the learned worker model on TEXT_SPANS and BOUNDING_BOXES projects
 * (docs/kinds.md, steps 4, 5 and 7): a worker's agreement is the mean pairwise span F1 (box F1
 * at IoU 0.5) of their answers with the other workers' answers to the same tasks, so a
 * CONSENSUS_AGREEMENT rule blocks the worker whose spans or boxes nobody else drew and the
 * owner's audit shows the graded figure; after a batch run, each answer moves the online
 * confidence by its worker's learned reliability.
 */

const NEXT = `mutation ($projectId: ID) { nextAssignment(projectId: $projectId) { id } }`;
const SUBMIT = `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { id } }`;
const AUDIT = `query ($p: ID!, $w: ID!) { workerQualityAudit(projectId: $p, workerId: $w) {
  answers consensusAgreement { successes count estimate lower upper } } }`;

describe('quality rules and audits on structured kinds (e2e)', () => {
  const server = useTestServer();

  /** Answers with `value` until no task is left or the worker is refused work; returns how many. */
  async function answerAll(client: GraphQLClient, projectId: string, value: unknown) {
    let answered = 0;
    for (;;) {
      const result = await client.query(NEXT, { projectId });
      const lease = result.data?.nextAssignment as { id: string } | null | undefined;
      if (!lease) return answered;
      await client.ok(SUBMIT, { input: { assignmentId: lease.id, answer: { value } } });
      answered++;
    }
  }

  /**
   * A launched project of `labelSchema` (three answers per task) with `payloads` imported, and an
   * agreement rule that blocks below 0.5 once `ruleMinCount` answers are in the window (none if
   * null).
   */
  function launched(
    labelSchema: unknown,
    payloads: Array<Record<string, unknown>>,
    ruleMinCount: number | null,
  ) {
    const rule = {
      name: 'agreement',
      collector: { kind: 'CONSENSUS_AGREEMENT', minCount: ruleMinCount },
      conditions: [{ metric: 'agreement', op: '<', value: 0.5 }],
      action: { kind: 'BLOCK', scope: 'PROJECT' },
    };
    return launchKindProject(server, {
      labelSchema,
      payloads,
      overlap: 3,
      rule: ruleMinCount === null ? undefined : rule,
    });
  }

  async function blockedWorkers(client: GraphQLClient, projectId: string) {
    const { workerBlocks } = await client.ok(
      `query ($projectId: ID) { workerBlocks(projectId: $projectId) { workerId reason } }`,
      { projectId },
    );
    return workerBlocks as Array<{ workerId: string; reason: string }>;
  }

  const SPANS = {
    kind: 'TEXT_SPANS',
    labels: ['PER', 'LOC'].map(key => ({ key, displayName: key })),
    settings: { tokenization: 'WHITESPACE' },
  };
  const sentences = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => ({ text: `Ann met Bob in Rome ${from + i}` }));

  const agreed = {
    spans: [
      { start: 0, end: 1, label: 'PER' },
      { start: 4, end: 5, label: 'LOC' },
    ],
  };
  const strayAnswer = { spans: [{ start: 2, end: 3, label: 'LOC' }] };

  it('blocks the worker of low pairwise span F1 and audits graded agreement', async () => {
    const { owner, projectId } = await launched(SPANS, sentences(0, 4), 3);

    const first = await server.signUp(['WORKER']);
    const second = await server.signUp(['WORKER']);
    const stray = await server.signUp(['WORKER']);
    expect(await answerAll(first.client, projectId, agreed)).toBe(4);
    expect(await answerAll(second.client, projectId, agreed)).toBe(4);
    // Span F1 0 with both others on every task: blocked once 3 answers are in the window.
    expect(await answerAll(stray.client, projectId, strayAnswer)).toBe(3);

    const blocks = await blockedWorkers(owner, projectId);
    expect(blocks.map(b => b.workerId)).toEqual([stray.userId]);
    expect(blocks[0].reason).toMatch(/agreement/);
    // A dry-run of the same rule over the history (today's answers) picks the same worker.
    const { dryRunQualityRule } = await owner.ok(
      `query ($p: ID!, $rule: JSONObject!) { dryRunQualityRule(projectId: $p, rule: $rule) {
         workers { workerId } } }`,
      {
        p: projectId,
        rule: {
          name: 'again',
          collector: { kind: 'CONSENSUS_AGREEMENT', minCount: 3 },
          conditions: [{ metric: 'agreement', op: '<', value: 0.5 }],
          action: { kind: 'FLAG', scope: 'PROJECT' },
        },
      },
    );
    expect(dryRunQualityRule.workers).toEqual([{ workerId: stray.userId }]);

    const audit = async (workerId: string) =>
      (await owner.ok(AUDIT, { p: projectId, w: workerId })).workerQualityAudit;
    const strayAudit = await audit(stray.userId);
    expect(strayAudit.answers).toBe(3);
    expect(strayAudit.consensusAgreement).toMatchObject({ successes: 0, count: 3, estimate: 0 });
    // Each of the second worker's answers: F1 1 with the first; 0 with the stray one on the
    // three tasks it answered, so 0.5 there and 1 on the fourth: (3 × 0.5 + 1) / 4.
    const secondAudit = await audit(second.userId);
    expect(secondAudit.answers).toBe(4);
    expect(secondAudit.consensusAgreement.count).toBe(4);
    expect(secondAudit.consensusAgreement.successes).toBeCloseTo(2.5, 12);
    expect(secondAudit.consensusAgreement.estimate).toBeCloseTo(0.625, 12);
    expect(secondAudit.consensusAgreement.lower).toBeLessThan(0.625);
    expect(secondAudit.consensusAgreement.upper).toBeGreaterThan(0.625);
  });

  it('weighs each answer in the online confidence by its worker’s learned reliability', async () => {
    const { owner, projectId } = await launched(SPANS, sentences(0, 4), null);
    const careful = await server.signUp(['WORKER']);
    const other = await server.signUp(['WORKER']);
    const stray = await server.signUp(['WORKER']);
    await answerAll(careful.client, projectId, agreed);
    await answerAll(other.client, projectId, agreed);
    await answerAll(stray.client, projectId, strayAnswer);
    await owner.ok(
      `mutation ($projectId: ID!) { runAggregation(projectId: $projectId) { status } }`,
      { projectId },
    );
    const skill = async (workerId: string) =>
      (
        await owner.ok(
          `query ($p: ID!, $w: ID!) { workerQuality(projectId: $p, workerId: $w) { skill agreement } }`,
          { p: projectId, w: workerId },
        )
      ).workerQuality as { skill: number; agreement: number };
    const carefulSkill = await skill(careful.userId);
    const straySkill = await skill(stray.userId);
    expect(carefulSkill.agreement).toBe(1);
    expect(straySkill.agreement).toBe(0);
    expect(carefulSkill.skill).toBeGreaterThan(straySkill.skill);

    const confidenceOf = async (externalId: string) => {
      const nodes = (
        await owner.ok(
          `query ($id: ID!) { project(id: $id) { tasks(first: 100) { nodes { externalId consensus { confidence } } } } }`,
          { id: projectId },
        )
      ).project.tasks.nodes as Array<{ externalId: string; consensus: { confidence: number } }>;
      return nodes.find(node => node.externalId === externalId)!.consensus.confidence;
    };
    // One new sentence each: a single answer is as sure as its worker is reliable.
    await importPayloads(owner, projectId, sentences(4, 1), 4);
    expect(await answerAll(careful.client, projectId, agreed)).toBe(1);
    const afterCareful = await confidenceOf('t4');
    expect(afterCareful).toBeCloseTo(carefulSkill.skill, 9);
    await importPayloads(owner, projectId, sentences(5, 1), 5);
    expect(await answerAll(stray.client, projectId, strayAnswer)).toBe(2);
    expect(await confidenceOf('t5')).toBeCloseTo(straySkill.skill, 9);
    // The stray worker's dissent on t4 lowers it, but the careful worker's answer still leads.
    const afterDissent = await confidenceOf('t4');
    expect(afterDissent).toBeLessThan(afterCareful);
    expect(afterDissent).toBeGreaterThan(0.5);
  });

  it('blocks the worker whose boxes match no one else’s at IoU 0.5', async () => {
    const boxes = {
      kind: 'BOUNDING_BOXES',
      labels: [{ key: 'car', displayName: 'Car' }],
      settings: { imageField: 'url' },
    };
    const images = [0, 1, 2].map(i => ({ url: `${i}.png`, width: 100, height: 50 }));
    const { owner, projectId } = await launched(boxes, images, 2);
    const car = (x: number) => ({ boxes: [{ x, y: 10, w: 20, h: 20, label: 'car' }] });
    const first = await server.signUp(['WORKER']);
    const second = await server.signUp(['WORKER']);
    const stray = await server.signUp(['WORKER']);
    // IoU of the two careful boxes: 18 × 20 / (2 · 400 − 360) = 0.82, a match; the stray box
    // overlaps neither.
    expect(await answerAll(first.client, projectId, car(10))).toBe(3);
    expect(await answerAll(second.client, projectId, car(12))).toBe(3);
    expect(await answerAll(stray.client, projectId, car(60))).toBe(2);
    const blocks = await blockedWorkers(owner, projectId);
    expect(blocks.map(b => b.workerId)).toEqual([stray.userId]);
    const audit = (await owner.ok(AUDIT, { p: projectId, w: second.userId })).workerQualityAudit
      .consensusAgreement;
    // 1 with the first worker; 0 with the stray one on two of the three images.
    expect(audit.count).toBe(3);
    expect(audit.successes).toBeCloseTo(2 * 0.5 + 1, 12);
  });
});
