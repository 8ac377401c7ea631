/**
 * The `quorum` command against the e2e app over real HTTP, run as a child process (the built
 * bin/quorum.js): a project from a YAML spec, a 25,000-task JSONL import in three batches, an
 * import stopped after a batch, then killed half-way, and resumed without duplicates, streamed
 * exports in big pages, clean errors that never show the API key, and `login`'s owner-only
 * credentials file.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sentimentProjectInput } from '../helpers/e2e-project-input';
import { fundRequester } from '../helpers/money-fixtures';
import { runCli, runCliKilledAt } from '../helpers/run-cli';
import { errorCode, type GraphQLClient, useTestServer } from '../helpers/test-server';

const TASK_COUNT = 25_000;
const GOLD_EVERY = 50;

const SPEC = `name: CLI sentiment
currency: usd
rewardAmount: 5
labelSchema:
  kind: SINGLE_CHOICE
  labels:
    - { key: pos, displayName: Positive }
    - { key: neg, displayName: Negative }
overlap: 1
goldRate: 0.1
instructionsFile: instructions.md
qualification: { tasks: 0, passMark: 0.7 }
rules:
  - name: low gold accuracy
    collector: { kind: GOLD_ACCURACY, minCount: 3 }
    conditions: [{ metric: accuracy, op: '<', value: 0.5 }]
    action: { kind: FLAG }
`;

describe('quorum command over the API (e2e)', () => {
  const server = useTestServer();
  let dir: string;
  let requester: { client: GraphQLClient; userId: string };
  let env: Record<string, string>;
  let apiKey: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quorum-cli-'));
    requester = await server.signUp(['REQUESTER']);
    const { createApiKey } = await requester.client.ok(
      `mutation { createApiKey(input: { name: "cli", scopes: [REQUESTER] }) { secret } }`,
    );
    apiKey = createApiKey.secret;
    env = {
      QUORUM_URL: server.url,
      QUORUM_API_KEY: apiKey,
      QUORUM_CONFIG: join(dir, 'unused-credentials.json'),
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function createProject(): Promise<string> {
    const specPath = join(dir, 'project.yaml');
    writeFileSync(specPath, SPEC.replace('CLI sentiment', `CLI sentiment ${randomUUID()}`));
    writeFileSync(join(dir, 'instructions.md'), '# Read the text\nPick its sentiment.\n');
    const run = await runCli(['projects', 'create', '--spec', specPath], env);
    expect(run).toMatchObject({ code: 0 });
    return (JSON.parse(run.stdout) as { id: string }).id;
  }

  async function taskRows(projectId: string): Promise<Array<{ id: string; externalId: string }>> {
    const rows: Array<{ id: string; externalId: string }> = [];
    const count = await server.db!.dataSource.query(
      'SELECT id, external_id AS "externalId" FROM tasks WHERE project_id = $1',
      [projectId],
    );
    rows.push(...(count as typeof rows));
    return rows;
  }

  it('creates the whole project from a YAML spec, once for a repeated spec', async () => {
    const specPath = join(dir, 'spec-once.yaml');
    writeFileSync(specPath, SPEC);
    writeFileSync(join(dir, 'instructions.md'), '# Read the text\nPick its sentiment.\n');
    const first = await runCli(['projects', 'create', '--spec', specPath], env);
    expect(first.code).toBe(0);
    const project = JSON.parse(first.stdout);
    expect(project).toMatchObject({
      name: 'CLI sentiment',
      status: 'DRAFT',
      rewardAmount: 5,
      goldRate: 0.1,
      qualificationPassMark: 0.7,
      instructions: '# Read the text\nPick its sentiment.\n',
      overlap: { minOverlap: 1, maxOverlap: 1 },
      labelSchema: { kind: 'SINGLE_CHOICE' },
    });
    expect(project.rules).toHaveLength(1);

    const again = await runCli(['projects', 'create', '--spec', specPath], env);
    expect(JSON.parse(again.stdout).id).toBe(project.id);
    const { qualityRules } = await requester.client.ok(
      `query ($id: ID!) { qualityRules(projectId: $id) { id } }`,
      { id: project.id },
    );
    expect(qualityRules).toHaveLength(1);

    const listed = await runCli(['projects', 'list', '--status', 'draft'], env);
    expect(listed.stdout).toContain(`${project.id}\tDRAFT\tCLI sentiment`);
  });

  it('imports 25,000 tasks in batches, resumes a stopped import without duplicates, and exports every task', async () => {
    const projectId = await createProject();
    const file = join(dir, 'tasks.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < TASK_COUNT; i += 1) {
      const gold = i % GOLD_EVERY === 0 ? { goldLabel: i % 100 === 0 ? 'pos' : 'neg' } : {};
      lines.push(JSON.stringify({ externalId: `t-${i}`, payload: { text: `item ${i}` }, ...gold }));
    }
    writeFileSync(file, `${lines.join('\n')}\n`);

    // The "crash": the import stops after its first batch of 10,000.
    const stopped = await runCli(
      ['tasks', 'import', file, '--project', projectId, '--max-batches', '1'],
      env,
    );
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toBe('created 10000, skipped 0, failed 0\n');
    expect(stopped.stderr).toContain('run the same command again');
    expect(await taskRows(projectId)).toHaveLength(10_000);

    // A real crash: killed (SIGKILL) once its second batch is in, the third on its way.
    const killed = await runCliKilledAt(
      ['tasks', 'import', file, '--project', projectId],
      env,
      /^batch 2: /m,
    );
    expect(killed).toMatchObject({ signal: 'SIGKILL', stdout: '' });
    expect((await taskRows(projectId)).length).toBeGreaterThanOrEqual(20_000);

    const resumed = await runCli(['tasks', 'import', file, '--project', projectId], env);
    expect(resumed.code).toBe(0);
    // The third batch may have reached the server before the kill: then it is skipped now.
    const [, created, skipped] = /^created (\d+), skipped (\d+), failed 0\n$/.exec(resumed.stdout)!;
    expect(Number(created) + Number(skipped)).toBe(TASK_COUNT);
    expect(Number(skipped)).toBeGreaterThanOrEqual(20_000);
    // Not a terminal: one plain line per batch, three batches.
    expect(resumed.stderr.match(/^batch \d+: lines/gm)).toHaveLength(3);

    const rows = await taskRows(projectId);
    expect(rows).toHaveLength(TASK_COUNT);
    expect(new Set(rows.map(row => row.externalId)).size).toBe(TASK_COUNT);
    const [{ gold }] = await server.db!.dataSource.query(
      'SELECT count(*)::int AS gold FROM tasks WHERE project_id = $1 AND is_gold',
      [projectId],
    );
    expect(gold).toBe(TASK_COUNT / GOLD_EVERY);

    const output = join(dir, 'results.jsonl');
    const exported = await runCli(
      ['results', 'export', '--project', projectId, '--format', 'jsonl', '--output', output],
      env,
    );
    expect(exported).toMatchObject({ code: 0, stdout: '' });
    // Big keyset pages: five round trips for 25,000 tasks, not 250.
    expect(exported.stderr).toBe(`exported ${TASK_COUNT} tasks in 5 page(s)\n`);
    const results = readFileSync(output, 'utf8')
      .trimEnd()
      .split('\n')
      .map(line => JSON.parse(line));
    // Every task exactly once across the pages.
    expect(results).toHaveLength(TASK_COUNT);
    expect(new Set(results.map(r => r.task_id)).size).toBe(TASK_COUNT);
    expect(new Set(results.map(r => r.task_id))).toEqual(new Set(rows.map(row => row.id)));
    expect(results.filter(r => r.is_gold)).toHaveLength(TASK_COUNT / GOLD_EVERY);

    // resultsPage's limit is 5,000: one more is refused, cleanly; Project.results, which a list
    // of projects could multiply, keeps pages of 100.
    const tooBig = await requester.client.query(
      `query ($id: ID!, $first: Int!) { resultsPage(projectId: $id, first: $first) { totalCount } }`,
      { id: projectId, first: 5_001 },
    );
    expect(errorCode(tooBig)).toBe('BAD_USER_INPUT');
    const nested = await requester.client.query(
      `query ($id: ID!, $first: Int!) { project(id: $id) { results(first: $first) { totalCount } } }`,
      { id: projectId, first: 101 },
    );
    expect(errorCode(nested)).toBe('BAD_USER_INPUT');
  }, 360_000);

  it('reports refused lines by number, imports the rest, and exits non-zero', async () => {
    const projectId = await createProject();
    const file = join(dir, 'mixed.csv');
    writeFileSync(
      file,
      [
        'external_id,gold_label,text',
        'a,,first',
        'b,not-a-label,second',
        'c,pos,"third, quoted"',
        'd,,"unterminated',
      ].join('\n'),
    );
    const run = await runCli(['tasks', 'import', file, '--project', projectId], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('created 2, skipped 0, failed 2\n');
    expect(run.stderr).toMatch(/^line 3: BAD_USER_INPUT: /m);
    expect(run.stderr).toMatch(/^line 5: /m);
    const rows = await taskRows(projectId);
    expect(rows.map(row => row.externalId).sort()).toEqual(['a', 'c']);
  });

  it('exports answers in crowd-kit form, and shows status and the report', async () => {
    const projectId = await createProject();
    const file = join(dir, 'small.jsonl');
    writeFileSync(
      file,
      [
        '{"externalId":"g","payload":{"text":"gold"},"goldLabel":"pos"}',
        '{"externalId":"x","payload":{"text":"x"}}',
      ].join('\n'),
    );
    expect((await runCli(['tasks', 'import', file, '-p', projectId], env)).code).toBe(0);
    await fundRequester(server.app, requester.userId);
    expect((await runCli(['projects', 'launch', projectId], env)).code).toBe(0);

    const worker = await server.signUp(['WORKER']);
    const answered: string[] = [];
    for (;;) {
      const { nextAssignment } = await worker.client.ok(
        `mutation ($p: ID) { nextAssignment(projectId: $p) { id task { id } } }`,
        { p: projectId },
      );
      if (!nextAssignment) break;
      await worker.client.ok(
        `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { id } }`,
        { input: { assignmentId: nextAssignment.id, answer: { labels: ['pos'] } } },
      );
      answered.push(nextAssignment.task.id);
    }
    expect(answered.length).toBeGreaterThan(0);

    const answers = await runCli(['answers', 'export', '--project', projectId], env);
    expect(answers.code).toBe(0);
    const [header, ...rows] = answers.stdout.trimEnd().split('\n');
    expect(header).toBe('worker,task,label,time');
    expect(rows.map(row => row.split(',').slice(0, 3))).toEqual(
      expect.arrayContaining(answered.map(taskId => [worker.userId, taskId, 'pos'])),
    );
    expect(rows).toHaveLength(answered.length);

    const status = await runCli(['status', '--project', projectId, '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({
      id: projectId,
      status: 'ACTIVE',
      tasks: 2,
      gold: 1,
    });

    const reportPath = join(dir, 'report.html');
    const report = await runCli(['report', '--project', projectId, '--out', reportPath], env);
    expect(report.code).toBe(0);
    expect(readFileSync(reportPath, 'utf8')).toMatch(/^<!doctype html>/i);
  }, 60_000);

  it('prints the server code and message, exits non-zero, and never prints the key', async () => {
    const missing = await runCli(['projects', 'show', randomUUID()], env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^quorum: NOT_FOUND: /);

    const wrongKey = `${apiKey.slice(0, -4)}zzzz`;
    const refused = await runCli(['projects', 'list'], { ...env, QUORUM_API_KEY: wrongKey });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^quorum: UNAUTHENTICATED: /);

    const badSpec = join(dir, 'bad.yaml');
    writeFileSync(badSpec, 'name: x\nrewrd: 5\n');
    const typo = await runCli(['projects', 'create', '--spec', badSpec], env);
    expect(typo).toMatchObject({ code: 2, stdout: '' });
    expect(typo.stderr).toContain('unknown keys rewrd');

    const unreachable = await runCli(['status', '-p', randomUUID()], {
      ...env,
      QUORUM_URL: 'http://127.0.0.1:9',
    });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('cannot reach http://127.0.0.1:9');

    for (const run of [missing, refused, typo, unreachable]) {
      expect(`${run.stdout}${run.stderr}`).not.toContain(apiKey.slice(8));
      expect(`${run.stdout}${run.stderr}`).not.toContain(wrongKey);
    }
    for (const command of [
      'login',
      'projects',
      'tasks',
      'results',
      'answers',
      'status',
      'report',
      'webhooks',
    ]) {
      const help = await runCli([command, '--help'], {});
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(/^Usage: quorum /);
    }
  }, 60_000);

  it('registers, lists and rotates webhook endpoints, shows and replays deliveries; refuses a private address', async () => {
    const created = await runCli(
      [
        'webhooks',
        'create',
        '--url',
        'https://example.com/hook',
        '--events',
        'task.completed,worker.blocked',
      ],
      env,
    );
    expect(created.code).toBe(0);
    const { secret, endpoint } = JSON.parse(created.stdout);
    expect(secret).toMatch(/^whsec_/);
    expect(endpoint).toMatchObject({ url: 'https://example.com/hook', enabled: true });

    const listed = await runCli(['webhooks', 'list'], env);
    expect(listed.stdout).toContain(
      `${endpoint.id}\tenabled\ttask.completed,worker.blocked\thttps://example.com/hook\n`,
    );
    // A worker blocked in one of the owner's projects: the outbox holds its delivery.
    const worker = await server.signUp(['WORKER']);
    const { createProject } = await requester.client.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      { input: sentimentProjectInput({ name: 'hooked' }) },
    );
    await requester.client.ok(
      `mutation ($input: BlockWorkerInput!) { blockWorker(input: $input) { id } }`,
      { input: { workerId: worker.userId, projectId: createProject.id, reason: 'spam' } },
    );
    const log = await runCli(['webhooks', 'deliveries', endpoint.id], env);
    expect(log.code).toBe(0);
    const deliveries = log.stdout
      .trimEnd()
      .split('\n')
      .map(line => JSON.parse(line));
    expect(deliveries).toEqual([
      expect.objectContaining({ eventType: 'worker.blocked', status: 'PENDING', attempts: 0 }),
    ]);
    const replayed = await runCli(
      ['webhooks', 'replay', endpoint.id, '--delivery', deliveries[0].id],
      env,
    );
    expect(replayed).toMatchObject({ code: 0, stdout: 'replaying 1 deliveries\n' });

    const rotated = await runCli(['webhooks', 'rotate', endpoint.id, '--overlap', '60'], env);
    expect(JSON.parse(rotated.stdout).secret).not.toBe(secret);
    const disabled = await runCli(['webhooks', 'disable', endpoint.id], env);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ id: endpoint.id, enabled: false });

    const refused = await runCli(
      ['webhooks', 'create', '--url', 'https://192.168.1.5/hook', '--events', 'task.completed'],
      env,
    );
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^quorum: WEBHOOK_URL_REFUSED: /);
  });

  it('login checks the key and stores it in a file only the user can read', async () => {
    const config = join(dir, 'login', 'credentials.json');
    const login = await runCli(
      ['login', '--url', server.url],
      { QUORUM_CONFIG: config },
      `${apiKey}\n`,
    );
    expect(login.code).toBe(0);
    expect(login.stderr).not.toContain(apiKey);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ url: server.url, apiKey });

    const listed = await runCli(['projects', 'list'], { QUORUM_CONFIG: config });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('CLI sentiment');

    const bad = await runCli(
      ['login', '--url', server.url],
      { QUORUM_CONFIG: join(dir, 'x.json') },
      'qk_wrong_key_value\n',
    );
    expect(bad.code).toBe(3);
    expect(bad.stderr).not.toContain('qk_wrong_key_value');
  });
});
