import { randomBytes } from 'node:crypto';
import { RequestContext } from '../../src/common/request-context';
import { exportLogisticRegressionToOnnx } from '../../src/modules/prelabel/onnx-export';
import { errorCode, type GraphQLClient, useTestServer } from '../helpers/test-server';
import { fundRequester } from '../helpers/money-fixtures';
import { sentimentProjectInput } from '../helpers/e2e-project-input';

/**
 * Model pre-labels over HTTP (issue 7): a requester registers an ONNX model built by the test,
 * runs the pre-labeling job, and workers see the model's label only when the project says so.
 */

const CREATE_PROJECT = /* GraphQL */ `
  mutation ($input: CreateProjectInput!) {
    createProject(input: $input) {
      id
      showPrelabelsToWorkers
    }
  }
`;
const REGISTER = /* GraphQL */ `
  mutation ($input: RegisterModelInput!) {
    registerModel(input: $input) {
      id
      version
      labelKeys
    }
  }
`;
const START = /* GraphQL */ `
  mutation ($input: StartPrelabelingInput!) {
    startPrelabeling(input: $input) {
      id
      status
    }
  }
`;
const NEXT = /* GraphQL */ `
  mutation ($projectId: ID) {
    nextAssignment(projectId: $projectId) {
      id
      task {
        id
        payload
        prelabel {
          labelKey
          confidence
        }
      }
    }
  }
`;

// Each flow makes a few dozen HTTP calls: the limit only catches hangs.
jest.setTimeout(60_000);

/** x = [1, 0] is "pos", x = [0, 1] is "neg"; one gold task is imported too (served at rate 0.5). */
const ITEMS = [
  { externalId: 'a', payload: { x: [1, 0] } },
  { externalId: 'b', payload: { x: [0, 1] } },
  { externalId: 'c', payload: { x: [1, 0] } },
];
const GOLD = [{ externalId: 'gold-0', payload: { x: [0, 1] }, goldLabel: 'neg' }];
const FEATURIZER = { kind: 'numeric-vector' as const, field: 'x', dimension: 2 };
/** softmax([4, 0])[0]: the model's confidence on every task (weights 4·identity, no bias). */
const CONFIDENCE = 1 / (1 + Math.exp(-4));

/** A 2-feature, 2-class softmax regression; the identity weights read the same either layout. */
function modelInput(projectId: string, labelKeys = ['pos', 'neg']) {
  const bytes = exportLogisticRegressionToOnnx(
    {
      nFeatures: 2,
      nClasses: 2,
      weights: Float32Array.from([4, 0, 0, 4]),
      bias: new Float32Array(2),
    },
    { featurizer: FEATURIZER, labelKeys, version: 'e2e' },
  );
  return {
    projectId,
    version: `v-${randomBytes(4).toString('hex')}`,
    modelBase64: Buffer.from(bytes).toString('base64'),
    featurizer: FEATURIZER,
    labelKeys,
  };
}

