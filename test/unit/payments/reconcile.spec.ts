import { mulberry32, randomInt } from '../../../src/modules/aggregation/algorithms/rng';
import { type Movement, reconcileMovements } from '../../../src/modules/payments/math/reconcile';

const charge = (reference: string, amount: number, currency = 'usd'): Movement => ({
  kind: 'charge',
  reference,
  currency,
  amount,
});
const transfer = (reference: string, amount: number): Movement => ({
  kind: 'transfer',
  reference,
  currency: 'usd',
  amount,
});

describe('reconcileMovements', () => {
  it('finds nothing when both sides agree, whatever the order', () => {
    const ledger = [charge('ch_1', 500), transfer('tr_1', -300), charge('ch_2', 100)];
    expect(reconcileMovements(ledger, [...ledger].reverse())).toEqual([]);
  });

  it('sums partial movements under one reference before comparing', () => {
    const ledger = [
      { kind: 'transfer_refund' as const, reference: 'tr_1', currency: 'usd', amount: 300 },
    ];
    const provider = [
      { kind: 'transfer_refund' as const, reference: 'tr_1', currency: 'usd', amount: 100 },
      { kind: 'transfer_refund' as const, reference: 'tr_1', currency: 'usd', amount: 200 },
    ];
    expect(reconcileMovements(ledger, provider)).toEqual([]);
  });

  it('lists each kind of difference once, sorted', () => {
    const ledger = [charge('ch_1', 500), transfer('tr_2', -300), charge('ch_3', 100)];
    const provider = [charge('ch_1', 500), transfer('tr_2', -250), charge('ch_4', 70)];
    expect(reconcileMovements(ledger, provider)).toEqual([
      {
        kind: 'MISSING_AT_PROVIDER',
        movement: 'charge',
        reference: 'ch_3',
        currency: 'usd',
        ledgerAmount: 100,
        providerAmount: null,
      },
      {
        kind: 'MISSING_IN_LEDGER',
        movement: 'charge',
        reference: 'ch_4',
        currency: 'usd',
        ledgerAmount: null,
        providerAmount: 70,
      },
      {
        kind: 'AMOUNT_MISMATCH',
        movement: 'transfer',
        reference: 'tr_2',
        currency: 'usd',
        ledgerAmount: -300,
        providerAmount: -250,
      },
    ]);
  });

  it('treats the same reference in two currencies as two movements', () => {
    expect(reconcileMovements([charge('ch_1', 5, 'usd')], [charge('ch_1', 5, 'eur')])).toHaveLength(
      2,
    );
  });

  it('reports exactly the movements dropped or altered on one side (seeded)', () => {
    const rng = mulberry32(42);
    for (let round = 0; round < 200; round++) {
      const movements = Array.from({ length: 1 + randomInt(rng, 30) }, (_, i) =>
        charge(`ch_${round}_${i}`, 1 + randomInt(rng, 10_000)),
      );
      const provider = [...movements];
      const dropped = new Set<string>();
      const altered = new Set<string>();
      for (const movement of movements) {
        const roll = randomInt(rng, 10);
        if (roll === 0) {
          provider.splice(provider.indexOf(movement), 1);
          dropped.add(movement.reference);
        } else if (roll === 1) {
          provider[provider.indexOf(movement)] = { ...movement, amount: movement.amount + 1 };
          altered.add(movement.reference);
        }
      }
      const differences = reconcileMovements(movements, provider);
      expect(
        new Set(differences.filter(d => d.kind === 'MISSING_AT_PROVIDER').map(d => d.reference)),
      ).toEqual(dropped);
      expect(
        new Set(differences.filter(d => d.kind === 'AMOUNT_MISMATCH').map(d => d.reference)),
      ).toEqual(altered);
      expect(differences.filter(d => d.kind === 'MISSING_IN_LEDGER')).toEqual([]);
    }
  });
});
