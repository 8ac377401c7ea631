import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { ConfigError } from './config/load-config';

/**
 * How many API processes `QUORUM_PROCESSES` asks for: a positive integer, or `auto` for one per
 * core. Unset: 1, the plain single process.
 */
export function requestedProcesses(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  if (value === 'auto') return availableParallelism();
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) {
    throw new ConfigError([
      `QUORUM_PROCESSES must be a positive integer or "auto", got "${value}"`,
    ]);
  }
  return count;
}

/**
 * The node:cluster primary: forks one worker and waits until it listens (it runs the migrations,
 * so the others never race them), then forks the rest; they share the listening port, the
 * database and its jobs table (claimed with SKIP LOCKED), and keep no state another process
 * needs (credential caches expire, rate limits live in PostgreSQL). SIGTERM/SIGINT is passed to
 * every worker, and the primary exits once all have: each drains as a single process would.
 * A worker that dies unasked makes the primary stop the others and exit non-zero, so a
 * supervisor (systemd, Kubernetes) restarts the whole set rather than run short-handed silently.
 */
export function runClusterPrimary(processes: number, log: (message: string) => void): void {
  let stopping = false;
  let failed = false;
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      failed = true;
      log(`API process ${worker.process.pid} exited (${signal ?? code}); stopping the others`);
      stopAll('SIGTERM');
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
  });
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  process.on('SIGINT', () => stopAll('SIGINT'));

  const first = cluster.fork();
  first.once('listening', () => {
    for (let i = 1; i < processes && !stopping; i++) cluster.fork();
    log(`Quorum: ${processes} API processes`);
  });
}
