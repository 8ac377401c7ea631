import { createApp, type QuorumApp } from '../../src/app';
import { closeDataSource, createDataSource } from '../../src/db/data-source';
import { makeProject, makeTasks } from '../helpers/factories';
import { errorCode, GraphQLClient, useTestServer } from '../helpers/test-server';
import { testConfig } from '../helpers/test-config';

const ENV = {
  LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000',
  AUTH_CACHE_SECONDS: '5',
  // The other tests sign up 5 users from 127.0.0.1; the sign-up test uses its own address.
  SIGNUP_MAX_PER_ADDRESS: '8',
  TRUST_PROXY: 'true',
};
const LOG_IN = /* GraphQL */ `
  mutation ($input: LogInInput!) {
    logIn(input: $input) {
      token
    }
  }
`;
const ME = /* GraphQL */ `
  query {
    me {
      id
    }
  }
`;

/** `client`'s credentials no longer count: HTTP 401 with UNAUTHENTICATED. */
async function expectRefused(client: GraphQLClient): Promise<void> {
  const refused = await client.query(ME);
  expect(refused.status).toBe(401);
  expect(errorCode(refused)).toBe('UNAUTHENTICATED');
}

/**
 * Two API processes' worth of app (two `createApp` instances, each with its own pool, caches
 * and limiters) on one PostgreSQL database and one manual clock: what one process learns, the
 * other must honour — the login and sign-up limits at once, a revoked API key within
 * AUTH_CACHE_SECONDS.
 */
describe('state shared by two API processes (e2e)', () => {
  const first = useTestServer({ env: ENV });
  let second: QuorumApp;
  let secondUrl: string;
  let closeSecond: () => Promise<void>;

  beforeAll(async () => {
    const config = testConfig({ ...ENV, DATABASE_URL: first.db!.url });
    const dataSource = await createDataSource(config.database);
    second = await createApp(config, { clock: first.clock, dataSource });
    secondUrl = await second.listen(0, '127.0.0.1');
    closeSecond = async () => {
      await second.close();
      await closeDataSource(dataSource);
    };
  }, 60_000);
  afterAll(() => closeSecond?.());

  it('counts failed logins made through either process against one limit', async () => {
    const user = await first.signUp(['WORKER']);
    const logIn = (url: string, password: string) =>
      new GraphQLClient(url).query(LOG_IN, { input: { email: user.email, password } });
    expect(errorCode(await logIn(first.url, 'wrong-password-1'))).toBe('INVALID_CREDENTIALS');
    expect(errorCode(await logIn(first.url, 'wrong-password-2'))).toBe('INVALID_CREDENTIALS');
    expect(errorCode(await logIn(secondUrl, 'wrong-password-3'))).toBe('INVALID_CREDENTIALS');
    // The second process saw one failure itself; a per-process limit would let this through.
    const limited = await logIn(secondUrl, user.password);
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('counts sign-ups from one address made through either process against one limit', async () => {
    const address = '198.51.100.77';
    const signUp = (url: string, n: number) =>
      new GraphQLClient(url).query(
        `mutation ($input: SignUpInput!) { signUp(input: $input) { token } }`,
        {
          input: {
            email: `shared-farm-${n}@example.test`,
            password: 'long enough password',
            displayName: `farm ${n}`,
            roles: ['WORKER'],
          },
        },
        { 'x-forwarded-for': address },
      );
    // Eight accounts, alternating processes: each process itself saw only four.
    for (let n = 0; n < 8; n += 1) {
      expect((await signUp(n % 2 === 0 ? first.url : secondUrl, n)).errors).toBeUndefined();
    }
    for (const url of [first.url, secondUrl]) {
      expect(errorCode(await signUp(url, 8))).toBe('RATE_LIMITED');
    }
  });

  it('refuses a key revoked through the other process once AUTH_CACHE_SECONDS have passed', async () => {
    const user = await first.signUp(['REQUESTER']);
    const created = await user.client.ok(
      `mutation { createApiKey(input: { name: "ci", scopes: [REQUESTER] }) { secret apiKey { id } } }`,
    );
    const { secret, apiKey } = created.createApiKey;
    const onFirst = new GraphQLClient(first.url, secret);
    const onSecond = new GraphQLClient(secondUrl, secret);
    expect((await onSecond.ok(ME)).me.id).toBe(user.userId);

    await user.client.ok(`mutation ($id: ID!) { revokeApiKey(id: $id) { id } }`, {
      id: apiKey.id,
    });
    // The revoking process refuses at once; the other still trusts its cached row…
    expect(errorCode(await onFirst.query(ME))).toBe('UNAUTHENTICATED');
    first.clock.advance(4_000);
    expect((await onSecond.ok(ME)).me.id).toBe(user.userId);
    // …until its window ends.
    first.clock.advance(1_001);
    await expectRefused(onSecond);
  });

  it('authenticates a JWT from the cache: a deleted user is refused after the window', async () => {
    const user = await first.signUp(['WORKER']);
    const onSecond = new GraphQLClient(secondUrl, user.token);
    expect((await onSecond.ok(ME)).me.id).toBe(user.userId);
    await first.db!.dataSource.query(`DELETE FROM users WHERE id = $1`, [user.userId]);
    first.clock.advance(5_001);
    await expectRefused(onSecond);
  });

  it('refuses a worker blocked through the other process at the next lease, cache or not', async () => {
    const requester = await first.signUp(['REQUESTER']);
    const worker = await first.signUp(['WORKER']);
    const project = await makeProject(first.app.dataSource, requester.userId, {
      minOverlap: 1,
      maxOverlap: 1,
    });
    await makeTasks(first.app.dataSource, project.id, 2, { payload: () => ({ text: 'cat?' }) });
    const next = `mutation ($projectId: ID) { nextAssignment(projectId: $projectId) { id } }`;
    const onSecond = new GraphQLClient(secondUrl, worker.token);
    expect((await onSecond.ok(next, { projectId: project.id })).nextAssignment).not.toBeNull();

    await requester.client.ok(
      `mutation ($input: BlockWorkerInput!) { blockWorker(input: $input) { id } }`,
      { input: { workerId: worker.userId, projectId: project.id, reason: 'spam' } },
    );
    // No clock advance: blocks are read by the lease itself, not from the credential cache.
    // The second task is still open, so only the block explains an empty answer.
    const refused = await onSecond.query(next, { projectId: project.id });
    expect(refused.errors).toBeUndefined();
    expect(refused.data?.nextAssignment).toBeNull();
  });
});
