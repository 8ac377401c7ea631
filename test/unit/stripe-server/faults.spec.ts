import Stripe from 'stripe';
import { startStripeServer, type StripeTestServer } from '../../helpers/stripe-server';

/**
 * Fault injection: the failures exactly-once payouts must survive (DESIGN.md promise 5), each
 * at the three points that decide whether money moved.
 */
describe('startStripeServer: fault injection', () => {
  let sut: StripeTestServer;
  let stripe: Stripe;
  let destination: string;
  let scheduled: Array<{ ms: number; run: () => void }>;

  beforeEach(async () => {
    scheduled = [];
    sut = await startStripeServer({ scheduler: (ms, run) => scheduled.push({ ms, run }) });
    stripe = sut.client();
    const account = await stripe.accounts.create({ type: 'express' });
    destination = sut.enableAccount(account.id).id;
    sut.discardPendingEvents();
  });

  afterEach(() => sut.close());

  const transfersEndpoint = { method: 'POST', path: '/v1/transfers' } as const;
  const pay = (key: string) =>
    stripe.transfers.create({ amount: 700, currency: 'usd', destination }, { idempotencyKey: key });
  const transferCount = async () => (await stripe.transfers.list()).data.length;

  it('a 500 before execution saves nothing: the retry with the same key transfers once', async () => {
    sut.injectFault(transfersEndpoint, { kind: 'error', phase: 'before-execution', status: 503 });

    const error = await pay('payout-a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 503 });
    expect(await transferCount()).toBe(0);

    await expect(pay('payout-a')).resolves.toMatchObject({ amount: 700 });
    expect(await transferCount()).toBe(1);
  });

  it('a 500 before commit moves no money, and the same key replays the 500', async () => {
    sut.injectFault(transfersEndpoint, { kind: 'error', phase: 'before-commit' });

    const first = await pay('payout-b').catch((e: unknown) => e);
    const retry = await pay('payout-b').catch((e: unknown) => e);

    expect(first).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(retry).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect((retry as Stripe.errors.StripeError).headers?.['idempotent-replayed']).toBe('true');
    expect(await transferCount()).toBe(0);
    expect(sut.pendingEvents()).toEqual([]);
  });

  it('a 500 after commit moved the money, and the same key keeps replaying the 500', async () => {
    sut.injectFault(transfersEndpoint, { kind: 'error', phase: 'after-commit' });

    const first = await pay('payout-c').catch((e: unknown) => e);
    const retry = await pay('payout-c').catch((e: unknown) => e);

    expect(first).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(first).toMatchObject({ statusCode: 500 });
    expect(retry).toMatchObject({ statusCode: 500, message: (first as Error).message });
    expect((retry as Stripe.errors.StripeError).headers?.['idempotent-replayed']).toBe('true');
    // Only reading state back (or the webhook) reveals that the transfer exists.
    const transfers = await stripe.transfers.list();
    expect(transfers.data).toHaveLength(1);
    expect(sut.pendingEvents().map(e => e.type)).toEqual(['transfer.created']);
  });

  it('injects Stripe-shaped errors of any status, such as a 402 decline or a 429', async () => {
    sut.injectFault(
      { method: 'POST', path: '/v1/payment_intents' },
      { kind: 'error', phase: 'before-execution', status: 402, error: { code: 'card_declined' } },
    );
    sut.injectFault(transfersEndpoint, {
      kind: 'error',
      phase: 'before-execution',
      status: 429,
      error: { type: 'rate_limit_error', message: 'Too many requests' },
    });

    await expect(
      stripe.paymentIntents.create({ amount: 500, currency: 'usd' }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeCardError);
    await expect(pay('payout-d')).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
  });

  it('counts down `times` and then lets requests through', async () => {
    const rule = sut.injectFault(
      transfersEndpoint,
      { kind: 'error', phase: 'before-execution' },
      { times: 2 },
    );

    const outcomes = [];
    for (const key of ['k1', 'k2', 'k3']) {
      outcomes.push(
        await pay(key).then(
          () => 'ok',
          () => 'failed',
        ),
      );
    }

    expect(outcomes).toEqual(['failed', 'failed', 'ok']);
    expect(rule.hits).toBe(2);
  });

  it('a lost response after commit is replayed as success when stripe-node retries the reset connection', async () => {
    sut.injectFault(transfersEndpoint, { kind: 'disconnect', phase: 'after-commit' });

    // stripe-node v23 retries ECONNRESET once, even with maxNetworkRetries: 0, with the same key.
    const transfer = await pay('payout-e');

    const attempts = sut.requests(transfersEndpoint);
    expect(attempts.map(r => [r.status, r.replayed])).toEqual([
      [null, false],
      [200, true],
    ]);
    expect(attempts[1].idempotencyKey).toBe('payout-e');
    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({ amount: 700 });
    expect(await transferCount()).toBe(1);
  });

  it('when every attempt loses its response, the caller sees a connection error but a later retry finds the transfer', async () => {
    sut.injectFault(transfersEndpoint, { kind: 'disconnect', phase: 'after-commit' }, { times: 2 });

    await expect(pay('payout-f')).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(await transferCount()).toBe(1);

    const replayed = await pay('payout-f');
    expect(replayed.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(await transferCount()).toBe(1);
  });

  it('holds a response until released; a retry meanwhile replays the committed transfer', async () => {
    const hang = sut.injectFault(transfersEndpoint, { kind: 'hang', phase: 'after-commit' });
    let firstAnswered = false;
    const first = pay('payout-g').then(transfer => {
      firstAnswered = true;
      return transfer;
    });
    await hang.whenHit();

    // The caller gave up waiting (a client timeout would look the same) and retries.
    const retry = await pay('payout-g');

    expect(firstAnswered).toBe(false);
    expect(hang.held).toBe(1);
    expect(retry.lastResponse.headers['idempotent-replayed']).toBe('true');
    hang.release();
    expect((await first).id).toBe(retry.id);
    expect(hang.held).toBe(0);
    expect(await transferCount()).toBe(1);
  });

  it('drops held requests when the server closes', async () => {
    const hang = sut.injectFault(transfersEndpoint, { kind: 'hang', phase: 'before-execution' });
    const held = pay('payout-h').catch((e: unknown) => e);
    await hang.whenHit();

    await sut.close();

    expect(await held).toBeInstanceOf(Stripe.errors.StripeConnectionError);
  });

  it('delays on the injected scheduler, with no real waiting', async () => {
    const rule = sut.injectFault(
      { method: 'GET', path: '/v1/balance' },
      { kind: 'delay', phase: 'before-execution', ms: 30_000 },
    );
    let answered = false;
    const pending = stripe.balance.retrieve().then(balance => {
      answered = true;
      return balance;
    });

    await rule.whenHit();
    expect(scheduled.map(entry => entry.ms)).toEqual([30_000]);
    expect(answered).toBe(false);

    scheduled[0].run();
    await expect(pending).resolves.toMatchObject({ object: 'balance' });
  });

  it('matches path templates and regular expressions, and cancel() removes a rule', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    const confirmRule = sut.injectFault(
      { path: '/v1/payment_intents/:id/confirm' },
      { kind: 'error', phase: 'before-execution' },
    );
    const anyRetrieve = sut.injectFault(
      { method: 'GET', path: /^\/v1\/payment_intents\/pi_/ },
      { kind: 'error', phase: 'before-execution' },
      { times: Infinity },
    );

    await expect(stripe.paymentIntents.retrieve(intent.id)).rejects.toThrow();
    await expect(stripe.paymentIntents.confirm(intent.id)).rejects.toThrow();
    anyRetrieve.cancel();

    await expect(stripe.paymentIntents.retrieve(intent.id)).resolves.toMatchObject({
      status: 'requires_payment_method',
    });
    expect([confirmRule.hits, anyRetrieve.hits]).toEqual([1, 1]);
  });

  it('records every request with its parsed parameters and idempotency key', async () => {
    await pay('rec-1');
    await stripe.transfers.list({ limit: 3 });

    expect(sut.countRequests(transfersEndpoint)).toBe(1);
    expect(sut.countRequests({ path: '/v1/transfers' })).toBe(2);
    const [post] = sut.requests(transfersEndpoint);
    expect(post).toMatchObject({
      method: 'POST',
      path: '/v1/transfers',
      apiKey: sut.apiKey,
      idempotencyKey: 'rec-1',
      stripeVersion: Stripe.API_VERSION,
      params: { amount: '700', currency: 'usd', destination },
      status: 200,
      fault: null,
    });
    expect(sut.requests({ method: 'GET', path: '/v1/transfers' })[0].params).toEqual({
      limit: '3',
    });
  });
});
