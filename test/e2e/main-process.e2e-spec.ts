import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * The real entry point as a separate process, as `npm start` runs it: on the embedded database
 * with no other service, it serves `{ __typename }`, and SIGTERM shuts it down cleanly.
 */
describe('main process (e2e)', () => {
  it('serves GraphQL on the embedded database and exits 0 on SIGTERM', async () => {
    const root = join(__dirname, '../..');
    const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        TS_NODE_SWC: 'true',
        DATABASE_URL: '',
        DATA_DIR: 'memory://',
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

    const url = await new Promise<string>((resolve, reject) => {
      const onData = () => {
        const match = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(output);
        if (match) resolve(match[1]);
      };
      child.stdout.on('data', onData);
      exited.then(code => reject(new Error(`exited early with ${code}: ${output}`)));
    });

    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('"signal":"SIGTERM"');
    // A cap, not a speed goal: ts-node compiling the whole app in a child process beside two
    // jest workers on a 2-core machine has taken well over a minute.
  }, 240_000);
});
