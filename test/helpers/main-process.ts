import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** `src/main.ts` running as its own process, as `npm start` runs it. */
export interface MainProcess {
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its exit code, once it exits. */
  readonly exited: Promise<number | null>;
  /** Resolves with `match(output)` once that is defined; rejects if the process exits first. */
  waitFor<T>(match: (output: string) => T | undefined): Promise<T>;
}

/** Starts the real entry point with `env` on top of this process's environment. */
export function startMainProcess(env: Record<string, string>): MainProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/main.ts'], {
    cwd: join(__dirname, '../..'),
    env: { ...process.env, NODE_OPTIONS: '', TS_NODE_SWC: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor: match =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = match(output);
          if (found !== undefined) resolve(found);
        };
        child.stdout!.on('data', check);
        check();
        exited.then(code => reject(new Error(`exited early with ${code}: ${output}`)));
      }),
  };
}

/** The GraphQL URL's origin from the "Quorum is listening" log line. */
export function listeningUrl(output: string): string | undefined {
  return /"url":"(http:\/\/[^"]+)\/graphql"/.exec(output)?.[1];
}
