import { randomBytes, randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/common/clock';
import { fundRequester } from '../helpers/money-fixtures';
import { startStripeServer, type StripeTestServer } from '../helpers/stripe-server';
import {
  errorCode,
  type GraphQLClient,
  startTestServer,
  type TestServer,
} from '../helpers/test-server';
import { signInNewAdmin } from '../helpers/admin-client';
import { sentimentProjectInput } from '../helpers/e2e-project-input';
import { LOOPBACK_WEBHOOKS_ENV, WebhookReceiver } from '../helpers/webhook-receiver';
import { RequestContext } from '../../src/common/request-context';
import { verifySignature } from '../../src/modules/webhooks/webhook-signature';

/**
 * Money over real HTTP: the app talks to the offline Stripe server through the real SDK, and
 * that server delivers signed webhooks to the app's `/webhooks/stripe`. Covers the webhook's
 * refusals (nothing written), funding credited only by webhooks and only once, and the whole
 * flow fund → launch → work → approve → bonus → payout → webhook → reconciliation, with a payout
 * Stripe refuses (payout.failed) and the admins' signed payout webhooks.
 */
describe('payments (e2e)', () => {
  const clock = new ManualClock(Date.now());
  const webhookSecret = `whsec_test_${randomBytes(12).toString('hex')}`;
  let stripe: StripeTestServer;
  let server: TestServer;
  let admin: GraphQLClient;
  /** Admins' webhook endpoint: payout.paid and payout.failed. */
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    stripe = await startStripeServer({ clock, signatureClock: clock });
    server = await startTestServer({
      clock,
      env: {
        STRIPE_SECRET_KEY: stripe.apiKey,
        STRIPE_WEBHOOK_SECRET: webhookSecret,
        STRIPE_API_HOST: stripe.host,
        STRIPE_API_PORT: String(stripe.port),
        STRIPE_API_PROTOCOL: 'http',
        STRIPE_TIMEOUT_MS: '2000',
        PLATFORM_FEE_BPS: '2000',
        PAYOUT_MINIMUM_AMOUNT: '1',
        ...LOOPBACK_WEBHOOKS_ENV,
      },
    });
    await receiver.start();
    stripe.configureWebhook({ url: `${server.url}/webhooks/stripe`, secret: webhookSecret });
    admin = await signInNewAdmin(server);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await stripe?.close();
    await receiver.stop();
  });

  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
    server.db!.dataSource.query(query, params) as Promise<T[]>;

  async function balances(client: GraphQLClient) {
    const data = await client.ok<{
      myBalances: Array<{ currency: string; available: number; inEscrow: number; spent: number }>;
    }>(`{ myBalances { currency available inEscrow spent } }`);
    return (
      data.myBalances.find(b => b.currency === 'usd') ?? { available: 0, inEscrow: 0, spent: 0 }
    );
  }

  async function earnings(client: GraphQLClient) {
    const data = await client.ok<{
      myEarnings: Array<{ currency: string; earned: number; pending: number; paidOut: number }>;
    }>(`{ myEarnings { currency earned pending paidOut } }`);
    return data.myEarnings.find(e => e.currency === 'usd') ?? { earned: 0, pending: 0, paidOut: 0 };
  }

  /** Delivers every pending Stripe event twice (as Stripe may); the app must accept each copy. */
  async function deliverEventsTwice(): Promise<void> {
    expect((await stripe.flushEvents({ duplicate: true })).every(d => d.status === 200)).toBe(true);
  }

  /** After the events are delivered twice, the worker's USD earnings are exactly these. */
  async function expectEarningsAfterEvents(
    client: GraphQLClient,
    expected: { earned: number; pending: number; paidOut: number },
  ): Promise<void> {
    await deliverEventsTwice();
    expect(await earnings(client)).toEqual({ currency: 'usd', ...expected });
  }

  async function fundWithStripe(client: GraphQLClient, amount: number): Promise<string> {
    const data = await client.ok<{
      createFunding: { funding: { id: string; status: string }; clientSecret: string };
    }>(
      `mutation ($input: CreateFundingInput!) {
         createFunding(input: $input) { funding { id status } clientSecret }
       }`,
      { input: { amount, currency: 'usd', idempotencyKey: randomUUID() } },
    );
    expect(data.createFunding.funding.status).toBe('PENDING');
    expect(data.createFunding.clientSecret).toMatch(/_secret_/);
    const [{ payment_intent_id }] = await sql<{ payment_intent_id: string }>(
      `SELECT payment_intent_id FROM fundings WHERE id = $1`,
      [data.createFunding.funding.id],
    );
    stripe.succeedPaymentIntent(payment_intent_id);
    const deliveries = await stripe.flushEvents();
    expect(deliveries.every(d => d.status === 200)).toBe(true);
    return data.createFunding.funding.id;
  }

  describe('webhook', () => {
    it.each([
      ['a signature made with another secret', { signature: 'wrong-secret' as const }],
      ['a body changed after signing', { signature: 'tampered-payload' as const }],
      ['no signature', { signature: 'missing' as const }],
      ['a timestamp older than 300 s', { timestampOffsetSeconds: -301 }],
    ])('refuses %s with 400 and writes nothing', async (_label, options) => {
      const before = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM stripe_events`);
      const [delivery] = await stripe.sendEvent(
        'payment_intent.succeeded',
        {
          id: `pi_forged_${randomBytes(4).toString('hex')}`,
          object: 'payment_intent',
          metadata: {},
        },
        options,
      );
      expect(delivery!.status).toBe(400);
      expect(delivery!.responseBody).not.toMatch(/stack|at .*\.ts/);
      const after = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM stripe_events`);
      expect(after[0]!.n).toBe(before[0]!.n);
    });

    it('acknowledges an unknown event type, records it once and does nothing else', async () => {
      const deliveries = await stripe.sendEvent(
        'customer.created',
        { id: `cus_${randomBytes(4).toString('hex')}`, object: 'customer' },
        { duplicate: true },
      );
      expect(deliveries.map(d => d.status)).toEqual([200, 200]);
      expect(deliveries.map(d => JSON.parse(d.responseBody).outcome)).toEqual([
        'ignored',
        'duplicate',
      ]);
      const rows = await sql(`SELECT outcome FROM stripe_events WHERE id = $1`, [
        deliveries[0]!.eventId,
      ]);
      expect(rows).toEqual([{ outcome: 'ignored' }]);
    });

    it('never credits a balance on the client’s word: an unsigned "payment succeeded" is refused', async () => {
      const requester = await server.signUp(['REQUESTER']);
      const response = await fetch(`${server.url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: 'evt_forged',
          type: 'payment_intent.succeeded',
          data: {
            object: { id: 'pi_forged', metadata: { quorum_requester_id: requester.userId } },
          },
        }),
      });
      expect(response.status).toBe(400);
      expect((await balances(requester.client)).available).toBe(0);
    });
  });

  describe('funding', () => {
    it('credits a PaymentIntent once, when Stripe’s signed webhook says it succeeded', async () => {
      const requester = await server.signUp(['REQUESTER']);
      const input = { amount: 5000, currency: 'USD', idempotencyKey: randomUUID() };
      const CREATE = `mutation ($input: CreateFundingInput!) {
        createFunding(input: $input) { funding { id status amount currency } clientSecret }
      }`;
      const first = await requester.client.ok(CREATE, { input });
      const repeat = await requester.client.ok(CREATE, { input });
      expect(repeat.createFunding.funding.id).toBe(first.createFunding.funding.id);
      // One PaymentIntent, created with a key derived from the funding id.
      expect(
        stripe
          .requests({ method: 'POST', path: '/v1/payment_intents' })
          .filter(r => r.idempotencyKey === `quorum-funding-${first.createFunding.funding.id}`),
      ).toHaveLength(1);
      // Nothing yet: the client's confirmation is not proof of payment.
      expect((await balances(requester.client)).available).toBe(0);

      const [{ payment_intent_id: intentId }] = await sql<{ payment_intent_id: string }>(
        `SELECT payment_intent_id FROM fundings WHERE id = $1`,
        [first.createFunding.funding.id],
      );
      stripe.succeedPaymentIntent(intentId);
      const deliveries = await stripe.flushEvents({ duplicate: true });
      expect(deliveries.length).toBeGreaterThanOrEqual(2);
      expect(deliveries.every(d => d.status === 200)).toBe(true);
      expect((await balances(requester.client)).available).toBe(5000);

      const succeeded = stripe.eventAbout('payment_intent.succeeded', intentId)!;
      await stripe.redeliverEvent(succeeded.id);
      expect((await balances(requester.client)).available).toBe(5000);
      const funding = await requester.client.ok(`{ myFundings { id status } }`);
      expect(funding.myFundings).toEqual([
        { id: first.createFunding.funding.id, status: 'SUCCEEDED' },
      ]);
    });

    it('credits a Checkout Session once when its events arrive in reverse order', async () => {
      const requester = await server.signUp(['REQUESTER']);
      const data = await requester.client.ok(
        `mutation ($input: CreateFundingInput!) { createFunding(input: $input) { funding { id } checkoutUrl } }`,
        {
          input: {
            amount: 2500,
            currency: 'usd',
            method: 'CHECKOUT_SESSION',
            successUrl: 'https://quorum.example/paid',
            cancelUrl: 'https://quorum.example/cancel',
            idempotencyKey: randomUUID(),
          },
        },
      );
      expect(data.createFunding.checkoutUrl).toMatch(/^https?:\/\//);
      const [{ provider_ref: sessionId }] = await sql<{ provider_ref: string }>(
        `SELECT provider_ref FROM fundings WHERE id = $1`,
        [data.createFunding.funding.id],
      );
      stripe.completeCheckoutSession(sessionId);
      const deliveries = await stripe.flushEvents({ order: 'reverse' });
      expect(deliveries.map(d => d.eventType)).toContain('checkout.session.completed');
      expect(deliveries.every(d => d.status === 200)).toBe(true);
      expect((await balances(requester.client)).available).toBe(2500);
    });

    it.each([
      [{ amount: 0 }, 'BAD_USER_INPUT'],
      [{ amount: -100 }, 'BAD_USER_INPUT'],
      [{ currency: 'dollars' }, 'BAD_USER_INPUT'],
    ])('refuses %p with %s', async (override, code) => {
      const requester = await server.signUp(['REQUESTER']);
      const result = await requester.client.query(
        `mutation ($input: CreateFundingInput!) { createFunding(input: $input) { funding { id } } }`,
        { input: { amount: 100, currency: 'usd', idempotencyKey: randomUUID(), ...override } },
      );
      expect(errorCode(result)).toBe(code);
    });
  });

  it('runs the whole flow: fund → launch → work → approve → bonus → payout → webhook → reconcile', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const worker = await server.signUp(['WORKER']);
    const { createWebhookEndpoint: payoutHook } = await admin.ok(
      `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`,
      { input: { url: receiver.url, events: ['payout.paid', 'payout.failed'] } },
    );
    await fundWithStripe(requester.client, 1000);

    // Reward 50 + 20 % fee = 60 per answer slot; 2 tasks × overlap 1 = 120 in escrow.
    const { createProject: project } = await requester.client.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      {
        input: sentimentProjectInput({ name: 'Money flow', rewardAmount: 50 }),
      },
    );
    await requester.client.ok(
      `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`,
      { input: { projectId: project.id, tasks: [{ payload: { n: 1 } }, { payload: { n: 2 } }] } },
    );
    await requester.client.ok(`mutation ($id: ID!) { launchProject(id: $id) { status } }`, {
      id: project.id,
    });
    expect(await balances(requester.client)).toMatchObject({ available: 880, inEscrow: 120 });

    const { nextAssignment } = await worker.client.ok(
      `mutation ($projectId: ID) { nextAssignment(projectId: $projectId) { id } }`,
      { projectId: project.id },
    );
    await worker.client.ok(
      `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { status } }`,
      { input: { assignmentId: nextAssignment.id, answer: { labels: ['pos'] } } },
    );
    const APPROVE = `mutation ($id: ID!) { approveAssignment(id: $id) { status } }`;
    await requester.client.ok(APPROVE, { id: nextAssignment.id });
    expect(await earnings(worker.client)).toMatchObject({ earned: 50, pending: 0, paidOut: 0 });

    // Approving twice moves no money.
    const twice = await requester.client.query(APPROVE, { id: nextAssignment.id });
    expect(errorCode(twice)).toBe('ASSIGNMENT_ALREADY_REVIEWED');
    expect(await earnings(worker.client)).toMatchObject({ earned: 50 });

    const bonus = await requester.client.ok(
      `mutation ($input: AwardBonusInput!) { awardBonus(input: $input) { amount fee transaction { kind description } } }`,
      {
        input: {
          assignmentId: nextAssignment.id,
          amount: 20,
          currency: 'usd',
          reason: 'Fast and right',
          idempotencyKey: randomUUID(),
        },
      },
    );
    expect(bonus.awardBonus).toEqual({
      amount: 20,
      fee: 4,
      transaction: { kind: 'BONUS', description: 'Bonus: Fast and right' },
    });
    const money = await requester.client.ok(
      `query ($id: ID!) { projectMoney(projectId: $id) { reserved escrow rewards bonuses fees spent approvedAssignments } }`,
      { id: project.id },
    );
    expect(money.projectMoney).toEqual({
      reserved: 120,
      escrow: 60,
      rewards: 50,
      bonuses: 20,
      fees: 14,
      spent: 84,
      approvedAssignments: 1,
    });

    // No connected account yet.
    const CREATE_PAYOUT = `mutation ($input: CreatePayoutInput!) { createPayout(input: $input) { id status amount } }`;
    const missing = await admin.query(CREATE_PAYOUT, {
      input: { workerId: worker.userId, currency: 'usd', idempotencyKey: randomUUID() },
    });
    expect(errorCode(missing)).toBe('PAYOUT_ACCOUNT_MISSING');

    const link = await worker.client.ok(
      `mutation ($input: ConnectPayoutAccountInput!) { connectPayoutAccount(input: $input) { url account { payoutsEnabled } } }`,
      {
        input: { refreshUrl: 'https://quorum.example/r', returnUrl: 'https://quorum.example/done' },
      },
    );
    expect(link.connectPayoutAccount.account.payoutsEnabled).toBe(false);
    const [{ stripe_account_id: accountId }] = await sql<{ stripe_account_id: string }>(
      `SELECT stripe_account_id FROM payout_accounts WHERE user_id = $1`,
      [worker.userId],
    );
    const createAccount = stripe.requests({ method: 'POST', path: '/v1/accounts' }).at(-1)!;
    expect(createAccount.params.controller).toMatchObject({
      stripe_dashboard: { type: 'express' },
    });
    expect(createAccount.params.type).toBeUndefined();
    stripe.enableAccount(accountId);
    await deliverEventsTwice();
    const account = await worker.client.ok(
      `{ myPayoutAccount { payoutsEnabled detailsSubmitted } }`,
    );
    expect(account.myPayoutAccount).toEqual({ payoutsEnabled: true, detailsSubmitted: true });

    const runInput = { input: { idempotencyKey: randomUUID(), workerIds: [worker.userId] } };
    const RUN = `mutation ($input: CreatePayoutsInput!) { createPayouts(input: $input) { payouts { id status amount } skipped { workerId reason } } }`;
    const run = await admin.ok(RUN, runInput);
    expect(run.createPayouts.payouts).toEqual([
      { id: expect.any(String), status: 'PAID', amount: 70 },
    ]);
    const repeat = await admin.ok(RUN, runInput);
    expect(repeat.createPayouts.payouts.map((p: { id: string }) => p.id)).toEqual(
      run.createPayouts.payouts.map((p: { id: string }) => p.id),
    );
    // transfer.created, twice: settles nothing more.
    await expectEarningsAfterEvents(worker.client, { earned: 0, pending: 0, paidOut: 70 });
    expect(stripe.countRequests({ method: 'POST', path: '/v1/transfers' })).toBe(1);

    const entries = await worker.client.ok(
      `{ myLedgerEntries(first: 50) { totalCount nodes { amount account { kind } transaction { kind } } } }`,
    );
    const byKind = new Map<string, number>();
    for (const node of entries.myLedgerEntries.nodes) {
      byKind.set(node.account.kind, (byKind.get(node.account.kind) ?? 0) + node.amount);
    }
    expect(Object.fromEntries(byKind)).toEqual({
      WORKER_EARNED: 0,
      WORKER_PAYOUT_PENDING: 0,
      WORKER_PAID_OUT: 70,
    });

    // Completing releases the unused slot's escrow to the requester.
    await requester.client.ok(`mutation ($id: ID!) { completeProject(id: $id) { status } }`, {
      id: project.id,
    });
    expect(await balances(requester.client)).toMatchObject({
      available: 880 - 24 + 60,
      inEscrow: 0,
      spent: 84,
    });

    // Stripe reverses the transfer: the money comes back to earned, once.
    const transferId = (
      await sql<{ transfer_id: string }>(`SELECT transfer_id FROM payouts WHERE worker_id = $1`, [
        worker.userId,
      ])
    )[0]!.transfer_id;
    await stripe.client().transfers.createReversal(transferId);
    await expectEarningsAfterEvents(worker.client, { earned: 70, pending: 0, paidOut: 0 });

    // Stripe refuses the next transfer (the platform's balance is short): the payout fails and
    // the earnings return; the one after is paid.
    stripe.injectFault(
      { method: 'POST', path: '/v1/transfers' },
      {
        kind: 'error',
        phase: 'before-execution',
        status: 400,
        error: {
          type: 'invalid_request_error',
          code: 'balance_insufficient',
          message: 'You have insufficient available funds in your Stripe account.',
        },
      },
    );
    const refused = await admin.ok(RUN, {
      input: { idempotencyKey: randomUUID(), workerIds: [worker.userId] },
    });
    expect(refused.createPayouts.payouts).toEqual([
      { id: expect.any(String), status: 'FAILED', amount: 70 },
    ]);
    expect(await earnings(worker.client)).toMatchObject({ earned: 70, pending: 0 });
    const paidAgain = await admin.ok(RUN, {
      input: { idempotencyKey: randomUUID(), workerIds: [worker.userId] },
    });
    expect(paidAgain.createPayouts.payouts).toEqual([
      { id: expect.any(String), status: 'PAID', amount: 70 },
    ]);
    expect((await stripe.flushEvents()).every(d => d.status === 200)).toBe(true);

    // Each settlement reached the admins' endpoint, signed (due at one instant: in any order).
    await server.app.services.webhooks.deliverDue(RequestContext.create({ clock }));
    const delivered = receiver.received.map(r => JSON.parse(r.body));
    expect(delivered).toHaveLength(3);
    expect(delivered.map(event => [event.type, event.data])).toEqual(
      expect.arrayContaining(
        [
          ['payout.paid', run.createPayouts.payouts[0].id],
          ['payout.failed', refused.createPayouts.payouts[0].id],
          ['payout.paid', paidAgain.createPayouts.payouts[0].id],
        ].map(([type, payoutId]) => [
          type,
          { payoutId, workerId: worker.userId, amount: 70, currency: 'usd' },
        ]),
      ),
    );
    for (const request of receiver.received) {
      const header = request.headers['quorum-signature'] as string;
      const at = clock.now().getTime() / 1000;
      expect(verifySignature(request.body, header, payoutHook.secret, at)).toBe(true);
    }

    const books = await admin.ok(
      `{ trialBalance { balanced cachedBalancesMatchEntries currencies { currency total } }
         paymentsReconciliation { ok differences { kind reference } unbalancedCurrencies balanceMismatches unpaidApprovals } }`,
    );
    expect(books.trialBalance.balanced).toBe(true);
    expect(books.trialBalance.cachedBalancesMatchEntries).toBe(true);
    expect(books.trialBalance.currencies).toEqual([{ currency: 'usd', total: 0 }]);
    expect(books.paymentsReconciliation).toEqual({
      ok: true,
      differences: [],
      unbalancedCurrencies: [],
      balanceMismatches: 0,
      unpaidApprovals: 0,
    });
  }, 60_000);

  it('refuses to launch, grow or add tasks to a project its owner cannot fund, changing nothing', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const PROJECT = `query ($id: ID!) { project(id: $id) { status overlap { maxOverlap } } }`;
    const { createProject: project } = await requester.client.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      {
        input: sentimentProjectInput({
          name: 'Underfunded',
          rewardAmount: 10,
          overlap: { minOverlap: 2 },
        }),
      },
    );
    const IMPORT = `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`;
    await requester.client.ok(IMPORT, {
      input: { projectId: project.id, tasks: [{ payload: { n: 1 } }, { payload: { n: 2 } }] },
    });
    const LAUNCH = `mutation ($id: ID!) { launchProject(id: $id) { status } }`;
    // 2 tasks × 2 × (10 + 2) = 48.
    const refused = await requester.client.query(LAUNCH, { id: project.id });
    expect(errorCode(refused)).toBe('INSUFFICIENT_BALANCE');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ available: 0, required: 48 });
    expect((await requester.client.ok(PROJECT, { id: project.id })).project.status).toBe('DRAFT');

    await fundRequester(server.app, requester.userId, 60);
    await requester.client.ok(LAUNCH, { id: project.id });
    expect(await balances(requester.client)).toMatchObject({ available: 12, inEscrow: 48 });

    // One more task needs 24; only 12 left.
    const more = await requester.client.query(IMPORT, {
      input: { projectId: project.id, tasks: [{ payload: { n: 3 } }] },
    });
    expect(errorCode(more)).toBe('INSUFFICIENT_BALANCE');
    // Overlap 3 needs 2 tasks × 12 more.
    const wider = await requester.client.query(
      `mutation ($id: ID!, $input: UpdateProjectInput!) { updateProject(id: $id, input: $input) { id } }`,
      { id: project.id, input: { overlap: { minOverlap: 3 } } },
    );
    expect(errorCode(wider)).toBe('INSUFFICIENT_BALANCE');
    expect(
      (await requester.client.ok(PROJECT, { id: project.id })).project.overlap.maxOverlap,
    ).toBe(2);
    expect(await balances(requester.client)).toMatchObject({ available: 12, inEscrow: 48 });
    const tasks = await requester.client.ok(
      `query ($id: ID!) { project(id: $id) { tasks(first: 10) { totalCount } } }`,
      { id: project.id },
    );
    expect(tasks.project.tasks.totalCount).toBe(2);
  });

  it('processes an event once when Stripe delivers it several times at the same moment', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const data = await requester.client.ok(
      `mutation ($input: CreateFundingInput!) { createFunding(input: $input) { funding { id } } }`,
      { input: { amount: 777, currency: 'usd', idempotencyKey: randomUUID() } },
    );
    const [{ payment_intent_id: intentId }] = await sql<{ payment_intent_id: string }>(
      `SELECT payment_intent_id FROM fundings WHERE id = $1`,
      [data.createFunding.funding.id],
    );
    stripe.succeedPaymentIntent(intentId);
    stripe.discardPendingEvents();
    const succeeded = stripe.eventAbout('payment_intent.succeeded', intentId)!;
    const deliveries = (
      await Promise.all(Array.from({ length: 5 }, () => stripe.redeliverEvent(succeeded.id)))
    ).flat();
    expect(deliveries.map(d => d.status)).toEqual([200, 200, 200, 200, 200]);
    expect(deliveries.filter(d => JSON.parse(d.responseBody).outcome === 'processed')).toHaveLength(
      1,
    );
    expect((await balances(requester.client)).available).toBe(777);
  });

  it('keeps money queries to their roles', async () => {
    const worker = await server.signUp(['WORKER']);
    expect(errorCode(await worker.client.query(`{ trialBalance { balanced } }`))).toBe(
      'UNAUTHORIZED',
    );
    expect(errorCode(await worker.client.query(`{ myBalances { available } }`))).toBe(
      'UNAUTHORIZED',
    );
    expect(
      errorCode(
        await worker.client.query(
          `mutation ($input: RecordManualFundingInput!) { recordManualFunding(input: $input) { id } }`,
          {
            input: {
              requesterId: worker.userId,
              amount: 100,
              currency: 'usd',
              reference: 'x',
              idempotencyKey: randomUUID(),
            },
          },
        ),
      ),
    ).toBe('UNAUTHORIZED');
    expect(errorCode(await server.anonymous().query(`{ myEarnings { earned } }`))).toBe(
      'UNAUTHENTICATED',
    );
  });
});
