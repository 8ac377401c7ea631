import Stripe from 'stripe';
import { startStripeServer, type StripeTestServer } from '../../helpers/stripe-server';

/**
 * The offline Stripe server's resources, driven through the real stripe-node SDK over HTTP on
 * 127.0.0.1, so these tests also pin down that the SDK accepts every response shape.
 */
describe('startStripeServer: resources', () => {
  let sut: StripeTestServer;
  let stripe: Stripe;

  beforeEach(async () => {
    sut = await startStripeServer();
    stripe = sut.client();
  });

  afterEach(() => sut.close());

  async function onboardedAccount(): Promise<Stripe.Account> {
    const account = await stripe.accounts.create({
      controller: {
        fees: { payer: 'application' },
        losses: { payments: 'application' },
        stripe_dashboard: { type: 'express' },
      },
    });
    return sut.enableAccount(account.id);
  }

  describe('PaymentIntents', () => {
    it('creates, retrieves and confirms a PaymentIntent with the fields Stripe returns', async () => {
      const created = await stripe.paymentIntents.create({
        amount: 2500,
        currency: 'USD',
        metadata: { projectId: 'p-1' },
        automatic_payment_methods: { enabled: true },
      });

      expect(created).toMatchObject({
        object: 'payment_intent',
        amount: 2500,
        currency: 'usd',
        status: 'requires_payment_method',
        metadata: { projectId: 'p-1' },
        livemode: false,
        automatic_payment_methods: { enabled: true },
        latest_charge: null,
      });
      expect(created.id).toMatch(/^pi_\w{24}$/);
      expect(created.client_secret).toMatch(new RegExp(`^${created.id}_secret_\\w+$`));
      expect(Math.abs(created.created - Date.now() / 1000)).toBeLessThan(60);
      expect(await stripe.paymentIntents.retrieve(created.id)).toEqual(
        expect.objectContaining({ id: created.id, status: 'requires_payment_method' }),
      );

      const confirmed = await stripe.paymentIntents.confirm(created.id, {
        payment_method: 'pm_card_visa',
      });
      expect(confirmed.status).toBe('succeeded');
      expect(confirmed.amount_received).toBe(2500);
      expect(confirmed.latest_charge).toMatch(/^ch_/);
    });

    it('expands the charge and its balance transaction, with a 2.9% + 30 fee', async () => {
      const intent = await stripe.paymentIntents.create({ amount: 10_000, currency: 'usd' });
      const confirmed = await stripe.paymentIntents.confirm(intent.id, {
        expand: ['latest_charge.balance_transaction'],
      });

      const charge = confirmed.latest_charge as Stripe.Charge;
      const txn = charge.balance_transaction as Stripe.BalanceTransaction;
      expect(charge).toMatchObject({ object: 'charge', amount: 10_000, payment_intent: intent.id });
      expect(txn).toMatchObject({
        object: 'balance_transaction',
        type: 'charge',
        amount: 10_000,
        fee: 320,
        net: 9680,
        source: charge.id,
      });
    });

    it('declines pm_card_chargeDeclined with a 402 StripeCardError carrying the PaymentIntent', async () => {
      const intent = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });

      const error = await stripe.paymentIntents
        .confirm(intent.id, { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect(error).toMatchObject({
        statusCode: 402,
        code: 'card_declined',
        decline_code: 'insufficient_funds',
        payment_intent: { id: intent.id, status: 'requires_payment_method' },
      });
      const after = await stripe.paymentIntents.retrieve(intent.id);
      expect(after.last_payment_error).toMatchObject({ decline_code: 'insufficient_funds' });
    });

    it('confirms at creation with confirm=true', async () => {
      const intent = await stripe.paymentIntents.create({
        amount: 700,
        currency: 'eur',
        confirm: true,
        payment_method: 'pm_card_visa',
      });
      expect(intent.status).toBe('succeeded');
    });

    it('lets a test mark a PaymentIntent succeeded or failed, emitting the matching events', async () => {
      const paid = await stripe.paymentIntents.create({ amount: 900, currency: 'usd' });
      const declined = await stripe.paymentIntents.create({ amount: 900, currency: 'usd' });

      expect(sut.succeedPaymentIntent(paid.id).status).toBe('succeeded');
      expect(sut.failPaymentIntent(declined.id).last_payment_error?.code).toBe('card_declined');
      expect(sut.pendingEvents().map(e => [e.type, (e.data.object as { id: string }).id])).toEqual(
        expect.arrayContaining([
          ['payment_intent.succeeded', paid.id],
          ['payment_intent.payment_failed', declined.id],
        ]),
      );
    });

    it('refuses an amount below the currency minimum', async () => {
      await expect(
        stripe.paymentIntents.create({ amount: 49, currency: 'usd' }),
      ).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        code: 'amount_too_small',
        param: 'amount',
      });
    });
  });

  describe('Checkout Sessions', () => {
    it('parses nested line_items (more than qs default array limit) and totals them', async () => {
      const lineItems = Array.from({ length: 25 }, (_, i) => ({
        quantity: i + 1,
        price_data: { currency: 'usd', unit_amount: 100, product_data: { name: `Batch ${i}` } },
      }));

      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: lineItems,
        success_url: 'https://quorum.test/funded?session={CHECKOUT_SESSION_ID}',
        cancel_url: 'https://quorum.test/cancelled',
        client_reference_id: 'project-42',
        metadata: { projectId: 'project-42' },
        payment_intent_data: { metadata: { projectId: 'project-42' } },
        expand: ['line_items'],
      });

      expect(session.id).toMatch(/^cs_test_/);
      expect(session).toMatchObject({
        object: 'checkout.session',
        mode: 'payment',
        status: 'open',
        payment_status: 'unpaid',
        payment_intent: null,
        amount_total: 100 * ((25 * 26) / 2),
        currency: 'usd',
        client_reference_id: 'project-42',
        metadata: { projectId: 'project-42' },
        success_url: 'https://quorum.test/funded?session={CHECKOUT_SESSION_ID}',
      });
      expect(session.url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
      expect(session.line_items?.data).toHaveLength(25);
      expect(session.line_items?.data[24]).toMatchObject({ quantity: 25, description: 'Batch 24' });
    });

    it('completes a session: paid, with a succeeded PaymentIntent carrying payment_intent_data', async () => {
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          { quantity: 2, price_data: { currency: 'usd', unit_amount: 1500, product: 'prod_1' } },
        ],
        success_url: 'https://quorum.test/ok',
        payment_intent_data: { metadata: { projectId: 'p-7' } },
      });

      sut.completeCheckoutSession(session.id);
      const completed = await stripe.checkout.sessions.retrieve(session.id, {
        expand: ['payment_intent'],
      });

      expect(completed).toMatchObject({ status: 'complete', payment_status: 'paid' });
      expect(completed.payment_intent).toMatchObject({
        object: 'payment_intent',
        status: 'succeeded',
        amount: 3000,
        metadata: { projectId: 'p-7' },
      });
      expect(sut.pendingEvents().map(e => e.type)).toEqual([
        'payment_intent.created',
        'charge.succeeded',
        'payment_intent.succeeded',
        'checkout.session.completed',
      ]);
    });

    it('requires quantity on each line item, naming the parameter in Stripe notation', async () => {
      const error = await stripe.checkout.sessions
        .create({
          mode: 'payment',
          line_items: [{ price_data: { currency: 'usd', unit_amount: 1, product: 'prod_1' } }],
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ code: 'parameter_missing', param: 'line_items[0][quantity]' });
    });

    it('expires an open session', async () => {
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          { quantity: 1, price_data: { currency: 'usd', unit_amount: 500, product: 'p' } },
        ],
      });
      const expired = await stripe.checkout.sessions.expire(session.id);
      expect(expired.status).toBe('expired');
      await expect(stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        message: expect.stringMatching(/has a status of "expired"/),
      });
    });
  });

  describe('Connect accounts', () => {
    it('creates an account from controller settings and reports the matching legacy type', async () => {
      const account = await stripe.accounts.create({
        controller: {
          fees: { payer: 'application' },
          losses: { payments: 'application' },
          stripe_dashboard: { type: 'express' },
          requirement_collection: 'stripe',
        },
        capabilities: { transfers: { requested: true } },
        email: 'worker@quorum.test',
        metadata: { workerId: 'w-1' },
      });

      expect(account.id).toMatch(/^acct_/);
      expect(account).toMatchObject({
        object: 'account',
        type: 'express',
        controller: {
          fees: { payer: 'application_express' },
          losses: { payments: 'application' },
          stripe_dashboard: { type: 'express' },
          requirement_collection: 'stripe',
          type: 'application',
          is_controller: true,
        },
        capabilities: { transfers: 'inactive' },
        charges_enabled: false,
        payouts_enabled: false,
        details_submitted: false,
        email: 'worker@quorum.test',
        metadata: { workerId: 'w-1' },
      });
      expect(account.requirements?.currently_due?.length).toBeGreaterThan(0);
    });

    it('accepts the deprecated type parameter, but not together with controller', async () => {
      const express = await stripe.accounts.create({ type: 'express' });
      expect(express.controller?.stripe_dashboard?.type).toBe('express');

      await expect(
        stripe.accounts.create({ type: 'custom', controller: { fees: { payer: 'application' } } }),
      ).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        message: 'You may only specify one of these parameters: controller, type.',
      });
    });

    it('rejects a controller value Stripe does not know, naming the nested parameter', async () => {
      const error = await stripe.accounts
        .create({ controller: { fees: { payer: 'nobody' as 'account' } } })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ statusCode: 400, param: 'controller[fees][payer]' });
    });

    it('enables an account and emits account.updated with previous_attributes', async () => {
      const account = await stripe.accounts.create({ type: 'express' });

      sut.enableAccount(account.id);
      const retrieved = await stripe.accounts.retrieve(account.id);

      expect(retrieved).toMatchObject({
        charges_enabled: true,
        payouts_enabled: true,
        details_submitted: true,
        capabilities: { transfers: 'active' },
        requirements: { currently_due: [], disabled_reason: null },
      });
      const [event] = sut.pendingEvents();
      expect(event).toMatchObject({
        type: 'account.updated',
        account: account.id,
        data: { object: { id: account.id, payouts_enabled: true } },
      });
      expect(event.data.previous_attributes).toMatchObject({ payouts_enabled: false });
    });

    it('updates email and metadata, and refuses fields it does not model', async () => {
      const account = await stripe.accounts.create({
        type: 'express',
        metadata: { a: '1', b: '2' },
      });
      const updated = await stripe.accounts.update(account.id, { metadata: { a: '', c: '3' } });
      expect(updated.metadata).toEqual({ b: '2', c: '3' });
      await expect(
        stripe.accounts.update(account.id, { business_type: 'individual' }),
      ).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'business_type' });
    });

    it('creates an onboarding link for an existing account only', async () => {
      const account = await stripe.accounts.create({ type: 'express' });
      const link = await stripe.accountLinks.create({
        account: account.id,
        refresh_url: 'https://quorum.test/reauth',
        return_url: 'https://quorum.test/return',
        type: 'account_onboarding',
      });
      expect(link).toMatchObject({ object: 'account_link' });
      expect(link.url).toContain(account.id);
      expect(link.expires_at).toBe(link.created + 300);

      const error = await stripe.accountLinks
        .create({ account: 'acct_missing', type: 'account_onboarding' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'account' });
    });
  });

  describe('Transfers and balance', () => {
    it('creates and retrieves a transfer with its balance transaction and a transfer.created event', async () => {
      const account = await onboardedAccount();
      sut.discardPendingEvents();

      const transfer = await stripe.transfers.create({
        amount: 1234,
        currency: 'usd',
        destination: account.id,
        transfer_group: 'payout-run-1',
        metadata: { payoutId: 'payout-1' },
      });

      expect(transfer).toMatchObject({
        object: 'transfer',
        amount: 1234,
        amount_reversed: 0,
        currency: 'usd',
        destination: account.id,
        transfer_group: 'payout-run-1',
        metadata: { payoutId: 'payout-1' },
        reversed: false,
        livemode: false,
      });
      expect(transfer.id).toMatch(/^tr_/);
      expect(await stripe.transfers.retrieve(transfer.id)).toEqual(transfer);
      const txn = await stripe.balanceTransactions.retrieve(transfer.balance_transaction as string);
      expect(txn).toMatchObject({
        type: 'transfer',
        amount: -1234,
        fee: 0,
        net: -1234,
        source: transfer.id,
      });
      expect(sut.pendingEvents().map(e => e.type)).toEqual(['transfer.created']);
    });

    it('refuses a transfer to an unknown account or one without the transfers capability', async () => {
      const notOnboarded = await stripe.accounts.create({ type: 'express' });

      await expect(
        stripe.transfers.create({ amount: 100, currency: 'usd', destination: 'acct_nope' }),
      ).rejects.toMatchObject({ code: 'resource_missing', param: 'destination' });
      await expect(
        stripe.transfers.create({ amount: 100, currency: 'usd', destination: notOnboarded.id }),
      ).rejects.toMatchObject({ code: 'insufficient_capabilities_for_transfer' });
    });

    it('rejects unknown and missing parameters as Stripe does', async () => {
      const account = await onboardedAccount();
      await expect(
        stripe.transfers.create({
          amount: 100,
          currency: 'usd',
          destination: account.id,
          amout: 5,
        } as Stripe.TransferCreateParams),
      ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'amout' });
      await expect(
        stripe.transfers.create({ currency: 'usd', destination: account.id }),
      ).rejects.toMatchObject({ code: 'parameter_missing', param: 'amount' });
    });

    it('reverses a transfer partly then fully, returning money to the balance', async () => {
      const account = await onboardedAccount();
      sut.fundBalance(5000);
      const transfer = await stripe.transfers.create({
        amount: 1000,
        currency: 'usd',
        destination: account.id,
      });

      const partial = await stripe.transfers.createReversal(transfer.id, { amount: 400 });
      const rest = await stripe.transfers.createReversal(transfer.id, {
        metadata: { why: 'test' },
      });

      expect(partial).toMatchObject({
        object: 'transfer_reversal',
        amount: 400,
        transfer: transfer.id,
      });
      expect(rest.amount).toBe(600);
      expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({
        amount_reversed: 1000,
        reversed: true,
      });
      const balance = await stripe.balance.retrieve();
      expect(balance.available).toEqual([
        { amount: 5000, currency: 'usd', source_types: { card: 5000 } },
      ]);
      await expect(stripe.transfers.createReversal(transfer.id)).rejects.toMatchObject({
        code: 'transfer_already_reversed',
      });
      const reversals = await stripe.transfers.listReversals(transfer.id);
      expect(reversals.data.map(r => r.id)).toEqual([rest.id, partial.id]);
      expect(sut.pendingEvents().filter(e => e.type === 'transfer.reversed')).toHaveLength(2);
    });

    it('refuses a transfer above the available balance when the balance is enforced', async () => {
      await sut.close();
      sut = await startStripeServer({ enforceBalance: true });
      stripe = sut.client();
      const account = await onboardedAccount();
      sut.fundBalance(500);

      await expect(
        stripe.transfers.create({ amount: 501, currency: 'usd', destination: account.id }),
      ).rejects.toMatchObject({ code: 'balance_insufficient', statusCode: 400 });
      await expect(
        stripe.transfers.create({ amount: 500, currency: 'usd', destination: account.id }),
      ).resolves.toMatchObject({ amount: 500 });
    });

    it('lists balance transactions filtered by type', async () => {
      const account = await onboardedAccount();
      const intent = await stripe.paymentIntents.create({ amount: 5000, currency: 'usd' });
      await stripe.paymentIntents.confirm(intent.id);
      await stripe.transfers.create({ amount: 300, currency: 'usd', destination: account.id });

      const all = await stripe.balanceTransactions.list();
      const transfers = await stripe.balanceTransactions.list({
        type: 'transfer',
        expand: ['data.source'],
      });

      expect(all.data.map(t => t.type)).toEqual(['transfer', 'charge']);
      expect(transfers.data).toHaveLength(1);
      expect(transfers.data[0].source).toMatchObject({ object: 'transfer', amount: 300 });
      const balance = await stripe.balance.retrieve();
      expect(balance.available[0].amount).toBe(5000 - (145 + 30) - 300);
    });
  });

  describe('events', () => {
    it('retrieves and lists the events operations emitted, newest first, filtered by type', async () => {
      const intent = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
      await stripe.paymentIntents.confirm(intent.id, undefined, { idempotencyKey: 'confirm-1' });

      const listed = await stripe.events.list({
        types: ['payment_intent.created', 'payment_intent.succeeded'],
      });
      const [succeeded] = listed.data;
      const retrieved = await stripe.events.retrieve(succeeded.id);

      expect(listed.data.map(e => e.type)).toEqual([
        'payment_intent.succeeded',
        'payment_intent.created',
      ]);
      expect(retrieved).toMatchObject({
        object: 'event',
        type: 'payment_intent.succeeded',
        api_version: Stripe.API_VERSION,
        livemode: false,
        request: { idempotency_key: 'confirm-1' },
        data: { object: { id: intent.id, status: 'succeeded' } },
      });
      expect(retrieved.id).toMatch(/^evt_/);
      expect((await stripe.events.list({ type: 'charge.*' })).data.map(e => e.type)).toEqual([
        'charge.succeeded',
      ]);
    });

    it('keeps the event snapshot even after the object changes', async () => {
      const intent = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
      await stripe.paymentIntents.confirm(intent.id);

      const created = (await stripe.events.list({ type: 'payment_intent.created' })).data[0];
      expect((created.data.object as Stripe.PaymentIntent).status).toBe('requires_payment_method');
    });
  });

  describe('HTTP edges', () => {
    it('answers 401 with Stripe error shape for a missing or live key', async () => {
      const response = await fetch(`${sut.url}/v1/balance`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { type: 'invalid_request_error', message: expect.stringMatching(/API key/) },
      });
      await expect(sut.client('sk_live_realkey123456').balance.retrieve()).rejects.toBeInstanceOf(
        Stripe.errors.StripeAuthenticationError,
      );
    });

    it('answers 404 resource_missing for unknown ids and unknown URLs', async () => {
      const error = await stripe.transfers.retrieve('tr_unknown').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing' });

      const response = await fetch(`${sut.url}/v1/customers`, {
        headers: { authorization: `Bearer ${sut.apiKey}` },
      });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
        /Unrecognized request URL/,
      );
    });

    it('refuses the Stripe-Account header instead of silently acting on the platform', async () => {
      const error = await stripe.balance
        .retrieve({}, { stripeAccount: 'acct_123' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ message: expect.stringMatching(/Stripe-Account header/) });
    });
  });
});
