import { createApp, type QuorumApp } from '../../src/app';
import { ManualClock } from '../../src/common/clock';
import { closeDataSource, createDataSource } from '../../src/db/data-source';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db';
import { testConfig } from '../helpers/test-config';
import { errorCode, GraphQLClient } from '../helpers/test-server';

/**
 * A real outage: the app reaches its PostgreSQL database through a TCP proxy, and the test cuts
 * the proxy (open connections dropped, new ones refused). Clients must get a retryable
 * SERVICE_UNAVAILABLE (HTTP 503, Retry-After) on every path, including the sign-in lookup behind
 * a bearer token, and the API must recover by itself when the database is back.
 */
describe('database outage (e2e)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: QuorumApp;
  let url: string;
  let dataSource: Awaited<ReturnType<typeof createDataSource>>;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    const config = testConfig({ DATABASE_URL: viaProxy.toString(), DATABASE_POOL_SIZE: '4' });
    dataSource = await createDataSource(config.database);
    await dataSource.initialize();
    app = await createApp(config, { clock: new ManualClock(Date.now()), dataSource });
    url = await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await proxy?.restore();
    await app?.close();
    if (dataSource) await closeDataSource(dataSource);
    await proxy?.close();
    await db?.drop();
  });

  it('answers SERVICE_UNAVAILABLE with 503 and Retry-After while the database is cut, then recovers', async () => {
    const anonymous = new GraphQLClient(url);
    const signUp = await anonymous.ok(
      `mutation { signUp(input: { email: "outage@example.test", password: "long enough pw", displayName: "O", roles: [WORKER] }) { token } }`,
    );
    const user = anonymous.withToken(signUp.signUp.token);
    expect((await user.ok(`{ me { displayName } }`)).me.displayName).toBe('O');

    await proxy.cut();
    const probes = [
      await user.query(`{ me { displayName } }`), // the sign-in lookup in passport fails first
      await anonymous.query(
        `mutation { logIn(input: { email: "outage@example.test", password: "long enough pw" }) { token } }`,
      ),
      await anonymous.query(
        `mutation { signUp(input: { email: "o2@example.test", password: "long enough pw", displayName: "O", roles: [WORKER] }) { token } }`,
      ),
    ];
    for (const [index, result] of probes.entries()) {
      expect({ index, status: result.status, code: errorCode(result) }).toEqual({
        index,
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
      });
      expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
    }

    await proxy.restore();
    expect((await user.ok(`{ me { displayName } }`)).me.displayName).toBe('O');
  });
});
