import { RequestContext } from '../../src/common/request-context';
import { fundRequester } from '../helpers/money-fixtures';
import { sentimentProjectInput } from '../helpers/e2e-project-input';
import { liveClient, liveErrorCode, type LiveOutcome } from '../helpers/live-client';
import { type GraphQLClient, useTestServer } from '../helpers/test-server';

const NEW_WORK = `subscription ($p: [ID!]) { newWork(projectIds: $p) { projectId at } }`;
const LEASE_WARNINGS = `subscription { leaseWarnings { assignmentId projectId expiresAt secondsLeft expired } }`;
const IMPORT = `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`;
const NEXT = `mutation ($p: ID) { nextAssignment(projectId: $p) { id expiresAt } }`;
/** Leases of two minutes: the warning comes 30 s before the end (a quarter of the lease). */
const LEASE_SECONDS = 120;

/**
 * Live updates over graphql-ws (issue 12): the same credential and limits as HTTP, new work told
 * per project to workers it is open to (never for gold alone), lease warnings to their holder only.
 */
describe('live updates over WebSocket (e2e)', () => {
  /** The gold-mixing draw of every lease: 0 serves gold first, 0.99 ordinary tasks only. */
  let draw = 0.99;
  const server = useTestServer({
    env: { GRAPHQL_MAX_SUBSCRIPTIONS: '2' },
    overrides: { rng: () => draw },
  });
  let requester: GraphQLClient;
  let requesterId: string;
  const opened: Array<{ close(): Promise<void> }> = [];

  const connect = (token?: string) => {
    const client = liveClient(server.url, token);
    opened.push(client);
    return client;
  };

  beforeAll(async () => {
    const signedUp = await server.signUp(['REQUESTER']);
    requester = signedUp.client;
    requesterId = signedUp.userId;
    // Launching reserves escrow: the requester is funded as an admin's manual funding would.
    await fundRequester(server.app, requesterId);
  });

  afterAll(async () => {
    await Promise.all(opened.map(client => client.close()));
  });

  async function project(options: { launch: boolean }): Promise<string> {
    const { createProject } = await requester.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      { input: sentimentProjectInput({ assignmentDurationSeconds: LEASE_SECONDS }) },
    );
    await importInto(createProject.id, 2);
    if (options.launch) {
      await requester.ok(`mutation ($id: ID!) { launchProject(id: $id) { id } }`, {
        id: createProject.id,
      });
    }
    return createProject.id as string;
  }

  function importInto(projectId: string, count: number, gold = false) {
    return requester.ok(IMPORT, {
      input: {
        projectId,
        tasks: Array.from({ length: count }, (_, i) => ({
          payload: { text: `item ${i}` },
          ...(gold ? { goldLabel: 'pos' } : {}),
        })),
      },
    });
  }

  async function subscribed(count: number) {
    await server.app.services.live.whenSubscribers(n => n >= count);
  }

  it('refuses a connection without a valid credential, as HTTP does', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const subscription = connect(token).subscribe(LEASE_WARNINGS);
      expect(liveErrorCode(await subscription.next())).toBe('CLOSED_4403');
    }
  });

  it('applies the roles, the query limits and a cap on subscriptions per connection', async () => {
    const requesterSocket = connect(requester.token);
    expect(liveErrorCode(await requesterSocket.subscribe(LEASE_WARNINGS).next())).toBe(
      'UNAUTHORIZED',
    );

    const worker = await server.signUp(['WORKER']);
    const socket = connect(worker.token);
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: assignmentId`).join(' ');
    expect(
      liveErrorCode(await socket.subscribe(`subscription { leaseWarnings { ${aliases} } }`).next()),
    ).toBe('QUERY_TOO_COMPLEX');
    expect(liveErrorCode(await socket.subscribe(`query { me { id } }`).next())).toBe('BAD_REQUEST');
    expect(liveErrorCode(await socket.subscribe(NEW_WORK, { p: ['not-a-uuid'] }).next())).toBe(
      'NOT_FOUND',
    );

    const before = server.app.services.live.subscriberCount;
    socket.subscribe(LEASE_WARNINGS);
    socket.subscribe(NEW_WORK);
    await subscribed(before + 2);
    expect(liveErrorCode(await socket.subscribe(LEASE_WARNINGS).next())).toBe('RATE_LIMITED');
  });

  it('tells a worker of new work in an open project, per project and never for gold alone', async () => {
    const open = await project({ launch: true });
    const other = await project({ launch: true });
    const draft = await project({ launch: false });
    const worker = await server.signUp(['WORKER']);
    const before = server.app.services.live.subscriberCount;
    const all = connect(worker.token).subscribe(NEW_WORK);
    const narrowed = connect(worker.token).subscribe(NEW_WORK, { p: [other] });
    await subscribed(before + 2);

    await importInto(other, 2, true); // gold only: says nothing
    await importInto(draft, 2); // not open to workers
    await importInto(open, 3);
    const event = (await all.next()) as Extract<LiveOutcome, { kind: 'next' }>;
    expect(event.errors).toBeUndefined();
    expect(event.data?.newWork).toEqual({ projectId: open, at: expect.any(String) });

    await importInto(other, 1);
    const later = (await narrowed.next()) as Extract<LiveOutcome, { kind: 'next' }>;
    expect(later.data?.newWork.projectId).toBe(other);
    expect(((await all.next()) as { data?: any }).data?.newWork.projectId).toBe(other);
  });

  it("warns a worker before their own lease ends and when it has, never of another's", async () => {
    const projectId = await project({ launch: true });
    const first = await server.signUp(['WORKER']);
    const second = await server.signUp(['WORKER']);
    const before = server.app.services.live.subscriberCount;
    const firstWarnings = connect(first.token).subscribe(LEASE_WARNINGS);
    const secondWarnings = connect(second.token).subscribe(LEASE_WARNINGS);
    await subscribed(before + 2);

    const a = (await first.client.ok(NEXT, { p: projectId })).nextAssignment;
    server.clock.advance(10_000);
    const b = (await second.client.ok(NEXT, { p: projectId })).nextAssignment;
    const live = server.app.services.live;

    // 95 s after the first lease: 25 s left on it, 35 s on the second (warned at 30 s).
    server.clock.advance(85_000);
    live.checkLeases();
    const warned = (await firstWarnings.next()) as { data?: any };
    expect(warned.data?.leaseWarnings).toEqual({
      assignmentId: a.id,
      projectId,
      expiresAt: a.expiresAt,
      secondsLeft: 25,
      expired: false,
    });

    // Past the first lease's end and into the second's warning.
    server.clock.advance(26_000);
    live.checkLeases();
    expect(((await firstWarnings.next()) as { data?: any }).data?.leaseWarnings).toMatchObject({
      assignmentId: a.id,
      expired: true,
      secondsLeft: 0,
    });
    server.clock.advance(10_000);
    live.checkLeases();
    const seenBySecond = [
      ((await secondWarnings.next()) as { data?: any }).data?.leaseWarnings,
      ((await secondWarnings.next()) as { data?: any }).data?.leaseWarnings,
    ];
    expect(seenBySecond).toEqual([
      expect.objectContaining({ assignmentId: b.id, expired: false }),
      expect.objectContaining({ assignmentId: b.id, expired: true }),
    ]);
  });

  it('tells of new work when a lease is returned or expires, the same for gold as for ordinary', async () => {
    const { createProject } = await requester.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      { input: sentimentProjectInput({ assignmentDurationSeconds: LEASE_SECONDS, goldRate: 0.5 }) },
    );
    const projectId = createProject.id as string;
    await importInto(projectId, 4);
    await importInto(projectId, 4, true);
    await requester.ok(`mutation ($id: ID!) { launchProject(id: $id) { id } }`, { id: projectId });
    const listener = await server.signUp(['WORKER']);
    const before = server.app.services.live.subscriberCount;
    const events = connect(listener.token).subscribe(NEW_WORK, { p: [projectId] });
    await subscribed(before + 1);
    const GOLD_OF = `query ($id: ID!) { project(id: $id) { tasks(first: 20) { nodes { id isGold } } } }`;
    const goldIds = new Set(
      ((await requester.ok(GOLD_OF, { id: projectId })).project.tasks.nodes as any[])
        .filter(task => task.isGold)
        .map(task => task.id as string),
    );
    const LEASE = `mutation ($p: ID) { nextAssignment(projectId: $p) { id task { id } } }`;
    /** A new worker's lease in the project with the gold draw `gold`; checks what it got. */
    async function lease(gold: boolean) {
      draw = gold ? 0 : 0.99;
      const worker = await server.signUp(['WORKER']);
      const { nextAssignment } = await worker.client.ok(LEASE, { p: projectId });
      expect(goldIds.has(nextAssignment.task.id)).toBe(gold);
      return { worker, id: nextAssignment.id as string };
    }
    const nextEvent = async () => {
      const outcome = (await events.next()) as Extract<LiveOutcome, { kind: 'next' }>;
      expect(outcome.errors).toBeUndefined();
      return outcome.data?.newWork;
    };
    const RETURN = `mutation ($id: ID!) { returnAssignment(id: $id) { id } }`;

    // Returned: a gold lease and an ordinary one, at the same moment, tell exactly the same.
    const gold = await lease(true);
    const ordinary = await lease(false);
    server.clock.advance(1_000); // later than the launch's own event
    const returnedAt = server.clock.now().toISOString();
    await gold.worker.client.ok(RETURN, { id: gold.id });
    const afterGold = await nextEvent();
    await ordinary.worker.client.ok(RETURN, { id: ordinary.id });
    const afterOrdinary = await nextEvent();
    expect(afterGold).toEqual({ projectId, at: returnedAt });
    expect(afterOrdinary).toEqual(afterGold);

    // Expired (by the sweep): each kind, alone, tells the project and the time, nothing more.
    const expiredEvents = [];
    const expiredAt = [];
    for (const kind of [true, false]) {
      await lease(kind);
      server.clock.advance((LEASE_SECONDS + 1) * 1000);
      expiredAt.push(server.clock.now().toISOString());
      // The expiry sweep's body (the recurring job is not scheduled in tests).
      await server.app.services.leasing.expireAllStaleLeases(
        RequestContext.create({ clock: server.clock }),
      );
      expiredEvents.push(await nextEvent());
    }
    expect(expiredEvents).toEqual(expiredAt.map(at => ({ projectId, at })));
    draw = 0.99;
  });

  it('closes a socket whose API key was revoked, before it sends the next event (4401)', async () => {
    const open = await project({ launch: true });
    const worker = await server.signUp(['WORKER']);
    const { createApiKey } = await worker.client.ok(
      `mutation { createApiKey(input: { name: "live", scopes: [WORKER] }) { secret apiKey { id } } }`,
    );
    const before = server.app.services.live.subscriberCount;
    const keyed = connect(createApiKey.secret).subscribe(NEW_WORK, { p: [open] });
    const jwt = connect(worker.token).subscribe(NEW_WORK, { p: [open] });
    await subscribed(before + 2);
    await importInto(open, 1);
    // Both hear the first event while the key holds.
    for (const subscription of [keyed, jwt]) {
      expect(((await subscription.next()) as { data?: any }).data?.newWork.projectId).toBe(open);
    }

    await worker.client.ok(`mutation ($id: ID!) { revokeApiKey(id: $id) { id } }`, {
      id: createApiKey.apiKey.id,
    });
    await importInto(open, 1);
    expect(liveErrorCode(await keyed.next())).toBe('CLOSED_4401');
    // The same worker's JWT socket still hears it.
    expect(((await jwt.next()) as { data?: any }).data?.newWork.projectId).toBe(open);
  });

  it('closes a socket whose JWT expired since the connect, before it sends the next event (4401)', async () => {
    const open = await project({ launch: true });
    // The requester acts through an API key here: their JWT expires with the clock too.
    const { createApiKey } = await requester.ok(
      `mutation { createApiKey(input: { name: "importer", scopes: [REQUESTER] }) { secret } }`,
    );
    const importer = server.anonymous().withToken(createApiKey.secret);
    const worker = await server.signUp(['WORKER']);
    const before = server.app.services.live.subscriberCount;
    const subscription = connect(worker.token).subscribe(NEW_WORK, { p: [open] });
    await subscribed(before + 1);

    // Past the token's expiry (JWT_EXPIRES_IN_SECONDS, 1 h by default) on the app's clock.
    server.clock.advance(3601_000);
    await importer.ok(IMPORT, {
      input: { projectId: open, tasks: [{ payload: { text: 'after expiry' } }] },
    });
    expect(liveErrorCode(await subscription.next())).toBe('CLOSED_4401');
  });
});
