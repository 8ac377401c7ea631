import { RequestContext } from '../../src/common/request-context';
import { errorCode, type GraphQLClient, useTestServer } from '../helpers/test-server';
import { signInNewAdmin } from '../helpers/admin-client';
import { projectInput } from '../helpers/project-fixtures';
import { fundRequester } from '../helpers/money-fixtures';
import { IMPORT_TASKS } from '../helpers/e2e-operations';

const CREATE_PROJECT = /* GraphQL */ `
  mutation ($input: CreateProjectInput!) {
    createProject(input: $input) {
      id
      aggregationMethod
    }
  }
`;
const NEXT = /* GraphQL */ `
  mutation ($projectId: ID) {
    nextAssignment(projectId: $projectId) {
      id
      task {
        payload
      }
    }
  }
`;
const SUBMIT = /* GraphQL */ `
  mutation ($input: SubmitAssignmentInput!) {
    submitAssignment(input: $input) {
      id
      status
    }
  }
`;
const RUN_FIELDS = `id status method background answersUsed ignoredAnswers taskCount workerCount
  goldTaskCount changedTasks iterations converged logLikelihood durationMs error`;
const RUN = /* GraphQL */ `
  mutation ($projectId: ID!, $method: String, $background: Boolean) {
    runAggregation(projectId: $projectId, method: $method, background: $background) {
      ${RUN_FIELDS}
    }
  }
`;
const RUN_BY_ID = /* GraphQL */ `
  query ($id: ID!) {
    aggregationRun(id: $id) {
      ${RUN_FIELDS}
    }
  }
`;
const RESULTS = /* GraphQL */ `
  query ($id: ID!, $first: Int!, $after: String, $abstainBelow: Float, $filter: ResultsFilter) {
    project(id: $id) {
      results(first: $first, after: $after, abstainBelow: $abstainBelow, filter: $filter) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          taskId
          externalId
          status
          labels
          label
          confidence
          abstained
          posterior {
            key
            probability
          }
          answerCount
          isGold
          goldLabels
        }
      }
      latestAggregationRun {
        id
      }
      aggregationRuns(first: 10) {
        totalCount
      }
      workerQualities(first: 10) {
        totalCount
        nodes {
          workerId
        }
      }
    }
  }
`;
const EXPORT = /* GraphQL */ `
  query ($projectId: ID!, $format: ResultsExportFormat!, $abstainBelow: Float) {
    exportResults(projectId: $projectId, format: $format, abstainBelow: $abstainBelow) {
      format
      contentType
      taskCount
      content
    }
  }
`;
const QUALITY = /* GraphQL */ `
  query ($projectId: ID!, $workerId: ID!) {
    workerQuality(projectId: $projectId, workerId: $workerId) {
      projectId
      workerId
      method
      skill
      answers
      goldAnswers
      goldCorrect
      goldAccuracy
      agreement
      confusion {
        trueLabel
        answered {
          key
          probability
        }
      }
      keyConfusions {
        key
      }
    }
  }
`;

interface Result {
  taskId: string;
  externalId: string | null;
  labels: string[] | null;
  label: string | null;
  confidence: number | null;
  abstained: boolean;
  posterior: Array<{ key: string; probability: number }> | null;
  answerCount: number;
  isGold: boolean;
  goldLabels: string[] | null;
}

// Each flow makes dozens of HTTP calls (slower on the embedded database): the limit only catches
// hangs.
jest.setTimeout(60_000);

/** Tasks of the flow: item-i is a dog when i is even; two gold tasks are never served (rate 0). */
const ITEMS = Array.from({ length: 6 }, (_, i) => ({
  externalId: `item-${i}`,
  payload: { truth: i % 2 === 0 ? 'dog' : 'cat' },
}));
const GOLD = [
  { externalId: 'gold-0', payload: { truth: 'cat' }, goldLabel: 'cat' },
  { externalId: 'gold-1', payload: { truth: 'dog' }, goldLabel: 'dog' },
];

