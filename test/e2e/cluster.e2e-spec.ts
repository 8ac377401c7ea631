import { listeningUrl, startMainProcess } from '../helpers/main-process';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db';

/**
 * `QUORUM_PROCESSES=2` on PostgreSQL: the entry point forks two API processes under
 * node:cluster that share one port (both log that they listen, after the first ran the
 * migrations), serve, and SIGTERM to the primary drains both and exits 0.
 */
describe('QUORUM_PROCESSES (e2e)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  }, 60_000);
  afterAll(() => db?.drop());

  it('runs two API processes on one port and shuts both down on SIGTERM', async () => {
    const main = startMainProcess({
      DATABASE_URL: db.url,
      QUORUM_PROCESSES: '2',
      PORT: '0',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
    });
    const listening = (output: string) => output.match(/"msg":"Quorum is listening"/g)?.length;
    const url = await main.waitFor(output =>
      listening(output) === 2 ? listeningUrl(output) : undefined,
    );
    expect(main.output()).toContain('Quorum: 2 API processes');

    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    }

    main.child.kill('SIGTERM');
    expect({ code: await main.exited, output: main.output() }).toMatchObject({ code: 0 });
    expect(main.output().match(/"signal":"SIGTERM","msg":"shutting down"/g)?.length).toBe(2);
    // Each worker closed everything (exit 0 alone also followed a close that never finished).
    expect(main.output().match(/"signal":"SIGTERM","msg":"stopped"/g)?.length).toBe(2);
  }, 240_000);
});
