import { randomUUID } from 'node:crypto';
import { fundRequester } from '../helpers/money-fixtures';
import { errorCode, type GraphQLClient, useTestServer } from '../helpers/test-server';
import { sentimentProjectInput } from '../helpers/e2e-project-input';
import { singleChoice } from '../helpers/label-schemas';

const CREATE_PROJECT = /* GraphQL */ `
  mutation Create($input: CreateProjectInput!) {
    createProject(input: $input) {
      id
      name
      status
      currency
      rewardAmount
      schemaVersion
      overlap {
        minOverlap
        maxOverlap
        confidenceTarget
      }
      labelSchema {
        kind
        labels {
          key
          displayName
        }
      }
      owner {
        id
      }
    }
  }
`;
const IMPORT_TASKS = /* GraphQL */ `
  mutation Import($input: ImportTasksInput!) {
    importTasks(input: $input) {
      created
      skipped
      skippedExternalIds
    }
  }
`;
const PROJECT_TASKS = /* GraphQL */ `
  query Tasks($id: ID!, $first: Int!, $after: String, $filter: TaskFilter) {
    project(id: $id) {
      id
      tasks(first: $first, after: $after, filter: $filter) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          externalId
          payload
          status
          isGold
          goldLabels
          countedAnswers
          liveAssignments
          consensus {
            labels
          }
          assignments {
            id
          }
        }
      }
    }
  }
`;
const TRANSITION = (name: string) => /* GraphQL */ `
  mutation ($id: ID!) {
    ${name}(id: $id) {
      id
      status
      launchedAt
    }
  }
`;

function projectInput(overrides: Record<string, unknown> = {}) {
  return sentimentProjectInput({
    instructions: '# Read the review\nPick its sentiment.',
    currency: 'USD',
    overlap: { minOverlap: 3 },
    ...overrides,
  });
}