// The whole flow over HTTP, on PostgreSQL and on the embedded default database.
describe.each([
  ['PostgreSQL', false],
  ['embedded PGlite', true],
])('aggregation (e2e) on %s', (_engine, embedded) => {
  const server = useTestServer({ embedded });
  let admin: GraphQLClient;

  beforeAll(async () => {
    admin = await signInNewAdmin(server);
  }, 60_000);

  /** A launched, funded cat/dog project with ITEMS and GOLD imported; returns its id. */
  async function launchedProject(requester: { client: GraphQLClient; userId: string }) {
    await fundRequester(server.app, requester.userId, 100_000);
    const created = await requester.client.ok(CREATE_PROJECT, {
      input: projectInput({ goldRate: 0 }),
    });
    const projectId: string = created.createProject.id;
    expect(created.createProject.aggregationMethod).toBe('pooled-dawid-skene');
    await requester.client.ok(IMPORT_TASKS, { input: { projectId, tasks: [...ITEMS, ...GOLD] } });
    await requester.client.ok(`mutation ($id: ID!) { launchProject(id: $id) { status } }`, {
      id: projectId,
    });
    return projectId;
  }

  /** The worker takes tasks until none is left, answering `answer(truth)`. Returns how many. */
  async function work(worker: GraphQLClient, projectId: string, answer: (truth: string) => string) {
    let answered = 0;
    for (;;) {
      const next = await worker.ok(NEXT, { projectId });
      if (!next.nextAssignment) return answered;
      const truth = next.nextAssignment.task.payload.truth as string;
      const submitted = await worker.ok(SUBMIT, {
        input: { assignmentId: next.nextAssignment.id, answer: { labels: [answer(truth)] } },
      });
      expect(submitted.submitAssignment.status).toBe('SUBMITTED');
      answered++;
    }
  }

  /** A new requester's launched project (launchedProject) and three workers, signed up in turn. */
  async function launchedWithThreeWorkers() {
    const requester = await server.signUp(['REQUESTER']);
    const projectId = await launchedProject(requester);
    const workers = [];
    for (let i = 0; i < 3; i++) workers.push(await server.signUp(['WORKER']));
    return { requester, projectId, workers };
  }

  it('aggregates answers given through the API, then serves results, exports and worker quality', async () => {
    const { requester, projectId, workers } = await launchedWithThreeWorkers();
    const [good, alsoGood, alwaysDog] = workers;
    expect(await work(good.client, projectId, truth => truth)).toBe(6);
    expect(await work(alsoGood.client, projectId, truth => truth)).toBe(6);
    expect(await work(alwaysDog.client, projectId, () => 'dog')).toBe(6);

    const { runAggregation: run } = await requester.client.ok(RUN, {
      projectId,
      // Plain Dawid–Skene: with 6 answers per worker the default's pooled prior (12
      // pseudo-answers) would rightly keep the confusion matrices near the crowd's.
      method: 'dawid-skene',
    });

    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      method: 'dawid-skene',
      background: false,
      answersUsed: 18,
      ignoredAnswers: 0,
      taskCount: 6,
      workerCount: 3,
      goldTaskCount: 0,
      changedTasks: 6,
      error: null,
    });
    expect(run.iterations).toBeGreaterThan(0);
    expect(run.logLikelihood).toHaveLength(run.iterations);

    const data = await requester.client.ok(RESULTS, { id: projectId, first: 20 });
    const results: Result[] = data.project.results.nodes;
    expect(data.project.results.totalCount).toBe(8);
    const byExternal = new Map(results.map(result => [result.externalId, result]));
    for (const item of ITEMS) {
      const result = byExternal.get(item.externalId)!;
      expect(result).toMatchObject({
        labels: [item.payload.truth],
        label: item.payload.truth,
        abstained: false,
        answerCount: 3,
        isGold: false,
        goldLabels: null,
      });
      expect(result.posterior!.map(cell => cell.key)).toEqual(['cat', 'dog']);
      const top = result.posterior!.find(cell => cell.key === item.payload.truth)!;
      expect(result.confidence).toBe(top.probability);
      expect(result.confidence).toBeGreaterThan(0.5);
    }
    for (const gold of GOLD) {
      expect(byExternal.get(gold.externalId)).toMatchObject({
        labels: null,
        confidence: null,
        posterior: null,
        answerCount: 0,
        isGold: true,
        goldLabels: [gold.goldLabel],
      });
    }
    expect(data.project.latestAggregationRun.id).toBe(run.id);
    expect(data.project.aggregationRuns.totalCount).toBe(1);
    expect(
      data.project.workerQualities.nodes.map((node: { workerId: string }) => node.workerId).sort(),
    ).toEqual([good.userId, alsoGood.userId, alwaysDog.userId].sort());

    const csv = (await requester.client.ok(EXPORT, { projectId, format: 'CSV' })).exportResults;
    expect(csv).toMatchObject({ format: 'CSV', contentType: 'text/csv', taskCount: 8 });
    const [header, ...lines] = csv.content.trimEnd().split('\n');
    expect(header).toBe('task_id,external_id,label,confidence,answers,reviewed');
    expect(lines.map((line: string) => line.split(','))).toEqual(
      results.map(result => [
        result.taskId,
        result.externalId,
        result.label ?? '',
        result.confidence === null ? '' : String(result.confidence),
        String(result.answerCount),
        'false',
      ]),
    );

    const jsonl = (await requester.client.ok(EXPORT, { projectId, format: 'JSONL' })).exportResults;
    const objects = jsonl.content
      .trimEnd()
      .split('\n')
      .map((line: string) => JSON.parse(line));
    expect(jsonl.contentType).toBe('application/x-ndjson');
    expect(
      objects.map((object: { task_id: string; labels: unknown }) => [
        object.task_id,
        object.labels,
      ]),
    ).toEqual(results.map(result => [result.taskId, result.labels]));

    const quality = await requester.client.ok(QUALITY, { projectId, workerId: alwaysDog.userId });
    expect(quality.workerQuality).toMatchObject({
      projectId,
      workerId: alwaysDog.userId,
      method: 'dawid-skene',
      answers: 6,
      goldAnswers: 0,
      goldCorrect: 0,
      goldAccuracy: null,
      agreement: 0.5,
      keyConfusions: null,
    });
    expect(
      quality.workerQuality.confusion.map((row: { trueLabel: string }) => row.trueLabel),
    ).toEqual(['cat', 'dog']);
    const catRow = quality.workerQuality.confusion[0].answered;
    // Always answering dog: given a cat, this worker says dog far more often than cat.
    expect(catRow[1].probability).toBeGreaterThan(catRow[0].probability);
    const goodQuality = await requester.client.ok(QUALITY, { projectId, workerId: good.userId });
    expect(goodQuality.workerQuality.skill).toBeGreaterThan(quality.workerQuality.skill);

    // The same answers again: nothing changes.
    const again = (await requester.client.ok(RUN, { projectId, method: 'dawid-skene' }))
      .runAggregation;
    expect(again).toMatchObject({ status: 'SUCCEEDED', changedTasks: 0 });
    const reread = await requester.client.ok(RESULTS, { id: projectId, first: 20 });
    expect(reread.project.results.nodes).toEqual(results);
  });

  it('abstains below a threshold in results and exports, and pages through results', async () => {
    // Two workers who disagree on every dog: dog tasks end up at 50/50 under majority vote.
    const { requester, projectId, workers } = await launchedWithThreeWorkers();
    const [left, right, third] = workers;
    await work(left.client, projectId, truth => truth);
    await work(right.client, projectId, () => 'cat');
    await work(third.client, projectId, truth => truth);
    const { runAggregation: run } = await requester.client.ok(RUN, {
      projectId,
      method: 'majority-vote',
    });
    expect(run).toMatchObject({ status: 'SUCCEEDED', method: 'majority-vote', iterations: null });

    const page = await requester.client.ok(RESULTS, {
      id: projectId,
      first: 5,
      abstainBelow: 0.9,
      filter: { isGold: false },
    });
    const nodes: Result[] = page.project.results.nodes;
    expect(page.project.results.totalCount).toBe(6);
    expect(nodes).toHaveLength(5);
    expect(page.project.results.pageInfo.hasNextPage).toBe(true);
    for (const node of nodes) {
      const truth = ITEMS.find(item => item.externalId === node.externalId)!.payload.truth;
      // cat tasks: 3 of 3 say cat (confidence 1); dog tasks: 2 of 3 say dog (2/3 < 0.9).
      expect(node).toMatchObject(
        truth === 'cat'
          ? { labels: ['cat'], confidence: 1, abstained: false }
          : { labels: null, label: null, confidence: 2 / 3, abstained: true },
      );
    }
    const rest = await requester.client.ok(RESULTS, {
      id: projectId,
      first: 5,
      after: page.project.results.pageInfo.endCursor,
      filter: { isGold: false },
    });
    expect(rest.project.results.nodes).toHaveLength(1);

    const csv = (await requester.client.ok(EXPORT, { projectId, format: 'CSV', abstainBelow: 0.9 }))
      .exportResults.content as string;
    const rows = csv
      .trimEnd()
      .split('\n')
      .slice(1)
      .map(line => line.split(','));
    const dogRows = rows.filter(row =>
      ITEMS.some(i => i.externalId === row[1] && i.payload.truth === 'dog'),
    );
    expect(dogRows.map(row => [row[2], Number(row[3])])).toEqual(dogRows.map(() => ['', 2 / 3]));
  });

  it('runs in the background when asked, and the run can be polled', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const projectId = await launchedProject(requester);
    const worker = await server.signUp(['WORKER']);
    await work(worker.client, projectId, truth => truth);

    const queued = (await requester.client.ok(RUN, { projectId, background: true })).runAggregation;
    expect(queued).toMatchObject({ status: 'QUEUED', background: true, answersUsed: null });

    await server.app.services.jobs.drain(RequestContext.create({ clock: server.clock }));

    const polled = (await requester.client.ok(RUN_BY_ID, { id: queued.id })).aggregationRun;
    expect(polled).toMatchObject({ status: 'SUCCEEDED', answersUsed: 6, taskCount: 6 });
    const results = await requester.client.ok(RESULTS, {
      id: projectId,
      first: 20,
      filter: { hasConsensus: true },
    });
    expect(results.project.results.totalCount).toBe(6);
  });

  it('answers with stable codes: unknown method, bad threshold, other people’s projects, roles', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const projectId = await launchedProject(requester);
    const stranger = await server.signUp(['REQUESTER']);
    const worker = await server.signUp(['WORKER']);
    await work(worker.client, projectId, truth => truth);

    const unknown = await requester.client.query(RUN, { projectId, method: 'coin-flip' });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'method',
      method: 'coin-flip',
    });
    expect(unknown.errors![0].extensions!.allowed).toContain('dawid-skene');
    const threshold = await requester.client.query(EXPORT, {
      projectId,
      format: 'CSV',
      abstainBelow: 1.5,
    });
    expect(errorCode(threshold)).toBe('BAD_USER_INPUT');

    const { runAggregation: run } = await requester.client.ok(RUN, { projectId });
    for (const [query, variables] of [
      [RUN, { projectId }],
      [RUN, { projectId: 'not-a-uuid' }],
      [EXPORT, { projectId, format: 'JSONL' }],
      [QUALITY, { projectId, workerId: worker.userId }],
      [RUN_BY_ID, { id: run.id }],
      [RESULTS, { id: projectId, first: 5 }],
    ] as const) {
      expect(errorCode(await stranger.client.query(query, variables))).toBe('NOT_FOUND');
    }
    expect(errorCode(await worker.client.query(RUN, { projectId }))).toBe('UNAUTHORIZED');
    expect(
      errorCode(await worker.client.query(QUALITY, { projectId, workerId: worker.userId })),
    ).toBe('UNAUTHORIZED');
    expect(errorCode(await server.anonymous().query(RUN, { projectId }))).toBe('UNAUTHENTICATED');

    // Admins may run and read any project.
    const byAdmin = (await admin.ok(RUN, { projectId, method: 'wawa' })).runAggregation;
    expect(byAdmin).toMatchObject({ status: 'SUCCEEDED', method: 'wawa' });
    const quality = await admin.ok(QUALITY, { projectId, workerId: worker.userId });
    expect(quality.workerQuality).toMatchObject({ method: 'wawa', answers: 6 });
    const methods = await requester.client.ok(`{ aggregationMethods { name isDefault } }`);
    expect(methods.aggregationMethods).toContainEqual({
      name: 'pooled-dawid-skene',
      isDefault: true,
    });
  });
});
