import { makeProject, makeTasks, systemContext } from '../helpers/factories';
import { errorCode, type GraphQLClient, useTestServer } from '../helpers/test-server';

const TASK_FIELDS = /* GraphQL */ `
  task {
    id
    projectId
    projectName
    requesterDisplayName
    instructions
    labelSchema {
      kind
      labels {
        key
        displayName
      }
    }
    schemaVersion
    payload
  }
`;
const NEXT = /* GraphQL */ `
  mutation Next($projectId: ID) {
    nextAssignment(projectId: $projectId) {
      id
      status
      expiresAt
      rewardAmount
      currency
      ${TASK_FIELDS}
    }
  }
`;
const SUBMIT = /* GraphQL */ `
  mutation Submit($input: SubmitAssignmentInput!) {
    submitAssignment(input: $input) {
      id
      status
      answerLabels
      serverDurationMs
      clientDurationMs
      ${TASK_FIELDS}
    }
  }
`;
const APPROVE = /* GraphQL */ `
  mutation Approve($id: ID!) {
    approveAssignment(id: $id) {
      id
      status
      workerId
      answerLabels
      reviewedBy
    }
  }
`;
const MY_ASSIGNMENTS = /* GraphQL */ `
  query Mine($status: AssignmentStatus) {
    myAssignments(first: 10, status: $status) {
      totalCount
      nodes {
        id
        status
        answerLabels
        task {
          id
          payload
        }
      }
    }
  }
`;

/**
 * A selection of every field of `typeName`, nested, built from the running server's schema by
 * introspection: a field added to a worker-facing type later is covered without editing this test.
 */
async function everyField(client: GraphQLClient, typeName: string): Promise<string> {
  const data = await client.ok<{
    __schema: {
      types: Array<{
        name: string;
        fields: Array<{ name: string; args: unknown[]; type: TypeRef }> | null;
      }>;
    };
  }>(`query {
    __schema { types { name fields { name args { name } type { ...Ref } } } }
  }
  fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`);
  const types = new Map(data.__schema.types.map(type => [type.name, type]));
  const select = (name: string): string => {
    const fields = types.get(name)?.fields ?? [];
    return fields
      .filter(field => field.args.length === 0)
      .map(field => {
        const leaf = namedType(field.type);
        const nested = types.get(leaf)?.fields;
        return nested ? `${field.name} { ${select(leaf)} }` : field.name;
      })
      .join(' ');
  };
  return select(typeName);
}

interface TypeRef {
  name: string | null;
  ofType: TypeRef | null;
}

function namedType(type: TypeRef): string {
  return type.name ?? namedType(type.ofType!);
}

/** The JSON shape of a value: every key path with the JSON type found there (payload excluded). */
function shapeOf(value: unknown, path = ''): string[] {
  if (value === null) return [`${path}: null`];
  if (Array.isArray(value)) return value.flatMap(item => shapeOf(item, `${path}[]`));
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
      key === 'payload' ? [`${path}.payload: object`] : shapeOf(item, `${path}.${key}`),
    );
  }
  return [`${path}: ${typeof value}`];
}