describe('projects and tasks (e2e)', () => {
  const server = useTestServer();
  let requester: GraphQLClient;
  let otherRequester: GraphQLClient;
  let worker: GraphQLClient;

  beforeAll(async () => {
    const owner = await server.signUp(['REQUESTER']);
    requester = owner.client;
    // Launching reserves escrow (docs/money.md): the owner needs funds.
    await fundRequester(server.app, owner.userId);
    otherRequester = (await server.signUp(['REQUESTER'])).client;
    worker = (await server.signUp(['WORKER'])).client;
  });

  async function createProject(overrides: Record<string, unknown> = {}): Promise<string> {
    const data = await requester.ok(CREATE_PROJECT, { input: projectInput(overrides) });
    return data.createProject.id;
  }

  it('creates a project, imports tasks with gold, and lists them with their private fields', async () => {
    const key = `create-${randomUUID()}`;
    const created = await requester.ok(CREATE_PROJECT, {
      input: projectInput({ idempotencyKey: key }),
    });
    expect(created.createProject).toMatchObject({
      name: 'Sentiment',
      status: 'DRAFT',
      currency: 'usd',
      rewardAmount: 12,
      schemaVersion: 1,
      overlap: { minOverlap: 3, maxOverlap: 3, confidenceTarget: null },
    });
    const again = await requester.ok(CREATE_PROJECT, {
      input: projectInput({ idempotencyKey: key }),
    });
    expect(again.createProject.id).toBe(created.createProject.id);
    const projectId = created.createProject.id;

    const tasks = [
      ...Array.from({ length: 25 }, (_, i) => ({
        externalId: `r-${i}`,
        payload: { text: `review ${i}`, stars: i % 5 },
      })),
      { externalId: 'gold-1', payload: { text: 'great' }, goldLabel: 'pos' },
    ];
    const imported = await requester.ok(IMPORT_TASKS, { input: { projectId, tasks } });
    expect(imported.importTasks).toEqual({ created: 26, skipped: 0, skippedExternalIds: [] });
    const repeated = await requester.ok(IMPORT_TASKS, { input: { projectId, tasks } });
    expect(repeated.importTasks.created).toBe(0);
    expect(repeated.importTasks.skipped).toBe(26);

    const seen: Array<Record<string, unknown>> = [];
    let after: string | null = null;
    for (;;) {
      const page: Record<string, any> = await requester.ok(PROJECT_TASKS, {
        id: projectId,
        first: 10,
        after,
      });
      expect(page.project.tasks.totalCount).toBe(26);
      seen.push(...page.project.tasks.nodes);
      if (!page.project.tasks.pageInfo.hasNextPage) break;
      after = page.project.tasks.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(26);
    expect(seen.find(task => task.externalId === 'gold-1')).toMatchObject({
      isGold: true,
      goldLabels: ['pos'],
      status: 'OPEN',
      countedAnswers: 0,
      liveAssignments: 0,
      consensus: null,
      assignments: [],
      payload: { text: 'great' },
    });

    const gold = await requester.ok(PROJECT_TASKS, {
      id: projectId,
      first: 100,
      filter: { isGold: true },
    });
    expect(gold.project.tasks.nodes.map((task: { externalId: string }) => task.externalId)).toEqual(
      ['gold-1'],
    );
  });

  it('answers bad project input with BAD_USER_INPUT naming the field, and creates nothing', async () => {
    const before = (await requester.ok(`query { projects(first: 1) { totalCount } }`)).projects
      .totalCount;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ rewardAmount: -5 }, 'rewardAmount'],
      [{ rewardAmount: 50_000_000 }, 'rewardAmount'],
      [{ currency: 'dollars' }, 'currency'],
      [{ overlap: { minOverlap: 0 } }, 'overlap.minOverlap'],
      [{ goldRate: 0.9 }, 'goldRate'],
      [{ labelSchema: singleChoice(['x', 'X'], ['x', 'Y']) }, 'labelSchema.labels[1].key'],
    ];
    for (const [override, field] of cases) {
      const result = await requester.query(CREATE_PROJECT, { input: projectInput(override) });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.extensions?.field).toBe(field);
      expect(result.data).toBeNull();
    }
    // A label kind outside the enum never reaches the service.
    const badKind = await requester.query(CREATE_PROJECT, {
      input: projectInput({ labelSchema: { kind: 'FREE_TEXT', labels: [] } }),
    });
    expect(errorCode(badKind)).toBe('BAD_USER_INPUT');
    const after = (await requester.ok(`query { projects(first: 1) { totalCount } }`)).projects
      .totalCount;
    expect(after).toBe(before);
  });

  it('answers bad imports with clear codes and imports nothing', async () => {
    const projectId = await createProject();
    const importing = (tasks: unknown[]) =>
      requester.query(IMPORT_TASKS, { input: { projectId, tasks } });

    const tooMany = await importing(Array.from({ length: 10_001 }, () => ({ payload: {} })));
    expect(errorCode(tooMany)).toBe('BATCH_TOO_LARGE');
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ limit: 10_000, size: 10_001 });

    const big = await importing([{ externalId: 'big', payload: { blob: 'x'.repeat(70_000) } }]);
    expect(errorCode(big)).toBe('PAYLOAD_TOO_LARGE');

    const notAnObject = await importing([{ externalId: 'arr', payload: [1, 2] }]);
    expect(errorCode(notAnObject)).toBe('BAD_USER_INPUT');

    const unknownLabel = await importing([{ externalId: 'g', payload: {}, goldLabel: 'meh' }]);
    expect(errorCode(unknownLabel)).toBe('BAD_USER_INPUT');
    expect(unknownLabel.errors?.[0]?.extensions?.field).toBe('tasks[0].goldLabel');

    const nul = await importing([{ externalId: 'n', payload: { t: 'a\u0000b' } }]);
    expect(errorCode(nul)).toBe('BAD_USER_INPUT');
    for (const result of [tooMany, big, notAnObject, unknownLabel, nul]) {
      // Coded refusals, not masked database errors (those would be INTERNAL_SERVER_ERROR).
      expect(result.errors?.[0]?.message).not.toMatch(/INSERT|SELECT|QueryFailed|violat|syntax/i);
    }

    const listed = await requester.ok(PROJECT_TASKS, { id: projectId, first: 1 });
    expect(listed.project.tasks.totalCount).toBe(0);
  });

  it("hides another requester's project as NOT_FOUND and refuses workers and anonymous callers", async () => {
    const projectId = await createProject();
    const unknownId = randomUUID();
    for (const [client, query, variables] of [
      [otherRequester, PROJECT_TASKS, { id: projectId, first: 5 }],
      [otherRequester, IMPORT_TASKS, { input: { projectId, tasks: [{ payload: {} }] } }],
      [otherRequester, TRANSITION('launchProject'), { id: projectId }],
      [
        otherRequester,
        `mutation ($id: ID!) { updateProject(id: $id, input: { name: "mine" }) { id } }`,
        { id: projectId },
      ],
      [requester, PROJECT_TASKS, { id: unknownId, first: 5 }],
      [requester, PROJECT_TASKS, { id: 'not-a-uuid', first: 5 }],
    ] as const) {
      const result = await client.query(query, variables);
      expect(errorCode(result)).toBe('NOT_FOUND');
      expect(JSON.stringify(result)).not.toContain('Sentiment');
    }
    const theirs = await otherRequester.ok(`query { projects(first: 100) { nodes { id } } }`);
    expect(theirs.projects.nodes.map((p: { id: string }) => p.id)).not.toContain(projectId);

    expect(errorCode(await worker.query(PROJECT_TASKS, { id: projectId, first: 5 }))).toBe(
      'UNAUTHORIZED',
    );
    expect(errorCode(await worker.query(CREATE_PROJECT, { input: projectInput() }))).toBe(
      'UNAUTHORIZED',
    );
    expect(
      errorCode(await server.anonymous().query(PROJECT_TASKS, { id: projectId, first: 5 })),
    ).toBe('UNAUTHENTICATED');
  });

  it('enforces the lifecycle with INVALID_STATE_TRANSITION carrying from and to', async () => {
    const projectId = await createProject();
    await requester.ok(IMPORT_TASKS, {
      input: { projectId, tasks: [{ externalId: 'a', payload: { text: 'ok' } }] },
    });
    const notReady = await requester.query(TRANSITION('launchProject'), {
      id: await createProject(),
    });
    expect(errorCode(notReady)).toBe('PROJECT_NOT_READY');

    const launched = await requester.ok(TRANSITION('launchProject'), { id: projectId });
    expect(launched.launchProject.status).toBe('ACTIVE');
    expect(new Date(launched.launchProject.launchedAt).getTime()).toBe(
      server.clock.now().getTime(),
    );
    await requester.ok(TRANSITION('pauseProject'), { id: projectId });

    const relaunch = await requester.query(TRANSITION('launchProject'), { id: projectId });
    expect(errorCode(relaunch)).toBe('INVALID_STATE_TRANSITION');
    expect(relaunch.errors?.[0]?.extensions).toMatchObject({ from: 'PAUSED', to: 'ACTIVE' });

    await requester.ok(TRANSITION('resumeProject'), { id: projectId });
    const archiveActive = await requester.query(TRANSITION('archiveProject'), { id: projectId });
    expect(archiveActive.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      from: 'ACTIVE',
      to: 'ARCHIVED',
    });

    const locked = await requester.query(
      `mutation ($id: ID!) { updateProject(id: $id, input: { rewardAmount: 99 }) { id } }`,
      { id: projectId },
    );
    expect(errorCode(locked)).toBe('PROJECT_NOT_EDITABLE');
    expect(locked.errors?.[0]?.extensions?.field).toBe('rewardAmount');

    const grown = await requester.ok(
      `mutation ($id: ID!, $input: UpdateProjectInput!) {
         updateProject(id: $id, input: $input) { schemaVersion labelSchema { labels { key } } }
       }`,
      {
        id: projectId,
        input: {
          labelSchema: singleChoice(['pos', 'Positive'], ['neg', 'Negative'], ['mixed', 'Mixed']),
        },
      },
    );
    expect(grown.updateProject.schemaVersion).toBe(2);

    await requester.ok(TRANSITION('completeProject'), { id: projectId });
    const lateImport = await requester.query(IMPORT_TASKS, {
      input: { projectId, tasks: [{ externalId: 'late', payload: {} }] },
    });
    expect(errorCode(lateImport)).toBe('PROJECT_NOT_EDITABLE');
  });
});
