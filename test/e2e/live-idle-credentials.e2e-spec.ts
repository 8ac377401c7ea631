import { randomUUID } from 'node:crypto';
import { fundRequester } from '../helpers/money-fixtures';
import { sentimentProjectInput } from '../helpers/e2e-project-input';
import { liveClient, liveErrorCode, type LiveSubscription } from '../helpers/live-client';
import { type GraphQLClient, useTestServer } from '../helpers/test-server';

const NEW_WORK = `subscription ($p: [ID!]) { newWork(projectIds: $p) { projectId at } }`;
const IMPORT = `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`;
const CREATE_KEY = `mutation ($scopes: [Role!]!) { createApiKey(input: { name: "live", scopes: $scopes }) { secret apiKey { id } } }`;

/** A JWT's `exp`, in ms (the token was issued by the app under test). */
function expiryOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as {
    exp: number;
  };
  return payload.exp * 1000;
}

/**
 * A socket that gets no event is re-checked all the same: at its JWT's expiry and every
 * `AUTH_CACHE_SECONDS` (the sweep in live-socket.ts), closing with the codes the per-event check
 * uses. Time moves on the app's manual clock and the sweep is called after moving it, as the
 * lease-warning tests call `checkLeases`; nothing here sleeps.
 */
describe('idle live sockets are re-checked (e2e)', () => {
  const server = useTestServer();
  let intervalMs: number;
  let projectId: string;
  /** The requester imports through an API key: their JWT expires with the clock too. */
  let importer: GraphQLClient;
  const opened: Array<{ close(): Promise<void> }> = [];

  const sweep = () => server.app.liveSocket.checkIdleCredentials();

  async function listen(token: string): Promise<LiveSubscription> {
    const client = liveClient(server.url, token);
    opened.push(client);
    const live = server.app.services.live;
    const before = live.subscriberCount;
    const subscription = client.subscribe(NEW_WORK, { p: [projectId] });
    await live.whenSubscribers(n => n >= before + 1);
    return subscription;
  }

  async function importOne(): Promise<void> {
    await importer.ok(IMPORT, {
      input: { projectId, tasks: [{ payload: { text: `item ${randomUUID()}` } }] },
    });
  }

  async function heard(subscription: LiveSubscription): Promise<string | undefined> {
    const outcome = await subscription.next();
    return outcome.kind === 'next' ? outcome.data?.newWork.projectId : liveErrorCode(outcome);
  }

  beforeAll(async () => {
    intervalMs = server.app.config.auth.credentialCacheSeconds * 1000;
    const { client: requester, userId: requesterId } = await server.signUp(['REQUESTER']);
    // Launching reserves escrow: the requester is funded as an admin's manual funding would.
    await fundRequester(server.app, requesterId);
    const { createApiKey } = await requester.ok(CREATE_KEY, { scopes: ['REQUESTER'] });
    importer = server.anonymous().withToken(createApiKey.secret);
    const { createProject } = await requester.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      { input: sentimentProjectInput({}) },
    );
    projectId = createProject.id as string;
    await importOne();
    await requester.ok(`mutation ($id: ID!) { launchProject(id: $id) { id } }`, {
      id: projectId,
    });
  });

  afterAll(async () => {
    await Promise.all(opened.map(client => client.close()));
  });

  it('closes an idle socket with 4401 at the moment its JWT expires, with no event', async () => {
    let worker = await server.signUp(['WORKER']);
    // An expiry off the interval's grid: only a check timed at the expiry itself catches it.
    if (expiryOf(worker.token) % intervalMs === 0) {
      server.clock.advance(1000);
      worker = await server.signUp(['WORKER']);
    }
    const expiresAt = expiryOf(worker.token);
    const subscription = await listen(worker.token);

    // A millisecond before the expiry the socket is checked, kept, and still served.
    server.clock.set(expiresAt - 1);
    await sweep();
    await importOne();
    expect(await heard(subscription)).toBe(projectId);

    server.clock.set(expiresAt);
    await sweep();
    expect(await heard(subscription)).toBe('CLOSED_4401');
  });

  it('closes an idle socket whose API key was revoked within one interval (4401)', async () => {
    const worker = await server.signUp(['WORKER']);
    const { createApiKey } = await worker.client.ok(CREATE_KEY, { scopes: ['WORKER'] });
    const subscription = await listen(createApiKey.secret);

    await worker.client.ok(`mutation ($id: ID!) { revokeApiKey(id: $id) { id } }`, {
      id: createApiKey.apiKey.id,
    });
    server.clock.advance(intervalMs);
    await sweep();
    expect(await heard(subscription)).toBe('CLOSED_4401');
  });

  it('closes an idle socket whose WORKER role was removed (4403)', async () => {
    const worker = await server.signUp(['WORKER']);
    const subscription = await listen(worker.token);

    // Removed in the table, as another process would: seen once the credential cache's window
    // has passed, so within two intervals.
    await server.app.dataSource.query(`UPDATE users SET roles = '{}' WHERE id = $1`, [
      worker.userId,
    ]);
    for (let i = 0; i < 2; i++) {
      server.clock.advance(intervalMs);
      await sweep();
    }
    expect(await heard(subscription)).toBe('CLOSED_4403');
  });

  it('keeps a healthy idle socket open across several intervals', async () => {
    const worker = await server.signUp(['WORKER']);
    const { createApiKey } = await worker.client.ok(CREATE_KEY, { scopes: ['WORKER'] });
    const byToken = await listen(worker.token);
    const byKey = await listen(createApiKey.secret);

    for (let i = 0; i < 5; i++) {
      server.clock.advance(intervalMs);
      await sweep();
    }
    await importOne();
    expect(await heard(byToken)).toBe(projectId);
    expect(await heard(byKey)).toBe(projectId);
  });
});