// The worker and reviewer flow over HTTP, on PostgreSQL and on the embedded default database.
describe.each([
  ['PostgreSQL', false],
  ['embedded PGlite', true],
])('assignments (e2e) on %s', (_engine, embedded) => {
  const server = useTestServer({ embedded });

  async function project(requesterId: string, overrides: Record<string, unknown> = {}) {
    const dataSource = server.app.dataSource;
    const created = await makeProject(dataSource, requesterId, {
      minOverlap: 2,
      maxOverlap: 2,
      ...overrides,
    });
    await makeTasks(dataSource, created.id, 1, { payload: () => ({ text: 'Is this a cat?' }) });
    return created;
  }

  it('leases, submits and approves over HTTP; each side sees only its own view', async () => {
    const requester = await server.signUp(['REQUESTER'], { displayName: 'Acme Labs' });
    const worker = await server.signUp(['WORKER']);
    const created = await project(requester.userId);

    const { nextAssignment: lease } = await worker.client.ok(NEXT, { projectId: created.id });
    expect(lease).toMatchObject({
      status: 'LEASED',
      rewardAmount: 5,
      currency: 'usd',
      expiresAt: new Date(server.clock.now().getTime() + 600_000).toISOString(),
      task: {
        projectId: created.id,
        projectName: created.name,
        requesterDisplayName: 'Acme Labs',
        instructions: created.instructions,
        labelSchema: { kind: 'SINGLE_CHOICE', labels: [{ key: 'cat' }, { key: 'dog' }] },
        payload: { text: 'Is this a cat?' },
      },
    });

    server.clock.advance(4200);
    const { submitAssignment: submitted } = await worker.client.ok(SUBMIT, {
      input: { assignmentId: lease.id, answer: { labels: ['cat'] }, clientDurationMs: 4000 },
    });
    expect(submitted).toMatchObject({
      id: lease.id,
      status: 'SUBMITTED',
      answerLabels: ['cat'],
      serverDurationMs: 4200,
      clientDurationMs: 4000,
      task: { id: lease.task.id },
    });

    const { approveAssignment: approved } = await requester.client.ok(APPROVE, { id: lease.id });
    expect(approved).toEqual({
      id: lease.id,
      status: 'APPROVED',
      workerId: worker.userId,
      answerLabels: ['cat'],
      reviewedBy: requester.userId,
    });
    expect(errorCode(await requester.client.query(APPROVE, { id: lease.id }))).toBe(
      'ASSIGNMENT_ALREADY_REVIEWED',
    );

    const mine = await worker.client.ok(MY_ASSIGNMENTS, {});
    expect(mine.myAssignments).toEqual({
      totalCount: 1,
      nodes: [
        {
          id: lease.id,
          status: 'APPROVED',
          answerLabels: ['cat'],
          task: { id: lease.task.id, payload: { text: 'Is this a cat?' } },
        },
      ],
    });
    const listed = await requester.client.ok(
      `query ($projectId: ID!) { projectAssignments(projectId: $projectId) { totalCount nodes { id isGold counted } } }`,
      { projectId: created.id },
    );
    expect(listed.projectAssignments).toEqual({
      totalCount: 1,
      nodes: [{ id: lease.id, isGold: false, counted: true }],
    });
  });

  it('answers with stable codes: roles, ownership, schema, expiry (then the slot is free again)', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const worker = await server.signUp(['WORKER']);
    const other = await server.signUp(['WORKER']);
    const created = await project(requester.userId, { minOverlap: 1, maxOverlap: 1 });

    expect(errorCode(await server.anonymous().query(NEXT, {}))).toBe('UNAUTHENTICATED');
    expect(errorCode(await requester.client.query(NEXT, {}))).toBe('UNAUTHORIZED');
    expect(errorCode(await worker.client.query(APPROVE, { id: created.id }))).toBe('UNAUTHORIZED');

    const { nextAssignment: lease } = await worker.client.ok(NEXT, { projectId: created.id });
    const submit = (client: GraphQLClient, labels: string[]) =>
      client.query(SUBMIT, { input: { assignmentId: lease.id, answer: { labels } } });
    expect(errorCode(await submit(other.client, ['cat']))).toBe('NOT_FOUND');
    const invalid = await submit(worker.client, ['horse']);
    expect(invalid.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'answer.labels',
    });
    expect((await other.client.ok(NEXT, { projectId: created.id })).nextAssignment).toBeNull();

    server.clock.set(new Date(lease.expiresAt));
    expect(errorCode(await submit(worker.client, ['cat']))).toBe('LEASE_EXPIRED');
    await server.app.services.jobs.drain(systemContext(server.clock));
    const { nextAssignment: again } = await other.client.ok(NEXT, { projectId: created.id });
    expect(again.task.id).toBe(lease.task.id);
    const expired = await worker.client.ok(MY_ASSIGNMENTS, { status: 'EXPIRED' });
    expect(expired.myAssignments.nodes).toEqual([
      { id: lease.id, status: 'EXPIRED', answerLabels: null, task: null },
    ]);
  });

  it('shows gold and ordinary assignments with the very same fields, before and after answering', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const worker = await server.signUp(['WORKER']);
    const dataSource = server.app.dataSource;
    // Same settings; one project serves gold first (rate 1), the other only ordinary tasks.
    const goldProject = await makeProject(dataSource, requester.userId, { name: 'P', goldRate: 1 });
    const ordinaryProject = await makeProject(dataSource, requester.userId, { name: 'P' });
    const payload = () => ({ text: 'Is this a cat?' });
    await makeTasks(dataSource, goldProject.id, 1, { gold: true, goldLabels: ['dog'], payload });
    // Gold is never served alone: an ordinary task keeps the gold servable.
    await makeTasks(dataSource, goldProject.id, 1, { payload: () => ({ text: 'spare' }) });
    await makeTasks(dataSource, ordinaryProject.id, 1, { payload });

    const selection = await everyField(worker.client, 'WorkerAssignment');
    expect(selection).toContain('task {'); // the selection really walks nested types
    const lease = async (projectId: string) =>
      (
        await worker.client.ok(
          `mutation ($projectId: ID) { nextAssignment(projectId: $projectId) { ${selection} } }`,
          { projectId },
        )
      ).nextAssignment;
    const answer = async (id: string) =>
      (
        await worker.client.ok(
          `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { ${selection} } }`,
          { input: { assignmentId: id, answer: { labels: ['cat'] } } }, // wrong for the gold task
        )
      ).submitAssignment;

    const gold = await lease(goldProject.id);
    const ordinary = await lease(ordinaryProject.id);
    expect(shapeOf(gold)).toEqual(shapeOf(ordinary));
    const strip = (value: Record<string, unknown>) =>
      JSON.parse(
        JSON.stringify(value, (key, item) =>
          ['id', 'projectId', 'leasedAt', 'expiresAt', 'createdAt'].includes(key) ? '…' : item,
        ),
      );
    expect(strip(gold)).toEqual(strip(ordinary));

    const goldAnswered = await answer(gold.id);
    const ordinaryAnswered = await answer(ordinary.id);
    expect(shapeOf(goldAnswered)).toEqual(shapeOf(ordinaryAnswered));
    expect(strip(goldAnswered)).toEqual(strip(ordinaryAnswered));
  });
});
