import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';

/** What a `quorum` child process printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const BIN = join(__dirname, '..', '..', 'bin', 'quorum.js');

/** Only `env` (plus PATH and HOME), so no credentials leak in from the developer's shell. */
function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: env.HOME ?? '/nonexistent', ...env };
}

/** Runs the real `quorum` command (bin/quorum.js) as a child process with only `env`. */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: childEnv(env), maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        if (typeof code !== 'number') return reject(error);
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}

/**
 * Runs `quorum` and kills it with SIGKILL the moment its stderr matches `pattern`: a crash at
 * that point, with whatever request it had in flight left to the server. Resolves once the
 * process is gone, with the signal that ended it (null if it finished before matching).
 */
export function runCliKilledAt(
  args: readonly string[],
  env: Record<string, string>,
  pattern: RegExp,
): Promise<{ signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => {
      stderr += chunk;
      if (pattern.test(stderr)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ signal, stdout, stderr }));
  });
}

/** `quorum` run from the TypeScript sources (QUORUM_FROM_SOURCE=1), for commands that work offline. */
export function runQuorumFromSource(...args: string[]): Promise<CliRun> {
  return runCli(args, { QUORUM_FROM_SOURCE: '1' });
}
