import { fundRequester } from '../helpers/money-fixtures';
import { type GraphQLClient, useTestServer } from '../helpers/test-server';

/**
 * Quality rules and audits on a TEXT_SPANS project (docs/kinds.md): a worker's agreement is the
 * mean pairwise span F1 of their answers with the other workers' answers to the same tasks, so
 * a CONSENSUS_AGREEMENT rule blocks the worker whose spans nobody else drew, and the owner's
 * audit shows the graded figure.
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

  it('blocks the worker of low pairwise span F1 and audits graded agreement', async () => {
    const owner = await server.signUp(['REQUESTER']);
    await fundRequester(server.app, owner.userId);
    const { createProject } = await owner.client.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      {
        input: {
          name: 'Span quality',
          labelSchema: {
            kind: 'TEXT_SPANS',
            labels: ['PER', 'LOC'].map(key => ({ key, displayName: key })),
            settings: { tokenization: 'WHITESPACE' },
          },
          rewardAmount: 5,
          currency: 'usd',
          overlap: { minOverlap: 3, maxOverlap: 3 },
        },
      },
    );
    const projectId = createProject.id as string;
    await owner.client.ok(
      `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`,
      {
        input: {
          projectId,
          tasks: Array.from({ length: 4 }, (_, i) => ({
            payload: { text: `Ann met Bob in Rome ${i}` },
          })),
        },
      },
    );
    await owner.client.ok(
      `mutation ($projectId: ID!, $rule: JSONObject!) { createQualityRule(projectId: $projectId, rule: $rule) { id } }`,
      {
        projectId,
        rule: {
          name: 'span agreement',
          collector: { kind: 'CONSENSUS_AGREEMENT', minCount: 3 },
          conditions: [{ metric: 'agreement', op: '<', value: 0.5 }],
          action: { kind: 'BLOCK', scope: 'PROJECT' },
        },
      },
    );
    await owner.client.ok(`mutation ($id: ID!) { launchProject(id: $id) { status } }`, {
      id: projectId,
    });

    const agreed = {
      spans: [
        { start: 0, end: 1, label: 'PER' },
        { start: 4, end: 5, label: 'LOC' },
      ],
    };
    const first = await server.signUp(['WORKER']);
    const second = await server.signUp(['WORKER']);
    const stray = await server.signUp(['WORKER']);
    expect(await answerAll(first.client, projectId, agreed)).toBe(4);
    expect(await answerAll(second.client, projectId, agreed)).toBe(4);
    // Span F1 0 with both others on every task: blocked once 3 answers are in the window.
    expect(
      await answerAll(stray.client, projectId, { spans: [{ start: 2, end: 3, label: 'LOC' }] }),
    ).toBe(3);

    const blocks = (
      await owner.client.ok(
        `query ($projectId: ID) { workerBlocks(projectId: $projectId) { workerId reason } }`,
        { projectId },
      )
    ).workerBlocks;
    expect(blocks.map((b: { workerId: string }) => b.workerId)).toEqual([stray.userId]);
    expect(blocks[0].reason).toMatch(/agreement/);

    const audit = async (workerId: string) =>
      (await owner.client.ok(AUDIT, { p: projectId, w: workerId })).workerQualityAudit;
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
});
