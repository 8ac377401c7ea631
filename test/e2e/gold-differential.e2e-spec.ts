import { makeProject, makeTasks, systemContext } from '../helpers/factories';
import { type GraphQLClient, type GraphQLResponse, useTestServer } from '../helpers/test-server';

/**
 * The gold differential test (issue 11, DESIGN.md promises 3 and 8): two workers go through the
 * same steps at the same instants, one on a project where the task they hold is gold, the other
 * on a twin project where the same task is ordinary. After every step, every query of the
 * schema is called as each worker (arguments filled from what they hold) with every field it
 * can select, and the answers must be the same, ids aside: same shape, same values, same errors.
 * The mutations a worker makes (lease, submit, return, a second submit) are compared the same way.
 *
 * The queries are walked from the running server's schema by introspection, so a field or query
 * added later is covered without editing this test.
 */

/** Leases take draw 0: the gold pool is tried first, wherever there is gold. */
const server = useTestServer({ overrides: { rng: () => 0 } });

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface IntrospectedField {
  name: string;
  args: Array<{ name: string; type: TypeRef }>;
  type: TypeRef;
}
interface IntrospectedType {
  name: string;
  kind: string;
  fields: IntrospectedField[] | null;
}

/** What a worker side holds: filled into arguments by name. */
interface Side {
  client: GraphQLClient;
  readonly login: { email: string; password: string };
  readonly projectId: string;
  assignmentId: string | null;
  taskId: string | null;
}

const MAX_DEPTH = 4;

function named(type: TypeRef): string {
  return type.name ?? named(type.ofType!);
}

/**
 * Every UUID replaced by its order of first appearance; cursors and emails blanked, and
 * `createdAt`/`updatedAt`, which the database stamps with its own clock (now()), not the manual
 * clock both sides share.
 */
function normalise(value: unknown): unknown {
  const ids = new Map<string, string>();
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
  return JSON.parse(
    JSON.stringify(value, (key, item) => {
      if (/cursor$/i.test(key) && typeof item === 'string') return '<cursor>';
      if ((key === 'createdAt' || key === 'updatedAt') && typeof item === 'string') return '<time>';
      if (typeof item !== 'string') return item;
      return item
        .replace(uuid, id => {
          if (!ids.has(id)) ids.set(id, `<id${ids.size}>`);
          return ids.get(id)!;
        })
        .replace(/[\w.+-]+@example\.test/g, '<email>');
    }),
  );
}

function comparable(result: GraphQLResponse<unknown>): unknown {
  return normalise({
    status: result.status,
    data: result.data ?? null,
    errors: (result.errors ?? []).map(error => ({
      message: error.message,
      path: error.path,
      extensions: error.extensions,
    })),
  });
}

/**
 * Lists that span projects (the worker catalogue) show each side both twin projects; a side is
 * compared on the entry of the project it works in, as the other is the other side's work.
 */
function ownProjectOnly(
  result: GraphQLResponse<unknown>,
  side: { projectId: string },
): GraphQLResponse<unknown> {
  const data = result.data as Record<string, unknown> | null | undefined;
  if (!data) return result;
  const scoped = Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      Array.isArray(value) &&
      value.some(item => item && typeof item === 'object' && 'projectId' in item)
        ? value.filter(item => (item as { projectId?: string }).projectId === side.projectId)
        : value,
    ]),
  );
  return { ...result, data: scoped };
}

