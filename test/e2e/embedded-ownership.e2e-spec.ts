import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  acquireDataDirLock,
  DataDirLockedError,
  dataDirLockPath,
} from '../../src/db/data-dir-lock';
import { createDataSource } from '../../src/db/data-source';
import { startTestServer } from '../helpers/test-server';

const ROOT = join(__dirname, '../..');
/** The server's grace period in this test: short, so the bound below means something. */
const GRACE_MS = 300;

/** Runs a TypeScript entry point of the repository as its own process, as npm scripts do. */
function run(script: string, env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', TS_NODE_SWC: 'true', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', chunk => (output += chunk));
  child.stderr.on('data', chunk => (output += chunk));
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  return { child, exited, output: () => output };
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const dead = spawn(process.execPath, ['-e', '']);
  await new Promise(resolve => dead.on('exit', resolve));
  return dead.pid!;
}

/**
 * The embedded database has one owner: while a process (`npm start`) holds `DATA_DIR`, a CLI
 * command on the same directory refuses with a clear message instead of working on its own copy
 * and losing writes; a lock left by a dead process is taken over. Closing (SIGTERM) ends within
 * the grace period even with a client holding a connection open mid-request.
 */
describe('embedded database ownership and shutdown (e2e)', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'quorum-own-')), 'data');
  });
  afterAll(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  it('refuses a CLI command while a live process owns DATA_DIR, with a message', async () => {
    // This (live) test process plays the running server.
    const release = acquireDataDirLock(dataDir);
    try {
      await expect(
        createDataSource({
          url: null,
          dataDir,
          poolSize: 1,
          migrationsRun: false,
          logging: false,
        }),
      ).rejects.toThrow(DataDirLockedError);
      const cli = run(
        'src/cli/create-admin.ts',
        {
          DATA_DIR: dataDir,
          QUORUM_ADMIN_PASSWORD: 'a long admin passphrase',
        },
        ['--email', 'admin@example.test'],
      );
      expect(await cli.exited).not.toBe(0);
      expect(cli.output()).toContain(`is in use by another Quorum process (pid ${process.pid}`);
      expect(cli.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace
    } finally {
      release();
    }
    expect(existsSync(dataDirLockPath(dataDir))).toBe(false);
  }, 120_000);

  it('takes over a lock whose owner is gone', async () => {
    writeFileSync(dataDirLockPath(dataDir), `${await deadPid()}\n`);
    const release = acquireDataDirLock(dataDir);
    expect(() => acquireDataDirLock(dataDir)).toThrow(DataDirLockedError);
    release();
    expect(existsSync(dataDirLockPath(dataDir))).toBe(false);
  });

  it('closes within the grace period while a client holds a request open', async () => {
    const server = await startTestServer({ env: { SHUTDOWN_GRACE_MS: String(GRACE_MS) } });
    // Headers sent, body never finished: the connection stays busy until forced closed.
    const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise(resolve => socket.once('connect', resolve));
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"q',
    );
    const stoppedAt = Date.now();
    await server.close(); // what SIGTERM runs (main.ts adds a hard deadline after the grace)
    socket.destroy();
    // Apollo's default drain waited 10 s for such a connection; now the grace period bounds it.
    expect(Date.now() - stoppedAt).toBeLessThan(GRACE_MS + 8_000);
  });
});
