/**
 * Serving benchmark (a script, not a test: speed goals live here, never in timed tests).
 *
 *   npm run bench:serve [-- --workers 200 --seconds 20 --tasks 20000 --overlap 3 --pool 20
 *                          --pgbench-clients 16 --pgbench-seconds 10 --pgbench-scale 16 --keep-db
 *                          --processes 2 --rate R]
 *
 * One run, in phases of `--seconds` each, every phase printing throughput, p50/p95/p99/max per
 * operation and Node and PostgreSQL CPU per completed assignment:
 *   1. one API process (this one), `--workers` virtual workers, closed loop: the peak;
 *   2. the same with a second API process (`src/main.ts`, as `npm start` runs one) on the same
 *      database, the workers spread over both (skipped with `--processes 1`);
 *   3. one process, 20 workers: issue 16's p99 goal (≤ 50 ms for both operations);
 *   4. open loop at 50% of phase 1's completed assignments/s: one lease → submit started every
 *      1/R s on an idle virtual worker (latency at a fixed arrival rate, not at saturation).
 * `--rate R` runs only an open loop at R instead. Then: SQL statements per call (counted), the
 * invariants, pgbench, and completed assignments/s of phases 1 and 2 as a ratio of its tps.
 *
 * 1. Creates a fresh database on the PostgreSQL of BENCH_PG_ADMIN_URL (default
 *    postgres://postgres@127.0.0.1:5432/test) and starts the real app on it (createApp: migrations,
 *    express, Apollo, the job scheduler) on a free port.
 * 2. Seeds a requester, an ACTIVE single-choice project with `--tasks` tasks at fixed overlap
 *    `--overlap`, and `--workers` worker accounts with JWTs (rows inserted directly: sign-up's
 *    Argon2 hashing is not what is measured).
 * 3. Runs the phases above; in each, every virtual worker runs nextAssignment → submitAssignment
 *    over HTTP (GraphQL POSTs on keep-alive connections, one socket per worker), recording each
 *    call's latency. The virtual workers run in a worker thread, so their HTTP clients do not
 *    compete with the server for its event loop (they still share the machine's cores). Prints throughput (leased + submitted assignments per second) and p50/p95/p99
 *    latency per operation.
 * 4. Checks the invariants in SQL (`findInvariantViolations`: no task answered twice by a worker,
 *    no task over its overlap, counters equal a recount, …) and that every acknowledged answer is
 *    a stored, counted row; prints any violation. Exit code 1 on a violation.
 * 5. Closes the app, initialises a pgbench schema in the same database and runs pgbench
 *    tpcb-like (`-c 16 -T 10` by default) to show what the database itself sustains here.
 *
 * The database is dropped at the end unless --keep-db.
 */
import 'reflect-metadata';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { insertBenchProject, withScratchDatabase } from './bench-support';
import { backendCpuSeconds, cpuSecondsBetween } from './cpu-time';
import { createApp, type QuorumApp } from '../src/app';
import { createLogger } from '../src/common/logger';
import { RequestContext } from '../src/common/request-context';
import { loadConfig } from '../src/config/load-config';
import { closeDataSource, createDataSource } from '../src/db/data-source';
import { findInvariantViolations } from '../src/modules/marketplace/assignment-invariants';
import { Role } from '../src/modules/auth/role';
import { User } from '../src/modules/auth/user.entity';
import { QueryCounter } from '../test/helpers/query-counter';

const { values: flags } = parseArgs({
  // The load thread re-loads this file; it takes its input from workerData, not from flags.
  args: isMainThread ? process.argv.slice(2) : [],
  options: {
    workers: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    tasks: { type: 'string', default: '20000' },
    overlap: { type: 'string', default: '3' },
    pool: { type: 'string', default: '20' },
    'pgbench-clients': { type: 'string', default: '16' },
    'pgbench-seconds': { type: 'string', default: '10' },
    'pgbench-scale': { type: 'string', default: '16' },
    'keep-db': { type: 'boolean', default: false },
    rate: { type: 'string' },
    processes: { type: 'string', default: '2' },
  },
});
const WORKERS = positive('workers');
const SECONDS = positive('seconds');
const TASKS = positive('tasks');
const OVERLAP = positive('overlap');
const POOL = positive('pool');
const RATE = flags.rate === undefined ? undefined : positive('rate');
/** 2: the closed-loop run is repeated with a second API process (`src/main.ts`) on the same database. */
const PROCESSES = positive('processes');

