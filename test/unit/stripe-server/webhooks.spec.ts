import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startStripeServer, type StripeTestServer } from '../../helpers/stripe-server';

/** What the tiny receiving app saw for one POST. */
interface Received {
  event: Stripe.Event | null;
  error: string | null;
}

/**
 * A stand-in for the app's webhook route: reads the raw body, verifies it with stripe-node's
 * `constructEvent` (as the product must), answers 200 or 400, and remembers the outcome.
 */
async function startReceiver(secret: () => string, answer = 200) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const event = Stripe.webhooks.constructEvent(
          Buffer.concat(chunks),
          req.headers['stripe-signature'] ?? '',
          secret(),
        );
        received.push({ event, error: null });
        res.writeHead(answer).end(JSON.stringify({ received: true }));
      } catch (error) {
        received.push({ event: null, error: (error as Error).message });
        res.writeHead(400).end('bad signature');
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
  return {
    url,
    received,
    events: () => received.map(r => r.event).filter((e): e is Stripe.Event => e !== null),
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

describe('startStripeServer: webhooks', () => {
  let sut: StripeTestServer;
  let stripe: Stripe;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeEach(async () => {
    sut = await startStripeServer();
    stripe = sut.client();
    receiver = await startReceiver(() => sut.webhookSecret!);
    sut.configureWebhook({ url: receiver.url });
  });

  afterEach(async () => {
    await sut.close();
    await receiver.close();
  });

  async function payIntent(): Promise<Stripe.PaymentIntent> {
    const intent = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });
    return stripe.paymentIntents.confirm(intent.id);
  }

  it('queues events by default and delivers them, signed, only when flushed', async () => {
    const intent = await payIntent();
    expect(receiver.received).toEqual([]);
    expect(sut.pendingEvents().map(e => e.type)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);

    const deliveries = await sut.flushEvents();

    expect(deliveries.map(d => d.status)).toEqual([200, 200, 200]);
    expect(receiver.received.map(r => r.error)).toEqual([null, null, null]);
    const succeeded = receiver.events()[2];
    expect(succeeded).toMatchObject({
      type: 'payment_intent.succeeded',
      data: { object: { id: intent.id, status: 'succeeded' } },
    });
    expect(succeeded).toEqual(await stripe.events.retrieve(succeeded.id));
    expect(sut.pendingEvents()).toEqual([]);
    expect(deliveries[0].signatureHeader).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('delivers each event twice when asked, with the same event id', async () => {
    await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });

    await sut.flushEvents({ duplicate: true });

    const ids = receiver.events().map(e => e.id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
  });

  it('delivers out of order: reversed, or a chosen subset in a chosen order', async () => {
    await payIntent();
    const [created, charged, succeeded] = sut.pendingEvents();

    await sut.flushEvents({ order: [succeeded.id, created.id] });
    expect(receiver.events().map(e => e.type)).toEqual([
      'payment_intent.succeeded',
      'payment_intent.created',
    ]);
    expect(sut.pendingEvents().map(e => e.id)).toEqual([charged.id]);

    await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    await sut.flushEvents({ order: 'reverse' });
    expect(
      receiver
        .events()
        .map(e => e.type)
        .slice(2),
    ).toEqual(['payment_intent.created', 'charge.succeeded']);
  });

  it.each([
    ['tampered-payload', /No signatures found matching the expected signature/],
    ['wrong-secret', /No signatures found matching the expected signature/],
    ['missing', /No stripe-signature header value was provided|Unable to extract timestamp/],
  ] as const)(
    'sends a delivery with a %s signature that constructEvent rejects',
    async (signature, message) => {
      await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });

      const [delivery] = await sut.flushEvents({ signature });

      expect(delivery.status).toBe(400);
      expect(receiver.received[0].error).toMatch(message);
    },
  );

  it('sends a timestamp older than the 300 s tolerance that constructEvent rejects, and accepts one just inside', async () => {
    const [stale] = await sut.sendEvent(
      'transfer.created',
      { id: 'tr_1', object: 'transfer' },
      {
        timestampOffsetSeconds: -301,
      },
    );
    const [fresh] = await sut.sendEvent(
      'transfer.created',
      { id: 'tr_2', object: 'transfer' },
      {
        timestampOffsetSeconds: -240,
      },
    );

    expect(stale.status).toBe(400);
    expect(receiver.received[0].error).toBe('Timestamp outside the tolerance zone');
    expect(fresh.status).toBe(200);
  });

  it('sends any event type around any object, stored so the app can re-read it', async () => {
    const [delivery] = await sut.sendEvent(
      'payout.paid',
      { id: 'po_123', object: 'payout', status: 'paid' },
      { account: 'acct_worker', createdOffsetSeconds: -3600 },
    );

    const [event] = receiver.events();
    expect(delivery.eventId).toBe(event.id);
    expect(event).toMatchObject({
      type: 'payout.paid',
      account: 'acct_worker',
      data: { object: { id: 'po_123' } },
      request: { id: null, idempotency_key: null },
    });
    expect(Math.abs(event.created - (Date.now() / 1000 - 3600))).toBeLessThan(60);
    expect(await stripe.events.retrieve(event.id)).toEqual(event);
  });

  it('queues a sent event with deliver: false, to be flushed later with the others', async () => {
    await sut.sendEvent(
      'transfer.reversed',
      { id: 'tr_9', object: 'transfer' },
      { deliver: false },
    );
    expect(receiver.received).toEqual([]);
    expect(sut.pendingEvents().map(e => e.type)).toEqual(['transfer.reversed']);
  });

  it('emits payout.failed as a Connect event from the connected account', async () => {
    const account = await stripe.accounts.create({ type: 'express' });
    sut.discardPendingEvents();

    const payout = sut.failPayout({
      account: account.id,
      amount: 4200,
      failureCode: 'account_closed',
    });
    await sut.flushEvents();

    expect(payout).toMatchObject({
      object: 'payout',
      status: 'failed',
      failure_code: 'account_closed',
    });
    expect(receiver.events()).toEqual([
      expect.objectContaining({
        type: 'payout.failed',
        account: account.id,
        data: { object: expect.objectContaining({ id: payout.id, amount: 4200 }) },
      }),
    ]);
  });

  it('redelivers an event already delivered, and records the app answer of every POST', async () => {
    await sut.close();
    await receiver.close();
    sut = await startStripeServer();
    stripe = sut.client();
    receiver = await startReceiver(() => sut.webhookSecret!, 500);
    sut.configureWebhook({ url: receiver.url });
    await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });

    const [first] = await sut.flushEvents();
    const [again] = await sut.redeliverEvent(first.eventId);

    expect([first.status, again.status]).toEqual([500, 500]);
    expect(again.payload).toBe(first.payload);
    expect(sut.deliveries()).toHaveLength(2);
  });

  it('delivers automatically when the endpoint asks for it', async () => {
    sut.configureWebhook({ url: receiver.url, delivery: 'auto' });

    await payIntent();
    await sut.whenIdle();

    expect(receiver.events().map(e => e.type)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
    expect(sut.pendingEvents()).toEqual([]);
  });

  it('reports a failed connection in the delivery instead of throwing', async () => {
    await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });
    await receiver.close();

    const [delivery] = await sut.flushEvents();

    expect(delivery.status).toBeNull();
    expect(delivery.error).toMatch(/ECONNREFUSED/);
    receiver = await startReceiver(() => sut.webhookSecret!);
  });

  it('throws when there is nowhere to deliver', async () => {
    await sut.close();
    sut = await startStripeServer();
    await expect(sut.flushEvents()).rejects.toThrow(/No webhook endpoint/);
  });
});