describe('pre-labels (e2e) on PostgreSQL', () => {
  // Every gold-or-ordinary draw picks gold first (gold falls back to ordinary work once it runs
  // out), so the worker below is served the gold task whatever the secure generator would say.
  const server = useTestServer({ embedded: false, overrides: { rng: () => 0 } });
  /** A funded pos/neg project with ITEMS and GOLD imported (still DRAFT); returns its id. */
  async function projectWithTasks(
    requester: { client: GraphQLClient; userId: string },
    showPrelabelsToWorkers?: boolean,
  ): Promise<string> {
    await fundRequester(server.app, requester.userId, 100_000);
    const created = await requester.client.ok(CREATE_PROJECT, {
      input: sentimentProjectInput({
        name: 'Pre-labels',
        rewardAmount: 5,
        goldRate: 0.5,
        ...(showPrelabelsToWorkers === undefined ? {} : { showPrelabelsToWorkers }),
      }),
    });
    expect(created.createProject.showPrelabelsToWorkers).toBe(showPrelabelsToWorkers ?? false);
    const projectId: string = created.createProject.id;
    await requester.client.ok(
      `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`,
      { input: { projectId, tasks: [...ITEMS, ...GOLD] } },
    );
    return projectId;
  }

  /** Registers the model, pre-labels every task, checks the run, and launches the project. */
  async function prelabelAndLaunch(requester: GraphQLClient, projectId: string): Promise<void> {
    const model = (await requester.ok(REGISTER, { input: modelInput(projectId) })).registerModel;
    expect(model.labelKeys).toEqual(['pos', 'neg']);
    const versions = (
      await requester.ok(`query ($p: ID!) { modelVersions(projectId: $p) { id version } }`, {
        p: projectId,
      })
    ).modelVersions;
    expect(versions).toEqual([{ id: model.id, version: model.version }]);

    const run = (await requester.ok(START, { input: { projectId, modelVersionId: model.id } }))
      .startPrelabeling;
    await server.app.services.jobs.drain(RequestContext.create({ clock: server.clock }));
    const done = (
      await requester.ok(
        `query ($id: ID!) { prelabelRun(id: $id) { status total processed predicted } }`,
        { id: run.id },
      )
    ).prelabelRun;
    expect(done).toEqual({ status: 'DONE', total: 4, processed: 4, predicted: 4 });

    await requester.ok(`mutation ($id: ID!) { launchProject(id: $id) { status } }`, {
      id: projectId,
    });
  }

  /** Every lease the worker gets until none is left, gold ones included. */
  async function leaseAll(worker: GraphQLClient, projectId: string) {
    const tasks: Array<{
      id: string;
      payload: { x: number[] };
      prelabel: { labelKey: string; confidence: number } | null;
    }> = [];
    for (;;) {
      const lease = (await worker.ok(NEXT, { projectId })).nextAssignment;
      if (!lease) return tasks;
      tasks.push(lease.task);
    }
  }

  it('shows workers the latest model’s pre-label, gold tasks alike, when the project says so', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const projectId = await projectWithTasks(requester, true);
    await prelabelAndLaunch(requester.client, projectId);

    const worker = await server.signUp(['WORKER']);
    const tasks = await leaseAll(worker.client, projectId);
    const goldIds = new Set(
      (
        await requester.client.ok(
          `query ($id: ID!) { project(id: $id) { tasks(first: 10) { nodes { id isGold } } } }`,
          { id: projectId },
        )
      ).project.tasks.nodes
        .filter((task: { isGold: boolean }) => task.isGold)
        .map((task: { id: string }) => task.id),
    );
    expect(tasks.some(task => goldIds.has(task.id))).toBe(true);
    expect(tasks.length).toBeGreaterThan(1);
    for (const task of tasks) {
      expect(task.prelabel?.labelKey).toBe(task.payload.x[0] === 1 ? 'pos' : 'neg');
      expect(task.prelabel?.confidence).toBeCloseTo(CONFIDENCE, 5);
    }
  });

  it('shows no pre-label when the setting is off (the default), and it can be turned on', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const projectId = await projectWithTasks(requester);
    await prelabelAndLaunch(requester.client, projectId);

    const worker = await server.signUp(['WORKER']);
    const first = (await worker.client.ok(NEXT, { projectId })).nextAssignment;
    expect(first.task.prelabel).toBeNull();

    const updated = await requester.client.ok(
      `mutation ($id: ID!, $input: UpdateProjectInput!) {
        updateProject(id: $id, input: $input) { showPrelabelsToWorkers }
      }`,
      { id: projectId, input: { showPrelabelsToWorkers: true } },
    );
    expect(updated.updateProject.showPrelabelsToWorkers).toBe(true);
    const again = await worker.client.ok(
      `query ($id: ID!) { myAssignment(id: $id) { task { prelabel { labelKey } } } }`,
      { id: first.id },
    );
    expect(again.myAssignment.task.prelabel).not.toBeNull();
  });

  it('refuses bad models with clear codes, and hides other requesters’ projects', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const projectId = await projectWithTasks(requester, true);

    const corrupt = await requester.client.query(REGISTER, {
      input: { ...modelInput(projectId), modelBase64: Buffer.from('not onnx').toString('base64') },
    });
    expect(errorCode(corrupt)).toBe('MODEL_CORRUPT');

    const wrongKeys = await requester.client.query(REGISTER, {
      input: modelInput(projectId, ['pos', 'maybe']),
    });
    expect(errorCode(wrongKeys)).toBe('BAD_USER_INPUT');

    const other = await server.signUp(['REQUESTER']);
    expect(errorCode(await other.client.query(REGISTER, { input: modelInput(projectId) }))).toBe(
      'NOT_FOUND',
    );

    const versions = await requester.client.ok(
      `query ($p: ID!) { modelVersions(projectId: $p) { id } }`,
      {
        p: projectId,
      },
    );
    expect(versions.modelVersions).toEqual([]);
  });
});