function positive(name: keyof typeof flags): number {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer`);
  return value;
}

const NEXT = `mutation Next($projectId: ID) {
  nextAssignment(projectId: $projectId) { id expiresAt task { id payload labelSchema { labels { key } } } }
}`;
const SUBMIT = `mutation Submit($input: SubmitAssignmentInput!) {
  submitAssignment(input: $input) { id status }
}`;

/** GraphQL over one keep-alive agent; resolves with the parsed body and the latency. */
class GraphQLHttpClient {
  private readonly agent: http.Agent;
  private readonly url: URL;

  constructor(baseUrl: string, sockets: number) {
    this.url = new URL('/graphql', baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  request(
    token: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<{ body: GraphQLBody; ms: number }> {
    const payload = JSON.stringify({ query, variables });
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const req = http.request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            authorization: `Bearer ${token}`,
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', chunk => chunks.push(chunk));
          res.on('end', () => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            try {
              resolve({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), ms });
            } catch (error) {
              reject(error);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

interface GraphQLBody {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Latencies and outcomes per operation. */
class Recorder {
  readonly latencies = new Map<string, number[]>();
  readonly errors = new Map<string, number>();

  record(operation: string, ms: number): void {
    const list = this.latencies.get(operation) ?? [];
    list.push(ms);
    this.latencies.set(operation, list);
  }

  error(operation: string, code: string): void {
    const key = `${operation}: ${code}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function findPgbench(): string {
  try {
    return execFileSync('which', ['pgbench'], { encoding: 'utf8' }).trim();
  } catch {
    for (const version of ['18', '17', '16', '15']) {
      const path = `/usr/lib/postgresql/${version}/bin/pgbench`;
      if (existsSync(path)) return path;
    }
    throw new Error('pgbench not found (install the PostgreSQL client tools)');
  }
}

async function seed(app: QuorumApp) {
  const manager = app.dataSource.manager;
  const { projectId } = await insertBenchProject(manager, {
    emailTag: 'requester',
    name: 'Bench: cats and dogs',
    instructions: 'Pick the animal.',
    labels: [
      { key: 'cat', displayName: 'Cat' },
      { key: 'dog', displayName: 'Dog' },
    ],
    overlap: OVERLAP,
  });
  await manager.query(
    `INSERT INTO tasks (project_id, external_id, payload)
     SELECT $1, 'item-' || n, jsonb_build_object('n', n, 'text', 'Item ' || n)
     FROM generate_series(1, $2) AS n`,
    [projectId, TASKS],
  );
  await manager.query('ANALYZE');
  const workerRows: Array<{ id: string }> = await manager.query(
    `INSERT INTO users (email, display_name, roles)
     SELECT 'bench-worker-' || n || '-' || $2 || '@example.test', 'worker ' || n, '{WORKER}'
     FROM generate_series(1, $1) AS n RETURNING id`,
    [WORKERS, process.pid],
  );
  const ctx = RequestContext.create({ clock: app.clock });
  const tokens = workerRows.map(row => {
    const user = Object.assign(new User(), { id: row.id, roles: [Role.WORKER] });
    return app.services.auth.issueToken(ctx, user).token;
  });
  return { projectId, tokens };
}

interface LoadInput {
  /** API processes; the virtual workers are spread over them in turn. */
  readonly baseUrls: string[];
  readonly projectId: string;
  readonly tokens: string[];
  readonly seconds: number;
  /** Open loop: start one lease → submit every 1/rate s whatever the answers' speed; unset: closed loop. */
  readonly rate?: number;
}

interface LoadResult {
  readonly latencies: Record<string, number[]>;
  readonly errors: Record<string, number>;
  readonly acknowledged: string[];
  readonly leased: number;
  readonly empty: number;
  readonly elapsedSeconds: number;
}

/** The virtual workers' loop: runs in a worker thread, so the clients do not eat the server's CPU. */
async function generateLoad(input: LoadInput): Promise<LoadResult> {
  const clients = input.baseUrls.map(url => new GraphQLHttpClient(url, input.tokens.length));
  const clientOf = new Map(input.tokens.map((token, i) => [token, clients[i % clients.length]]));
  const recorder = new Recorder();
  const acknowledged: string[] = [];
  let leased = 0;
  let empty = 0;
  const deadline = performance.now() + input.seconds * 1000;

  /** One lease → submit; false when there was nothing to submit. */
  const cycle = async (token: string): Promise<boolean> => {
    const client = clientOf.get(token)!;
    const next = await client.request(token, NEXT, { projectId: input.projectId });
    recorder.record('nextAssignment', next.ms);
    const lease = next.body.data?.nextAssignment;
    if (next.body.errors?.length) {
      recorder.error('nextAssignment', next.body.errors[0].extensions?.code ?? 'unknown');
      return false;
    }
    if (!lease) {
      empty++;
      return false;
    }
    leased++;
    const labels = lease.task.labelSchema.labels as Array<{ key: string }>;
    const answer = labels[(lease.task.payload.n as number) % labels.length].key;
    const submit = await client.request(token, SUBMIT, {
      input: { assignmentId: lease.id, answer: { labels: [answer] }, clientDurationMs: 1500 },
    });
    recorder.record('submitAssignment', submit.ms);
    if (submit.body.errors?.length) {
      recorder.error('submitAssignment', submit.body.errors[0].extensions?.code ?? 'unknown');
    } else {
      acknowledged.push(submit.body.data!.submitAssignment.id);
    }
    return true;
  };
  const closedLoop = async (token: string) => {
    while (performance.now() < deadline) await cycle(token);
  };
  /** Arrivals every 1/rate s on the first idle worker; an arrival with none idle is counted as dropped. */
  const openLoop = async (rate: number) => {
    const idle = [...input.tokens];
    const running: Array<Promise<void>> = [];
    const start = performance.now();
    for (let k = 0; start + (k * 1000) / rate < deadline; k++) {
      const wait = start + (k * 1000) / rate - performance.now();
      if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
      const token = idle.pop();
      if (!token) {
        recorder.error('arrival', 'no idle worker (dropped)');
        continue;
      }
      running.push(cycle(token).then(() => void idle.push(token)));
    }
    await Promise.all(running);
  };
  const started = performance.now();
  if (input.rate) await openLoop(input.rate);
  else await Promise.all(input.tokens.map(closedLoop));
  const elapsedSeconds = (performance.now() - started) / 1000;
  for (const client of clients) client.close();
  return {
    latencies: Object.fromEntries(recorder.latencies),
    errors: Object.fromEntries(recorder.errors),
    acknowledged,
    leased,
    empty,
    elapsedSeconds,
  };
}

/** Runs `generateLoad` in a worker thread (this file, loaded through bin/register-swc.js). */
function runWorkers(input: LoadInput): Promise<LoadResult> {
  const register = join(__dirname, '../bin/register-swc.js');
  const bootstrap = `require(${JSON.stringify(register)});\nrequire(${JSON.stringify(__filename)});`;
  return new Promise((resolve, reject) => {
    const thread = new Worker(bootstrap, { eval: true, workerData: input });
    thread.once('message', resolve);
    thread.once('error', reject);
    thread.once('exit', code => {
      if (code !== 0) reject(new Error(`load thread exited with code ${code}`));
    });
  });
}

/** What the round-trip probe reads of a lease. */
interface ProbedLease {
  id: string;
  task: { payload: { n: number }; labelSchema: { labels: Array<{ key: string }> } };
}

/** Sequential lease → submit pairs probed one at a time for the statements each request sends. */
const ROUND_TRIP_PROBES = 15;

/**
 * SQL statements per nextAssignment and per submitAssignment, counted (every statement the app's
 * DataSource sends, BEGIN and COMMIT included) over sequential calls by one worker after the
 * load; the median, so a background job's statement landing in one window does not count.
 */
async function countRoundTrips(
  baseUrl: string,
  token: string,
  projectId: string,
  counter: QueryCounter,
) {
  const client = new GraphQLHttpClient(baseUrl, 1);
  const perLease: number[] = [];
  const perSubmit: number[] = [];
  try {
    for (let i = 0; i < ROUND_TRIP_PROBES; i++) {
      let lease = null as ProbedLease | null;
      perLease.push(
        (
          await counter.during(async () => {
            lease =
              (await client.request(token, NEXT, { projectId })).body.data?.nextAssignment ?? null;
          })
        ).length,
      );
      if (!lease) break;
      const { id, task } = lease;
      const answer = task.labelSchema.labels[task.payload.n % task.labelSchema.labels.length].key;
      perSubmit.push(
        (
          await counter.during(() =>
            client.request(token, SUBMIT, {
              input: { assignmentId: id, answer: { labels: [answer] }, clientDurationMs: 1500 },
            }),
          )
        ).length,
      );
    }
  } finally {
    client.close();
  }
  const median = (values: number[]) =>
    values.length
      ? percentile(
          [...values].sort((a, b) => a - b),
          50,
        )
      : NaN;
  return { lease: median(perLease), submit: median(perSubmit), probes: perSubmit.length };
}

async function checkInvariants(app: QuorumApp, projectId: string, acknowledged: string[]) {
  const problems: string[] = [];
  for (const violation of await findInvariantViolations(app.dataSource.manager)) {
    problems.push(
      `${violation.invariant}: ${violation.count} rows, e.g. ${JSON.stringify(violation.examples)}`,
    );
  }
  const [counts] = await app.dataSource.query(
    `SELECT count(*) FILTER (WHERE status = 'LEASED')::int AS leased,
            count(*) FILTER (WHERE status IN ('SUBMITTED', 'APPROVED') AND counted)::int AS counted,
            count(*)::int AS total
     FROM assignments WHERE project_id = $1`,
    [projectId],
  );
  const stored: Array<{ id: string }> = await app.dataSource.query(
    `SELECT id FROM assignments WHERE id = ANY($1::uuid[]) AND status IN ('SUBMITTED', 'APPROVED') AND counted`,
    [acknowledged],
  );
  if (stored.length !== acknowledged.length) {
    problems.push(
      `acknowledged answers lost: ${acknowledged.length - stored.length} of ${acknowledged.length}`,
    );
  }
  return { problems, counts };
}

/** pgbench's tpcb-like load on the database at `url` (its host, port, user and name). */
function runPgbench(url: string) {
  const pgbench = findPgbench();
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  const connection = [
    '-h',
    target.hostname,
    '-p',
    target.port || '5432',
    '-U',
    decodeURIComponent(target.username || 'postgres'),
  ];
  const scale = flags['pgbench-scale']!;
  execFileSync(pgbench, [...connection, '-i', '-q', '-s', scale, database], { stdio: 'pipe' });
  const output = execFileSync(
    pgbench,
    [
      ...connection,
      '-b',
      'tpcb-like',
      '-c',
      flags['pgbench-clients']!,
      '-j',
      String(Math.min(Number(flags['pgbench-clients']), availableParallelism())),
      '-T',
      flags['pgbench-seconds']!,
      database,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1];
  const latency = /latency average = ([\d.]+) ms/.exec(output)?.[1];
  return { tps: tps ? Number(tps) : NaN, latencyMs: latency ? Number(latency) : NaN, scale };
}

/** CPU seconds (user + system) of a process on this machine, from /proc. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A second API process (`src/main.ts`, as `npm start` runs one) on the same database, no
 * migrations (the first ran them); resolves once it answers /healthz.
 */
async function startSecondProcess(
  url: string,
): Promise<{ baseUrl: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['-r', join(__dirname, '../bin/register-swc.js'), join(__dirname, '../src/main.ts')],
    {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: String(POOL),
        MIGRATIONS_RUN: 'false',
        LOG_LEVEL: 'warn',
        JOBS_ENABLED: 'true',
        HOST: '127.0.0.1',
        PORT: String(port),
        QUORUM_PROCESSES: '1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  for (let attempt = 0; ; attempt++) {
    const ok = await new Promise<boolean>(resolve => {
      http
        .get(`${baseUrl}/healthz`, res => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) break;
    if (attempt > 600 || child.exitCode !== null)
      throw new Error('the second API process did not start');
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The whole run on the scratch database at `url`: the app, the virtual workers, the invariant
 * check and pgbench for scale. Returns true when an invariant was violated.
 */
async function benchmarkServing(url: string): Promise<boolean> {
  let app: QuorumApp | undefined;
  let dataSource: Awaited<ReturnType<typeof createDataSource>> | undefined;
  try {
    const config = loadConfig({
      NODE_ENV: 'development',
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: String(POOL),
      MIGRATIONS_RUN: 'true',
      LOG_LEVEL: 'warn',
      JOBS_ENABLED: 'true',
    });
    const counter = new QueryCounter();
    dataSource = await createDataSource(config.database, { logger: counter });
    app = await createApp(config, { logger: createLogger('warn'), dataSource });
    const baseUrl = await app.listen(0, '127.0.0.1');
    const { projectId, tokens } = await seed(app);
    const [{ server_version: version }] = await app.dataSource.query('SHOW server_version');

    process.stdout.write(
      `bench:serve — ${WORKERS} virtual workers for ${SECONDS} s over HTTP (${RATE ? `open loop, ${RATE} arrivals/s` : 'closed loop'}), ${TASKS} tasks × overlap ` +
        `${OVERLAP}, pool ${POOL}, PostgreSQL ${version}, ${availableParallelism()} CPUs, Node ${process.version}\n`,
    );
    const acknowledged: string[] = [];
    /** One load phase: prints its throughput, latencies and CPU per completed assignment. */
    const phase = async (
      title: string,
      input: Omit<LoadInput, 'projectId' | 'seconds'>,
      others: number[] = [],
    ) => {
      const postgresBefore = await backendCpuSeconds(app!.dataSource);
      const othersBefore = others.map(processCpuSeconds);
      const nodeBefore = process.cpuUsage();
      const run = await runWorkers({ ...input, projectId, seconds: SECONDS });
      const nodeCpu = process.cpuUsage(nodeBefore);
      const otherSeconds = others.reduce(
        (sum, pid, i) => sum + processCpuSeconds(pid) - othersBefore[i],
        0,
      );
      const postgresSeconds = cpuSecondsBetween(
        postgresBefore,
        await backendCpuSeconds(app!.dataSource),
      );
      acknowledged.push(...run.acknowledged);
      const submitted = run.acknowledged.length;
      process.stdout.write(
        `\n== ${title}\nthroughput: ${((run.leased + submitted) / run.elapsedSeconds).toFixed(0)} assignments/s ` +
          `(leased + submitted; ${run.leased} leased, ${submitted} submitted = completed in ` +
          `${run.elapsedSeconds.toFixed(1)} s: ${(submitted / run.elapsedSeconds).toFixed(0)} completed/s; ` +
          `${run.empty} empty nextAssignment answers)\n`,
      );
      process.stdout.write('operation          calls      p50 ms   p95 ms   p99 ms   max ms\n');
      for (const [operation, latencies] of Object.entries(run.latencies)) {
        const sorted = [...latencies].sort((a, b) => a - b);
        process.stdout.write(
          `${operation.padEnd(18)} ${String(sorted.length).padStart(6)} ` +
            [50, 95, 99, 100].map(p => percentile(sorted, p).toFixed(1).padStart(8)).join(' ') +
            '\n',
        );
      }
      for (const [key, count] of Object.entries(run.errors)) {
        process.stdout.write(`error ${key}: ${count}\n`);
      }
      const perAssignmentMs = (seconds: number) => ((seconds * 1000) / submitted).toFixed(1);
      process.stdout.write(
        `CPU per completed assignment: Node ${perAssignmentMs((nodeCpu.user + nodeCpu.system) / 1e6 + otherSeconds)} ms ` +
          `(this process, with the load thread: an upper bound${others.length ? ', plus the second API process' : ''}), PostgreSQL ` +
          `${perAssignmentMs(postgresSeconds)} ms (the app's backends, from /proc)\n`,
      );
      return { ...run, completedPerSecond: submitted / run.elapsedSeconds };
    };

    const baseUrls = [baseUrl];
    const peak = await phase(
      `1 API process, ${WORKERS} workers, ${RATE ? `open loop at ${RATE}/s` : 'closed loop'}`,
      { baseUrls, tokens, rate: RATE },
    );
    let twoProcesses: Awaited<ReturnType<typeof phase>> | undefined;
    if (RATE === undefined && PROCESSES >= 2) {
      const second = await startSecondProcess(url);
      try {
        twoProcesses = await phase(
          `2 API processes, ${WORKERS} workers, closed loop`,
          {
            baseUrls: [baseUrl, second.baseUrl],
            tokens,
          },
          [second.pid],
        );
      } finally {
        await second.stop();
      }
    }
    if (RATE === undefined) {
      await phase(
        `1 API process, ${Math.min(20, tokens.length)} workers (issue 16: p99 of both ≤ 50 ms)`,
        {
          baseUrls,
          tokens: tokens.slice(0, 20),
        },
      );
      const half = Math.max(1, Math.round(peak.completedPerSecond / 2));
      await phase(`open loop at 50% of the 1-process peak: ${half} lease → submit pairs/s`, {
        baseUrls,
        tokens,
        rate: half,
      });
    }
    const trips = await countRoundTrips(baseUrl, tokens[0], projectId, counter);
    process.stdout.write(
      `\nSQL round trips (counted, median of ${trips.probes} sequential pairs): ` +
        `${trips.lease} per nextAssignment, ${trips.submit} per submitAssignment\n`,
    );

    const { problems, counts } = await checkInvariants(app, projectId, acknowledged);
    process.stdout.write(
      `\ninvariants: ${counts.total} assignments (${counts.counted} counted, ${counts.leased} still leased)` +
        (problems.length === 0 ? ' — all hold\n' : '\n'),
    );
    for (const problem of problems) process.stdout.write(`VIOLATION ${problem}\n`);
    const failing = problems.length > 0;

    await app.close();
    app = undefined;
    await closeDataSource(dataSource);
    dataSource = undefined;
    const pgbench = runPgbench(url);
    const ratio = (label: string, completedPerSecond: number) =>
      `completed assignments/s ÷ pgbench tps (${label}): ${completedPerSecond.toFixed(0)} ÷ ` +
      `${pgbench.tps.toFixed(0)} = ${(completedPerSecond / pgbench.tps).toFixed(3)}× (issue 16's goal: 0.25× at 200 workers)\n`;
    process.stdout.write(
      `\npgbench tpcb-like, same database (scale ${pgbench.scale}, -c ${flags['pgbench-clients']} ` +
        `-T ${flags['pgbench-seconds']}): ${pgbench.tps.toFixed(0)} tps, ` +
        `latency average ${pgbench.latencyMs.toFixed(1)} ms\n` +
        ratio(`1 process, ${WORKERS} workers`, peak.completedPerSecond) +
        (twoProcesses
          ? ratio(`2 processes, ${WORKERS} workers`, twoProcesses.completedPerSecond)
          : ''),
    );
    return failing;
  } finally {
    await app?.close();
    if (dataSource) await closeDataSource(dataSource);
  }
}

async function main(): Promise<void> {
  const database = `quorum_bench_${process.pid}`;
  const failed = await withScratchDatabase(database, benchmarkServing, { keep: flags['keep-db'] });
  if (failed) process.exitCode = 1;
}

if (isMainThread) {
  main().catch(error => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
} else {
  void generateLoad(workerData as LoadInput).then(result => parentPort!.postMessage(result));
}
