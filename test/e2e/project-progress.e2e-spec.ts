import { errorCode, useTestServer } from '../helpers/test-server';
import { projectInput } from '../helpers/project-fixtures';
import { fundRequester } from '../helpers/money-fixtures';

const PROGRESS = /* GraphQL */ `
  query ($p: ID!) {
    projectProgress(projectId: $p) {
      answersLastHour
      answersLastDay
      answersPerHour
      answersNeeded
      answersNeededAtMost
      etaSeconds
    }
  }
`;
const NEXT = `mutation ($p: ID) { nextAssignment(projectId: $p) { id } }`;
const SUBMIT = `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { id } }`;

jest.setTimeout(60_000);

/** The console's project settings and dashboard figures that the API added for it. */
describe('project aggregation method and progress (e2e)', () => {
  const server = useTestServer();

  it('creates and updates a project with a registered aggregation method, and refuses others', async () => {
    const { client } = await server.signUp(['REQUESTER']);
    const created = await client.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id aggregationMethod } }`,
      { input: projectInput({ aggregationMethod: 'majority-vote' }) },
    );
    expect(created.createProject.aggregationMethod).toBe('majority-vote');
    const id: string = created.createProject.id;
    const updated = await client.ok(
      `mutation ($id: ID!) { updateProject(id: $id, input: { aggregationMethod: "glad" }) { aggregationMethod } }`,
      { id },
    );
    expect(updated.updateProject.aggregationMethod).toBe('glad');

    const unknown = await client.query(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      { input: projectInput({ aggregationMethod: 'coin-toss' }) },
    );
    expect(errorCode(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors?.[0]?.extensions?.field).toBe('aggregationMethod');
  });

  it('reports answers per hour, answers still needed and the time to finish', async () => {
    const requester = await server.signUp(['REQUESTER']);
    await fundRequester(server.app, requester.userId, 100_000);
    const created = await requester.client.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      { input: projectInput({ overlap: { minOverlap: 2, maxOverlap: 4, confidenceTarget: 0.9 } }) },
    );
    const p: string = created.createProject.id;
    await requester.client.ok(
      `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`,
      {
        input: {
          projectId: p,
          tasks: [
            ...[0, 1, 2].map(i => ({ externalId: `t${i}`, payload: { i } })),
            { externalId: 'g', payload: { i: 9 }, goldLabel: 'cat' },
          ],
        },
      },
    );
    const before = await requester.client.ok(PROGRESS, { p });
    expect(before.projectProgress).toEqual({
      answersLastHour: 0,
      answersLastDay: 0,
      answersPerHour: 0,
      answersNeeded: 6, // 3 tasks × min overlap 2; gold is not counted
      answersNeededAtMost: 12,
      etaSeconds: null,
    });

    await requester.client.ok(`mutation ($id: ID!) { launchProject(id: $id) { status } }`, {
      id: p,
    });
    const worker = await server.signUp(['WORKER']);
    for (let answered = 0; answered < 3;) {
      const next = await worker.client.ok(NEXT, { p });
      const id = next.nextAssignment.id as string;
      // The worker answers every task it gets (gold included); each submission counts once.
      await worker.client.ok(SUBMIT, { input: { assignmentId: id, answer: { labels: ['cat'] } } });
      answered++;
    }
    const after = (await requester.client.ok(PROGRESS, { p })).projectProgress;
    expect(after.answersLastHour).toBe(3);
    expect(after.answersPerHour).toBe(3);
    expect(after.answersNeeded).toBeLessThan(6);
    expect(after.answersNeeded).toBeGreaterThanOrEqual(3);
    expect(after.etaSeconds).toBe(Math.round((after.answersNeeded / 3) * 3600));

    // Two hours later the last hour is empty: the rate falls back to the day's average.
    server.clock.advance(2 * 3_600_000);
    // The session token expired meanwhile (one hour): sign in again.
    const login = await server
      .anonymous()
      .ok(`mutation ($input: LogInInput!) { logIn(input: $input) { token } }`, {
        input: { email: requester.email, password: requester.password },
      });
    const owner = requester.client.withToken(login.logIn.token as string);
    const later = (await owner.ok(PROGRESS, { p })).projectProgress;
    expect(later.answersLastHour).toBe(0);
    expect(later.answersLastDay).toBe(3);
    expect(later.answersPerHour).toBeCloseTo(3 / 24);

    const other = await server.signUp(['REQUESTER']);
    expect(errorCode(await other.client.query(PROGRESS, { p }))).toBe('NOT_FOUND');
  });

  it('tells the console that card payments are off without Stripe (offline funding instead)', async () => {
    const { client } = await server.signUp(['REQUESTER']);
    expect(await client.ok(`{ cardPaymentsAvailable }`)).toEqual({ cardPaymentsAvailable: false });
  });
});