describe('gold differential: a worker sees the same whether their task is gold or not', () => {
  let types: Map<string, IntrospectedType>;
  let queries: IntrospectedField[];

  beforeAll(async () => {
    const data = await server.anonymous().ok<{
      __schema: { queryType: { name: string }; types: IntrospectedType[] };
    }>(`query {
      __schema {
        queryType { name }
        types { name kind fields { name args { name type { ...Ref } } type { ...Ref } } }
      }
    }
    fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`);
    types = new Map(data.__schema.types.map(type => [type.name, type]));
    queries = types.get(data.__schema.queryType.name)!.fields!;
  });

  /** Every field of `typeName` with no required argument, nested to MAX_DEPTH. */
  function selection(typeName: string, depth = 0): string | null {
    const fields = (types.get(typeName)?.fields ?? []).filter(field =>
      field.args.every(arg => arg.type.kind !== 'NON_NULL'),
    );
    const parts = fields.flatMap(field => {
      const leaf = types.get(named(field.type));
      if (!leaf?.fields) return [field.name];
      if (depth + 1 >= MAX_DEPTH) return [];
      const nested = selection(leaf.name, depth + 1);
      return nested ? [`${field.name} { ${nested} }`] : [];
    });
    return parts.length > 0 ? parts.join(' ') : null;
  }

  /** Argument values `side` can give `field`, or null when a required one cannot be filled. */
  function argumentsFor(field: IntrospectedField, side: Side): Record<string, unknown> | null {
    const values: Record<string, unknown> = {
      projectId: side.projectId,
      assignmentId: side.assignmentId,
      taskId: side.taskId,
      id: field.name === 'myTask' ? side.taskId : side.assignmentId,
      first: 10,
    };
    const args: Record<string, unknown> = {};
    for (const arg of field.args) {
      if (arg.name in values && values[arg.name] != null) args[arg.name] = values[arg.name];
      else if (arg.type.kind === 'NON_NULL') return null;
    }
    return args;
  }

  /** One query field called as `side`: the request (or null when it cannot be made) and answer. */
  async function call(field: IntrospectedField, side: Side) {
    const args = argumentsFor(field, side);
    if (!args) return null;
    const leaf = types.get(named(field.type));
    const selected = leaf?.fields ? selection(leaf.name) : '';
    if (selected === null) return null;
    const argList = Object.keys(args);
    const declared = field.args.filter(arg => argList.includes(arg.name));
    const typeOf = (ref: TypeRef): string =>
      ref.kind === 'NON_NULL'
        ? `${typeOf(ref.ofType!)}!`
        : ref.kind === 'LIST'
          ? `[${typeOf(ref.ofType!)}]`
          : ref.name!;
    const variables = declared.map(arg => `$${arg.name}: ${typeOf(arg.type)}`).join(', ');
    const passed = declared.map(arg => `${arg.name}: $${arg.name}`).join(', ');
    const document =
      `query${variables ? ` (${variables})` : ''} { ${field.name}` +
      `${passed ? `(${passed})` : ''}${selected ? ` { ${selected} }` : ''} }`;
    return side.client.query(document, args);
  }

  /** Every query as both sides; returns how many answered with data. */
  async function expectSameQueries(
    gold: Side,
    control: Side,
    step: string,
    notComparable: readonly string[] = [],
  ): Promise<string[]> {
    const answered: string[] = [];
    for (const field of queries.filter(query => !notComparable.includes(query.name))) {
      const [a, b] = [await call(field, gold), await call(field, control)];
      if (a === null || b === null) {
        expect({ step, field: field.name, callable: a !== null }).toEqual({
          step,
          field: field.name,
          callable: b !== null,
        });
        continue;
      }
      expect({ step, field: field.name, answer: comparable(ownProjectOnly(a, gold)) }).toEqual({
        step,
        field: field.name,
        answer: comparable(ownProjectOnly(b, control)),
      });
      if (!a.errors?.length) answered.push(field.name);
    }
    return answered;
  }

  /** A mutation as both sides (variables built per side); the same answer is expected. */
  async function expectSameMutation(
    gold: Side,
    control: Side,
    document: string,
    variables: (side: Side) => Record<string, unknown>,
  ): Promise<[GraphQLResponse<any>, GraphQLResponse<any>]> {
    const a = await gold.client.query(document, variables(gold));
    const b = await control.client.query(document, variables(control));
    expect(comparable(a)).toEqual(comparable(b));
    return [a, b];
  }

  it('answers every worker query and mutation the same, ids aside, through a task’s life', async () => {
    const requester = await server.signUp(['REQUESTER'], { displayName: 'Acme Labs' });
    const ds = server.app.dataSource;
    const settings = { name: 'Twin', minOverlap: 2, maxOverlap: 2, goldRate: 0.5 };
    const goldProject = await makeProject(ds, requester.userId, settings);
    const controlProject = await makeProject(ds, requester.userId, settings);
    const first = { text: 'Is this a cat?' };
    const second = { text: 'And this one?' };
    // The gold project: the first task is gold; an ordinary one keeps gold servable.
    await makeTasks(ds, goldProject.id, 1, {
      gold: true,
      goldLabels: ['dog'],
      payload: () => first,
    });
    await makeTasks(ds, goldProject.id, 1, { payload: () => second });
    // The control project: the same first payload, ordinary (the second comes after the lease:
    // an unordered scan need not return tasks in insertion order).
    await makeTasks(ds, controlProject.id, 1, { payload: () => first });

    const signUp = async (projectId: string): Promise<Side> => {
      const { client, email, password } = await server.signUp(['WORKER'], { displayName: 'Sam' });
      return { client, login: { email, password }, projectId, assignmentId: null, taskId: null };
    };
    /** A fresh token after the clock moved past the old one's expiry. */
    const logIn = async (side: Side) => {
      const data = await server
        .anonymous()
        .ok(`mutation ($input: LogInInput!) { logIn(input: $input) { token } }`, {
          input: side.login,
        });
      side.client = server.anonymous().withToken(data.logIn.token);
    };
    const gold = await signUp(goldProject.id);
    const control = await signUp(controlProject.id);

    const leaseSelection = selection('WorkerAssignment')!;
    expect(leaseSelection).toContain('task {');
    const NEXT = `mutation ($projectId: ID) { nextAssignment(projectId: $projectId) { ${leaseSelection} } }`;
    const SUBMIT = `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { ${leaseSelection} } }`;
    const RETURN = `mutation ($id: ID!) { returnAssignment(id: $id) { ${leaseSelection} } }`;
    const hold = (side: Side, response: GraphQLResponse<any>) => {
      side.assignmentId = response.data.nextAssignment.id;
      side.taskId = response.data.nextAssignment.task.id;
    };

    // Before the first lease the twins differ in size by construction (the control's second task
    // is added after it), and the catalogue's work-left figure says so: compared from then on.
    await expectSameQueries(gold, control, 'before any lease', ['workerCatalogue']);

    // 1. Lease: the gold task on one side, its ordinary twin on the other.
    const [goldLease, controlLease] = await expectSameMutation(gold, control, NEXT, side => ({
      projectId: side.projectId,
    }));
    hold(gold, goldLease);
    hold(control, controlLease);
    await makeTasks(ds, controlProject.id, 1, { payload: () => second });
    expect(goldLease.data.nextAssignment.task.payload).toEqual(first);
    const [goldRow] = await ds.query(`SELECT is_gold FROM assignments WHERE id = $1`, [
      gold.assignmentId,
    ]);
    expect(goldRow.is_gold).toBe(true); // the differential really compares gold with ordinary
    const answered = await expectSameQueries(gold, control, 'holding');
    expect(answered).toEqual(
      expect.arrayContaining(['myAssignments', 'myAssignment', 'myTask', 'myQuality']),
    );

    // 2. Submit (a wrong answer for the gold task), then the same answer again, then a return.
    server.clock.advance(4_000);
    const submit = (side: Side) => ({
      input: {
        assignmentId: side.assignmentId,
        answer: { labels: ['cat'] },
        clientDurationMs: 3900,
      },
    });
    const [submitted] = await expectSameMutation(gold, control, SUBMIT, submit);
    expect(submitted.data.submitAssignment.status).toBe('SUBMITTED');
    await expectSameQueries(gold, control, 'submitted');
    const [again] = await expectSameMutation(gold, control, SUBMIT, submit);
    expect(again.errors?.[0]?.extensions?.code).toBe('ASSIGNMENT_ALREADY_SUBMITTED');
    await expectSameMutation(gold, control, RETURN, side => ({ id: side.assignmentId }));

    // 3. The next lease is ordinary on both sides; it is returned.
    server.clock.advance(1_000);
    const [next, nextControl] = await expectSameMutation(gold, control, NEXT, side => ({
      projectId: side.projectId,
    }));
    expect(next.data.nextAssignment.task.payload).toEqual(second);
    const answeredIds = { gold: gold.assignmentId, control: control.assignmentId };
    hold(gold, next);
    hold(control, nextControl);
    await expectSameMutation(gold, control, RETURN, side => ({ id: side.assignmentId }));
    await expectSameQueries(gold, control, 'returned');

    // 4. Reviewed (auto-approval) and published: still the same, answer for answer.
    gold.assignmentId = answeredIds.gold;
    control.assignmentId = answeredIds.control;
    server.clock.advance(goldProject.autoApprovalDelaySeconds * 1000 + 1000);
    expect(await server.app.services.review.autoApproveDue(systemContext(server.clock))).toBe(2);
    server.clock.advance(24 * 3600 * 1000);
    await logIn(gold);
    await logIn(control);
    const reviewed = await expectSameQueries(gold, control, 'reviewed and published');
    expect(reviewed).toContain('myQuality');
    const published = await gold.client.ok(
      `query ($p: ID) { myQuality(projectId: $p) { answers goldAccuracy { count } } }`,
      { p: gold.projectId },
    );
    expect(published.myQuality).toEqual({ answers: 1, goldAccuracy: { count: 0 } });
  });
});
