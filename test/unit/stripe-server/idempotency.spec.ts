import Stripe from 'stripe';
import { ManualClock } from '../../../src/common/clock';
import { startStripeServer, type StripeTestServer } from '../../helpers/stripe-server';

/** Stripe's idempotency rules, as the offline server implements them. */
describe('startStripeServer: idempotency', () => {
  let sut: StripeTestServer;
  let stripe: Stripe;
  let destination: string;

  async function start(options: Parameters<typeof startStripeServer>[0] = {}) {
    sut = await startStripeServer(options);
    stripe = sut.client();
    const account = await stripe.accounts.create({ type: 'express' });
    destination = sut.enableAccount(account.id).id;
  }

  beforeEach(() => start());

  afterEach(() => sut.close());

  const transferParams = () => ({ amount: 500, currency: 'usd', destination });

  it('replays the saved response for the same key and parameters, without a second transfer', async () => {
    const first = await stripe.transfers.create(transferParams(), { idempotencyKey: 'payout-1' });
    const second = await stripe.transfers.create(transferParams(), { idempotencyKey: 'payout-1' });

    expect(second).toEqual(first);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect((await stripe.transfers.list()).data).toHaveLength(1);
    expect(sut.requests({ method: 'POST', path: '/v1/transfers' }).map(r => r.replayed)).toEqual([
      false,
      true,
    ]);
  });

  it('treats the same parameters in another order as the same request', async () => {
    await stripe.transfers.create(
      { ...transferParams(), metadata: { a: '1', b: '2' } },
      { idempotencyKey: 'k' },
    );
    const replay = await stripe.transfers.create(
      { metadata: { b: '2', a: '1' }, destination, currency: 'usd', amount: 500 },
      { idempotencyKey: 'k' },
    );
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('raises StripeIdempotencyError when the same key comes with other parameters', async () => {
    await stripe.transfers.create(transferParams(), { idempotencyKey: 'payout-2' });

    const error = await stripe.transfers
      .create({ ...transferParams(), amount: 501 }, { idempotencyKey: 'payout-2' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });
    expect((await stripe.transfers.list()).data).toHaveLength(1);
  });

  it('raises StripeIdempotencyError when the same key is used on another endpoint', async () => {
    await stripe.transfers.create(transferParams(), { idempotencyKey: 'shared' });
    await expect(
      stripe.paymentIntents.create({ amount: 500, currency: 'usd' }, { idempotencyKey: 'shared' }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('scopes keys per API key', async () => {
    const other = sut.client('sk_test_other_platform');
    const first = await stripe.transfers.create(transferParams(), { idempotencyKey: 'same' });
    const second = await other.transfers.create(transferParams(), { idempotencyKey: 'same' });
    expect(second.id).not.toBe(first.id);
  });

  it('does not save validation failures, so a corrected retry with the same key runs', async () => {
    await expect(
      stripe.transfers.create(
        { amount: 500, currency: 'usd', destination: 'acct_missing' },
        { idempotencyKey: 'fix-me' },
      ),
    ).rejects.toMatchObject({ code: 'resource_missing' });

    await expect(
      stripe.transfers.create(transferParams(), { idempotencyKey: 'fix-me' }),
    ).resolves.toMatchObject({ amount: 500 });
  });

  it('saves and replays a card decline (the endpoint ran)', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const confirm = () =>
      stripe.paymentIntents
        .confirm(intent.id, { payment_method: 'pm_card_chargeDeclined' }, { idempotencyKey: 'c1' })
        .then(
          () => Promise.reject(new Error('expected a decline')),
          (e: unknown) => e as Stripe.errors.StripeCardError,
        );

    const first = await confirm();
    const second = await confirm();

    expect(first).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(second).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(second.charge).toBe(first.charge);
    expect(second.headers?.['idempotent-replayed']).toBe('true');
  });

  it('ignores the key on GET requests', async () => {
    await stripe.balance.retrieve({}, { idempotencyKey: 'get-key' });
    await stripe.transfers.create(transferParams(), { idempotencyKey: 'get-key' });
    expect(sut.requests({ method: 'GET' })[0].idempotencyKey).toBeNull();
  });

  it('forgets keys after 24 hours on the injected clock', async () => {
    await sut.close();
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    await start({ clock });
    await stripe.transfers.create(transferParams(), { idempotencyKey: 'daily' });

    clock.advance(24 * 3600 * 1000 - 1);
    await expect(
      stripe.transfers.create({ ...transferParams(), amount: 9 }, { idempotencyKey: 'daily' }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);

    clock.advance(1);
    const reused = await stripe.transfers.create(
      { ...transferParams(), amount: 9 },
      { idempotencyKey: 'daily' },
    );
    expect(reused.amount).toBe(9);
    expect(reused.created).toBe(Date.parse('2026-03-02T00:00:00Z') / 1000);
  });

  it('answers 409 to a retry while the first request with the key is still running', async () => {
    const stuck = sut.injectFault(
      { method: 'POST', path: '/v1/transfers' },
      { kind: 'hang', phase: 'before-commit' },
    );
    const first = stripe.transfers.create(transferParams(), { idempotencyKey: 'busy' });
    await stuck.whenHit();

    const concurrent = await stripe.transfers
      .create(transferParams(), { idempotencyKey: 'busy' })
      .catch((e: unknown) => e);
    stuck.release();

    expect(concurrent).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(concurrent).toMatchObject({ statusCode: 409, code: 'idempotency_key_in_use' });
    expect((concurrent as Stripe.errors.StripeError).headers?.['stripe-should-retry']).toBe('true');
    await expect(first).resolves.toMatchObject({ amount: 500 });
    expect((await stripe.transfers.list()).data).toHaveLength(1);
  });
});
