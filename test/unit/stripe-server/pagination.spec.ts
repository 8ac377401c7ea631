import Stripe from 'stripe';
import { ManualClock } from '../../../src/common/clock';
import { startStripeServer, type StripeTestServer } from '../../helpers/stripe-server';

/** Cursor pagination as stripe-node's auto-pagination relies on it. */
describe('startStripeServer: list pagination', () => {
  let sut: StripeTestServer;
  let stripe: Stripe;
  let clock: ManualClock;
  let destinations: string[];

  beforeEach(async () => {
    clock = new ManualClock('2026-05-01T00:00:00Z');
    sut = await startStripeServer({ clock });
    stripe = sut.client();
    destinations = [];
    for (let i = 0; i < 2; i++) {
      const account = await stripe.accounts.create({ type: 'express' });
      destinations.push(sut.enableAccount(account.id).id);
    }
  });

  afterEach(() => sut.close());

  /** Creates `count` transfers, alternating destinations; returns their ids oldest first. */
  async function createTransfers(count: number, advanceMs = 0): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const transfer = await stripe.transfers.create({
        amount: 100 + i,
        currency: 'usd',
        destination: destinations[i % 2],
        transfer_group: i < 10 ? 'first-ten' : 'rest',
      });
      ids.push(transfer.id);
      clock.advance(advanceMs);
    }
    return ids;
  }

  it('walks 205 transfers with autoPagingEach, newest first, in pages of 100', async () => {
    const created = await createTransfers(205);

    const seen: string[] = [];
    await stripe.transfers.list({ limit: 100 }).autoPagingEach(transfer => {
      seen.push(transfer.id);
    });

    expect(seen).toEqual([...created].reverse());
    expect(sut.countRequests({ method: 'GET', path: '/v1/transfers' })).toBe(3);
    const cursors = sut
      .requests({ method: 'GET', path: '/v1/transfers' })
      .map(request => request.params.starting_after ?? null);
    expect(cursors).toEqual([null, created[105], created[5]]);
  });

  it('returns has_more exactly when another page exists, with the default limit of 10', async () => {
    const created = await createTransfers(20);

    const first = await stripe.transfers.list();
    const second = await stripe.transfers.list({ starting_after: first.data[9].id });

    expect(first).toMatchObject({ object: 'list', url: '/v1/transfers', has_more: true });
    expect(first.data).toHaveLength(10);
    expect(second.has_more).toBe(false);
    expect(second.data.map(t => t.id)).toEqual(created.slice(0, 10).reverse());
  });

  it('pages backwards with ending_before, and auto-pagination follows it', async () => {
    const created = await createTransfers(12);

    const newer = await stripe.transfers.list({ ending_before: created[5], limit: 3 });
    expect(newer.data.map(t => t.id)).toEqual([created[8], created[7], created[6]]);
    expect(newer.has_more).toBe(true);

    const all = await stripe.transfers
      .list({ ending_before: created[5], limit: 2 })
      .autoPagingToArray({ limit: 100 });
    expect(all.map(t => t.id)).toEqual(created.slice(6));
  });

  it('filters by destination, transfer_group and created range', async () => {
    const created = await createTransfers(30, 1000);
    const start = Date.parse('2026-05-01T00:00:00Z') / 1000;

    const toFirst = await stripe.transfers
      .list({ destination: destinations[0] })
      .autoPagingToArray({ limit: 100 });
    const firstTen = await stripe.transfers
      .list({ transfer_group: 'first-ten' })
      .autoPagingToArray({ limit: 100 });
    const window = await stripe.transfers.list({ created: { gte: start + 5, lt: start + 8 } });

    expect(toFirst).toHaveLength(15);
    expect(toFirst.every(t => t.destination === destinations[0])).toBe(true);
    expect(firstTen.map(t => t.id)).toEqual(created.slice(0, 10).reverse());
    expect(window.data.map(t => t.id)).toEqual([created[7], created[6], created[5]]);
  });

  it('refuses a limit outside 1..100 and an unknown cursor', async () => {
    await expect(stripe.transfers.list({ limit: 101 })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'limit',
    });
    await expect(stripe.transfers.list({ starting_after: 'tr_gone' })).rejects.toMatchObject({
      code: 'resource_missing',
      param: 'starting_after',
    });
  });

  it('auto-paginates events and balance transactions too', async () => {
    await createTransfers(15);

    const events = await stripe.events
      .list({ type: 'transfer.created', limit: 4 })
      .autoPagingToArray({ limit: 100 });
    const txns = await stripe.balanceTransactions
      .list({ limit: 7 })
      .autoPagingToArray({ limit: 100 });

    expect(events).toHaveLength(15);
    expect(new Set(events.map(e => e.id)).size).toBe(15);
    expect(txns).toHaveLength(15);
  });
});
