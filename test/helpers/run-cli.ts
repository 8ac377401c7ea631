import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** What a `quorum` child process printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const BIN = join(__dirname, '..', '..', 'bin', 'quorum.js');

/**
 * Runs the real `quorum` command (bin/quorum.js) as a child process with only `env` (plus PATH
 * and HOME), so no credentials leak in from the developer's shell.
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { PATH: process.env.PATH ?? '', HOME: env.HOME ?? '/nonexistent', ...env },
        maxBuffer: 64 << 20,
      },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        if (typeof code !== 'number') return reject(error);
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}

/** `quorum` run from the TypeScript sources (QUORUM_FROM_SOURCE=1), for commands that work offline. */
export function runQuorumFromSource(...args: string[]): Promise<CliRun> {
  return runCli(args, { QUORUM_FROM_SOURCE: '1' });
}
