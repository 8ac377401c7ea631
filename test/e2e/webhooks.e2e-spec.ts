/**
 * Outbound webhooks against a receiver this test starts on loopback (the server's allow-list
 * lets 127.0.0.1 through): signatures verify with README's own snippets, 500 then 200 is
 * delivered after a retry (ManualClock + draining the job queue, no sleeping), a rolled-back
 * change sends nothing, replays carry the same event id, retries end in DEAD after the window,
 * repeated failures disable the endpoint, and private addresses are refused without the list.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { RequestContext } from '../../src/common/request-context';
import { Role } from '../../src/modules/auth/role';
import { AuditAction } from '../../src/modules/quality/audit-log.entity';
import { HttpWebhookTransport } from '../../src/modules/webhooks/webhook-sender';
import { verifySignature } from '../../src/modules/webhooks/webhook-signature';
import { sentimentProjectInput } from '../helpers/e2e-project-input';
import { fundRequester } from '../helpers/money-fixtures';
import { errorCode, type GraphQLClient, useTestServer } from '../helpers/test-server';
import { LOOPBACK_WEBHOOKS_ENV, WebhookReceiver } from '../helpers/webhook-receiver';
import { singleChoice } from '../helpers/label-schemas';

/** README's code block after `marker`. */
function readmeSnippet(marker: string): string {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const block = /```\w+\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(marker)));
  if (!block) throw new Error(`no snippet after ${marker}`);
  return block[1];
}

const verifyWithReadmeNode = new Function(
  'require',
  `${readmeSnippet('<!-- webhook-verify-node -->')}\nreturn verifyQuorumSignature;`,
)(require) as (body: string, header: string, secret: string) => boolean;

function verifyWithReadmePython(body: string, header: string, secret: string): boolean {
  const program = `${readmeSnippet('<!-- webhook-verify-python -->')}
import sys
body, header, secret = sys.stdin.buffer.read(), sys.argv[1], sys.argv[2]
print("valid" if verify_quorum_signature(body, header, secret) else "invalid")`;
  const out = execFileSync('python3', ['-c', program, header, secret], { input: body });
  return out.toString().trim() === 'valid';
}

const CREATE_ENDPOINT = `mutation ($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { id url events enabled } } }`;
const DELIVERIES = `query ($id: ID!) { webhookDeliveries(endpointId: $id) {
  id eventId eventType status attempts lastStatusCode deliveredAt body } }`;
const BLOCK = `mutation ($input: BlockWorkerInput!) { blockWorker(input: $input) { id } }`;

describe('webhooks (e2e)', () => {
  const server = useTestServer({
    env: {
      ...LOOPBACK_WEBHOOKS_ENV,
      WEBHOOKS_DISABLE_AFTER_FAILURES: '8',
      WEBHOOKS_BUDGET_LOW_PERCENT: '25',
    },
  });
  const receiver = new WebhookReceiver();
  let requester: { client: GraphQLClient; userId: string };
  let worker: { userId: string };
  let projectId: string;

  const jobsContext = () => RequestContext.create({ clock: server.clock });
  /** Moves past the delivery job's poll interval and runs every due job. */
  async function tick(ms = 5_000): Promise<void> {
    server.clock.advance(ms);
    await server.app.services.jobs.drain(jobsContext());
  }
  async function endpoint(events: string[], url = receiver.url, project = projectId) {
    const { createWebhookEndpoint } = await requester.client.ok(CREATE_ENDPOINT, {
      input: { url, events, projectId: project },
    });
    return createWebhookEndpoint as { secret: string; endpoint: { id: string } };
  }
  /** `worker` answers the next task of `project` with `label`, and the requester approves it. */
  async function answerAndApprove(worker: GraphQLClient, project: string, label: string) {
    const { nextAssignment } = await worker.ok(
      `mutation ($p: ID) { nextAssignment(projectId: $p) { id task { id } } }`,
      { p: project },
    );
    await worker.ok(
      `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { id } }`,
      { input: { assignmentId: nextAssignment.id, answer: { labels: [label] } } },
    );
    await requester.client.ok(`mutation ($id: ID!) { approveAssignment(id: $id) { id } }`, {
      id: nextAssignment.id,
    });
    return nextAssignment as { id: string; task: { id: string } };
  }
  async function block(reason: string): Promise<void> {
    await requester.client.ok(BLOCK, {
      input: { workerId: worker.userId, projectId, reason },
    });
  }

  beforeAll(async () => {
    await receiver.start();
    const person = await server.signUp(['REQUESTER']);
    // An API key does not expire as the test's clock moves on days (a JWT would).
    const { createApiKey } = await person.client.ok(
      `mutation { createApiKey(input: { name: "hooks", scopes: [REQUESTER] }) { secret } }`,
    );
    requester = { client: person.client.withToken(createApiKey.secret), userId: person.userId };
    worker = await server.signUp(['WORKER']);
    const { createProject } = await requester.client.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      {
        input: {
          name: 'hooks',
          currency: 'usd',
          rewardAmount: 5,
          overlap: { minOverlap: 1 },
          labelSchema: singleChoice(['a', 'A'], ['b', 'B']),
        },
      },
    );
    projectId = createProject.id;
    await server.app.services.jobs.scheduleRecurring(jobsContext());
  });
  afterAll(() => receiver.stop());
  beforeEach(async () => {
    // Each test starts with a clean outbox and no endpoints.
    await server.db!.dataSource.query('DELETE FROM webhook_endpoints');
    receiver.received.length = 0;
    receiver.statuses = [];
  });

  // First, while the clock is still near real time: README's snippets check `t` against it.
  it('signs with the endpoint secret (README snippets verify), and retries a 500 until a 200', async () => {
    const { secret, endpoint: created } = await endpoint(['worker.blocked']);
    receiver.statuses = [500];
    await block('too fast');
    await tick();
    expect(receiver.received.map(r => r.answeredWith)).toEqual([500]);
    await tick(); // before the 30 s backoff: nothing is due
    expect(receiver.received).toHaveLength(1);
    await tick(30_000);
    expect(receiver.received.map(r => r.answeredWith)).toEqual([500, 200]);
    await tick(3_600_000);
    expect(receiver.received).toHaveLength(2); // delivered: never sent again

    const [first, second] = receiver.received;
    expect(second.body).toBe(first.body);
    expect(second.headers['quorum-event-id']).toBe(first.headers['quorum-event-id']);
    const event = JSON.parse(second.body);
    expect(event).toMatchObject({
      id: second.headers['quorum-event-id'],
      type: 'worker.blocked',
      data: { workerId: worker.userId, projectId, reason: 'too fast', byRule: false },
    });
    const header = second.headers['quorum-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWithReadmeNode(second.body, header, secret)).toBe(true);
    expect(verifyWithReadmePython(second.body, header, secret)).toBe(true);
    expect(verifyWithReadmeNode(`${second.body} `, header, secret)).toBe(false);
    expect(verifyWithReadmeNode(second.body, header, `${secret}x`)).toBe(false);
    const nowSeconds = Number(/^t=(\d+)/.exec(header)![1]);
    expect(verifySignature(second.body, header, secret, nowSeconds)).toBe(true);
    expect(verifySignature(second.body, header, secret, nowSeconds + 301)).toBe(false);

    const { webhookDeliveries } = await requester.client.ok(DELIVERIES, { id: created.id });
    expect(webhookDeliveries).toEqual([
      expect.objectContaining({
        status: 'DELIVERED',
        attempts: 2,
        lastStatusCode: 200,
        eventId: event.id,
      }),
    ]);
  });

  it('writes nothing and sends nothing for a rolled-back change', async () => {
    await endpoint(['worker.blocked']);
    const { db, workerStanding } = server.app.services;
    const owner = RequestContext.create({
      clock: server.clock,
      user: { id: requester.userId, roles: [Role.REQUESTER], via: 'jwt' },
    });
    await expect(
      db.withTransaction(owner, async tx => {
        await workerStanding.blockWorker(tx, { workerId: worker.userId, projectId, reason: 'x' });
        throw new Error('rolled back after the block');
      }),
    ).rejects.toThrow('rolled back');
    await tick();
    expect(receiver.received).toHaveLength(0);
    const [{ count }] = await db.dataSource.query(
      'SELECT count(*)::int AS count FROM webhook_deliveries',
    );
    expect(count).toBe(0);
  });

  it('replays one delivery, or a time range, with the same event id', async () => {
    const { endpoint: created } = await endpoint(['worker.blocked']);
    await block('one');
    await tick();
    await block('two');
    await tick();
    expect(receiver.received).toHaveLength(2);
    const { webhookDeliveries } = await requester.client.ok(DELIVERIES, { id: created.id });
    const oldest = webhookDeliveries[1];

    const REPLAY = `mutation ($input: ReplayWebhookDeliveriesInput!) { replayWebhookDeliveries(input: $input) }`;
    const one = await requester.client.ok(REPLAY, {
      input: { endpointId: created.id, deliveryId: oldest.id },
    });
    expect(one.replayWebhookDeliveries).toBe(1);
    await tick();
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received[2].headers['quorum-event-id']).toBe(oldest.eventId);
    expect(receiver.received[2].body).toBe(oldest.body);

    const range = await requester.client.ok(REPLAY, {
      input: {
        endpointId: created.id,
        from: new Date(server.clock.now().getTime() - 3_600_000).toISOString(),
      },
    });
    expect(range.replayWebhookDeliveries).toBe(2);
    await tick();
    expect(
      receiver.received
        .slice(3)
        .map(r => r.headers['quorum-event-id'])
        .sort(),
    ).toEqual(webhookDeliveries.map((d: { eventId: string }) => d.eventId).sort());

    const other = await server.signUp(['REQUESTER']);
    const stranger = await other.client.query(REPLAY, {
      input: { endpointId: created.id, deliveryId: oldest.id },
    });
    expect(errorCode(stranger)).toBe('NOT_FOUND');
  });

  it('dead-letters after the retry window, and disables an endpoint after repeated failures', async () => {
    const { endpoint: created } = await endpoint(['worker.blocked']);
    receiver.statuses = Array(100).fill(500);
    await block('never delivered');
    for (let hour = 0; hour <= 30; hour += 6) await tick(6 * 3_600_000);
    const { webhookDeliveries } = await requester.client.ok(DELIVERIES, { id: created.id });
    expect(webhookDeliveries[0]).toMatchObject({ status: 'DEAD', lastStatusCode: 500 });
    expect(webhookDeliveries[0].attempts).toBeGreaterThanOrEqual(5);
    const sent = receiver.received.length;
    await tick(24 * 3_600_000);
    expect(receiver.received).toHaveLength(sent);

    for (let i = 0; i < 8; i += 1) await block(`burst ${i}`);
    await tick();
    const { webhookEndpoints } = await requester.client.ok(
      `query { webhookEndpoints { id enabled consecutiveFailures disabledReason } }`,
    );
    expect(webhookEndpoints[0]).toMatchObject({ id: created.id, enabled: false });
    expect(webhookEndpoints[0].disabledReason).toMatch(/^Disabled after 8 failed attempts/);
  });

  it('rotates the secret with an overlap: both secrets sign until it ends', async () => {
    const { secret: old, endpoint: created } = await endpoint(['worker.blocked']);
    const { rotateWebhookSecret } = await requester.client.ok(
      `mutation ($id: ID!) { rotateWebhookSecret(id: $id, overlapSeconds: 3600) { secret } }`,
      { id: created.id },
    );
    await block('during the overlap');
    await tick();
    const during = receiver.received[0];
    const header = during.headers['quorum-signature'] as string;
    // The clock is days ahead of real time by now: verify against it, not Date.now().
    const verify = (body: string, signature: string, secret: string) =>
      verifySignature(body, signature, secret, server.clock.now().getTime() / 1000);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verify(during.body, header, old)).toBe(true);
    expect(verify(during.body, header, rotateWebhookSecret.secret)).toBe(true);
    server.clock.advance(3_600_000);
    await block('after the overlap');
    await tick();
    const after = receiver.received[1];
    expect(verifyWithReadmeNode(after.body, after.headers['quorum-signature'] as string, old)).toBe(
      false,
    );
  });

  it('sends answers, completions, aggregation runs, flags and payouts to the endpoints entitled to them', async () => {
    await endpoint([
      'assignment.submitted',
      'task.completed',
      'worker.flagged',
      'aggregation.finished',
      'project.completed',
    ]);
    await requester.client.ok(
      `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`,
      { input: { projectId, tasks: [{ externalId: 'only', payload: { text: 'x' } }] } },
    );
    await fundRequester(server.app, requester.userId);
    await requester.client.ok(`mutation ($id: ID!) { launchProject(id: $id) { id } }`, {
      id: projectId,
    });
    const answering = await server.signUp(['WORKER']);
    const nextAssignment = await answerAndApprove(answering.client, projectId, 'a');
    const { runAggregation } = await requester.client.ok(
      `mutation ($p: ID!) { runAggregation(projectId: $p) { id } }`,
      { p: projectId },
    );
    await requester.client.ok(`mutation ($id: ID!) { completeProject(id: $id) { id } }`, {
      id: projectId,
    });
    // A quality rule's FLAG is an audit entry; the webhook is its delivery.
    await server.app.services.audit.record(jobsContext(), {
      projectId,
      workerId: answering.userId,
      action: AuditAction.FLAG,
      reason: 'answers too fast',
      actor: { ruleId: randomUUID() },
    });

    // Payouts go to admins' endpoints only; a requester may not subscribe to them.
    const refused = await requester.client.query(CREATE_ENDPOINT, {
      input: { url: receiver.url, events: ['payout.paid'] },
    });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    const adminEmail = `admin-${randomUUID()}@example.test`;
    await server.app.services.auth.createAdmin(jobsContext(), {
      email: adminEmail,
      password: 'admin-password-long',
    });
    const { logIn } = await server
      .anonymous()
      .ok(`mutation ($input: LogInInput!) { logIn(input: $input) { token } }`, {
        input: { email: adminEmail, password: 'admin-password-long' },
      });
    const admin = server.anonymous().withToken(logIn.token);
    const { createWebhookEndpoint: adminHook } = await admin.ok(CREATE_ENDPOINT, {
      input: { url: `${receiver.url}?admin`, events: ['payout.paid', 'payout.failed'] },
    });
    const { createPayout } = await admin.ok(
      `mutation ($input: CreatePayoutInput!) { createPayout(input: $input) { id amount } }`,
      { input: { workerId: answering.userId, currency: 'usd', idempotencyKey: randomUUID() } },
    );
    await admin.ok(
      `mutation ($input: MarkPayoutPaidInput!) { markPayoutPaid(input: $input) { id status } }`,
      { input: { payoutId: createPayout.id, reference: 'wire 1', idempotencyKey: randomUUID() } },
    );
    await tick();

    const events = receiver.received.map(r => JSON.parse(r.body));
    expect(events.map(e => e.type).sort()).toEqual([
      'aggregation.finished',
      'assignment.submitted',
      'payout.paid',
      'project.completed',
      'task.completed',
      'worker.flagged',
    ]);
    const byType = Object.fromEntries(events.map(e => [e.type, e.data]));
    expect(byType['assignment.submitted']).toEqual({
      assignmentId: nextAssignment.id,
      taskId: nextAssignment.task.id,
      projectId,
      workerId: answering.userId,
      labels: ['a'],
    });
    expect(byType['task.completed']).toEqual({ taskId: nextAssignment.task.id, projectId });
    expect(byType['aggregation.finished']).toMatchObject({ projectId, runId: runAggregation.id });
    expect(byType['project.completed']).toMatchObject({ projectId });
    expect(byType['worker.flagged']).toMatchObject({
      workerId: answering.userId,
      action: 'FLAG',
      reason: 'answers too fast',
    });
    expect(byType['payout.paid']).toEqual({
      payoutId: createPayout.id,
      workerId: answering.userId,
      amount: createPayout.amount,
      currency: 'usd',
    });
    const payoutRequest = receiver.received.find(r => JSON.parse(r.body).type === 'payout.paid')!;
    expect(
      verifySignature(
        payoutRequest.body,
        payoutRequest.headers['quorum-signature'] as string,
        adminHook.secret,
        server.clock.now().getTime() / 1000,
      ),
    ).toBe(true);
  });

  it('sends project.budget_low once, from the approval that leaves under 25 % of the escrow, and again only after a top-up', async () => {
    const { createProject } = await requester.client.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      { input: sentimentProjectInput({ name: 'budget', rewardAmount: 5 }) },
    );
    const budgetProject: string = createProject.id;
    await endpoint(['project.budget_low'], receiver.url, budgetProject);
    const importTasks = (from: number) =>
      requester.client.ok(
        `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`,
        {
          input: {
            projectId: budgetProject,
            tasks: Array.from({ length: 10 }, (_, i) => ({ payload: { n: from + i } })),
          },
        },
      );
    await importTasks(0);
    await fundRequester(server.app, requester.userId);
    await requester.client.ok(`mutation ($id: ID!) { launchProject(id: $id) { id } }`, {
      id: budgetProject,
    });
    const money = async () =>
      (
        await requester.client.ok(
          `query ($id: ID!) { projectMoney(projectId: $id) { reserved escrow } }`,
          { id: budgetProject },
        )
      ).projectMoney as { reserved: number; escrow: number };
    // 10 tasks × overlap 1 × (reward 5 + 20 % fee 1) = 60 reserved; the line is 25 % of it, 15.
    expect(await money()).toEqual({ reserved: 60, escrow: 60 });

    const answering = await server.signUp(['WORKER']);
    const outbox = async () =>
      (
        await server.db!.dataSource.query(
          `SELECT body FROM webhook_deliveries WHERE event_type = 'project.budget_low' ORDER BY created_at, id`,
        )
      ).map((row: { body: string }) => JSON.parse(row.body));
    const approveNext = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        await answerAndApprove(answering.client, budgetProject, 'pos');
      }
    };

    await approveNext(7); // escrow 60 → 18: still at or above 15
    expect(await outbox()).toEqual([]);
    await approveNext(1); // 18 → 12: this approval crosses the line
    // Written by the approval's own transaction, before any delivery job ran.
    const [low] = await outbox();
    expect(low).toMatchObject({
      type: 'project.budget_low',
      data: {
        projectId: budgetProject,
        currency: 'usd',
        remaining: 12,
        reserved: 60,
        threshold: 15,
      },
    });
    await approveNext(2); // 12 → 0: still low, no second event
    expect(await outbox()).toHaveLength(1);
    await tick();
    expect(receiver.received.map(r => JSON.parse(r.body).id)).toEqual([low.id]);

    // Ten more tasks top the escrow up to 60 of 120 reserved: above the new line (30) again.
    await importTasks(10);
    expect(await money()).toEqual({ reserved: 120, escrow: 60 });
    await approveNext(5); // 60 → 30: not below 30
    expect(await outbox()).toHaveLength(1);
    await approveNext(1); // 30 → 24: crosses again
    const events = await outbox();
    expect(events).toHaveLength(2);
    expect(events[1].data).toEqual({
      projectId: budgetProject,
      currency: 'usd',
      remaining: 24,
      reserved: 120,
      threshold: 30,
    });
    expect(events[1].id).not.toBe(low.id);
  }, 60_000);

  it('refuses private and loopback addresses without the allow-list, and plain http unless allowed', async () => {
    // The IPv6 spelling of the metadata address, which URL parsing rewrites as [::ffff:a9fe:a9fe].
    for (const url of ['https://10.1.2.3/hook', 'https://[::ffff:169.254.169.254]/latest']) {
      const refused = await requester.client.query(CREATE_ENDPOINT, {
        input: { url, events: ['worker.blocked'] },
      });
      expect([url, errorCode(refused)]).toEqual([url, 'WEBHOOK_URL_REFUSED']);
    }
    const unknownEvent = await requester.client.query(CREATE_ENDPOINT, {
      input: { url: 'https://example.com/hook', events: ['everything'] },
    });
    expect(errorCode(unknownEvent)).toBe('BAD_USER_INPUT');
    const [{ count }] = await server.db!.dataSource.query(
      'SELECT count(*)::int AS count FROM webhook_endpoints',
    );
    expect(count).toBe(0);

    // The real transport without the allow-list: the loopback receiver is never reached.
    const strict = new HttpWebhookTransport({ allowHttp: true, allowedHosts: [] }, 2_000);
    expect(await strict.post(receiver.url, {}, '{}')).toEqual({
      error: expect.stringMatching(/^refused: /),
    });
    const byName = await strict.post(receiver.url.replace('127.0.0.1', 'localhost'), {}, '{}');
    expect(byName.error).toMatch(/^refused: /);
    const httpsOnly = new HttpWebhookTransport(
      { allowHttp: false, allowedHosts: ['127.0.0.1'] },
      2_000,
    );
    expect((await httpsOnly.post(receiver.url, {}, '{}')).error).toMatch(/only https/);
    expect(receiver.received).toHaveLength(0);
  });
});
