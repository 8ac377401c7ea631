import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db';

/**
 * `QUORUM_PROCESSES=2` on PostgreSQL: the entry point forks two API processes under
 * node:cluster that share one port (both log that they listen, after the first ran the
 * migrations), serve, and SIGTERM to the primary drains both and
 * exits 0.
 */
describe('QUORUM_PROCESSES (e2e)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  }, 60_000);
  afterAll(() => db?.drop());

  it('runs two API processes on one port and shuts both down on SIGTERM', async () => {
    const root = join(__dirname, '../..');
    const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        TS_NODE_SWC: 'true',
        DATABASE_URL: db.url,
        QUORUM_PROCESSES: '2',
        PORT: '0',
        LOG_LEVEL: 'info',
        NODE_ENV: 'development',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    const listening = () => output.match(/"msg":"Quorum is listening"/g)?.length ?? 0;

    const url = await new Promise<string>((resolve, reject) => {
      const onData = () => {
        const match = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(output);
        if (match && listening() === 2) resolve(match[1]);
      };
      child.stdout.on('data', onData);
      exited.then(code => reject(new Error(`exited early with ${code}: ${output}`)));
    });
    expect(output).toContain('Quorum: 2 API processes');

    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    }

    child.kill('SIGTERM');
    expect({ code: await exited, output }).toMatchObject({ code: 0 });
    expect(output.match(/"signal":"SIGTERM","msg":"shutting down"/g)?.length).toBe(2);
  }, 240_000);
});
