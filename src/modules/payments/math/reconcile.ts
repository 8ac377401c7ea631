/**
 * Matching the ledger against the payment provider's balance transactions. Both sides are
 * reduced to movements of the platform's money, signed from the platform's point of view
 * (a charge +, a transfer to a worker −, a transfer reversal +), keyed by what Stripe calls the
 * object (`charge:ch_…`, `transfer:tr_…`, `transfer_refund:tr_…`). Amounts under one key are
 * summed on each side (a transfer reversed in two parts is two movements on both sides), then
 * every key whose sides differ becomes one difference.
 *
 * Gross amounts are compared: Stripe's processing fees are the platform's cost, not a
 * requester's or worker's money, so they never appear in the ledger.
 *
 * Pure: no I/O.
 */

/** What kind of provider object a movement is about. */
export type MovementKind = 'charge' | 'transfer' | 'transfer_refund';

/** One movement of money on one side. */
export interface Movement {
  readonly kind: MovementKind;
  /** The provider object: ch_… for charges, tr_… for transfers and their reversals. */
  readonly reference: string;
  readonly currency: string;
  /** Signed minor units, platform's point of view. */
  readonly amount: number;
}

export type DifferenceKind = 'MISSING_IN_LEDGER' | 'MISSING_AT_PROVIDER' | 'AMOUNT_MISMATCH';

/** A key whose two sides disagree. */
export interface Difference {
  readonly kind: DifferenceKind;
  readonly movement: MovementKind;
  readonly reference: string;
  readonly currency: string;
  /** Sum on the ledger side; null when the ledger has nothing under this key. */
  readonly ledgerAmount: number | null;
  /** Sum at the provider; null when the provider has nothing under this key. */
  readonly providerAmount: number | null;
}

/**
 * Every disagreement between `ledger` and `provider`, sorted by kind of movement, reference and
 * currency. Empty when the books match.
 */
export function reconcileMovements(
  ledger: Iterable<Movement>,
  provider: Iterable<Movement>,
): Difference[] {
  const ledgerSums = sumByKey(ledger);
  const providerSums = sumByKey(provider);
  const keys = new Set([...ledgerSums.keys(), ...providerSums.keys()]);
  const differences: Difference[] = [];
  for (const key of keys) {
    const ours = ledgerSums.get(key);
    const theirs = providerSums.get(key);
    if (ours && theirs && ours.amount === theirs.amount) continue;
    const sample = (ours ?? theirs)!;
    differences.push({
      kind: !ours ? 'MISSING_IN_LEDGER' : !theirs ? 'MISSING_AT_PROVIDER' : 'AMOUNT_MISMATCH',
      movement: sample.kind,
      reference: sample.reference,
      currency: sample.currency,
      ledgerAmount: ours?.amount ?? null,
      providerAmount: theirs?.amount ?? null,
    });
  }
  return differences.sort(
    (a, b) =>
      compare(a.movement, b.movement) ||
      compare(a.reference, b.reference) ||
      compare(a.currency, b.currency),
  );
}

function sumByKey(movements: Iterable<Movement>): Map<string, Movement> {
  const sums = new Map<string, Movement>();
  for (const movement of movements) {
    const key = `${movement.kind}|${movement.reference}|${movement.currency}`;
    const current = sums.get(key);
    sums.set(
      key,
      current ? { ...current, amount: current.amount + movement.amount } : { ...movement },
    );
  }
  return sums;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
