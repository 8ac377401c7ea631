/**
 * Money primitives shared by the ledger and the payment flows. Amounts are integers in the minor
 * unit of their currency (cents for usd, yen for jpy): never floats, so sums are exact and a
 * ledger transaction can sum to exactly zero.
 *
 * Pure: no I/O, no database, no Stripe (lint-enforced for `math/`).
 */

/** ISO 4217 alphabetic code in lower case, as Stripe writes it (`usd`, `eur`). */
export const CURRENCY_PATTERN = /^[a-z]{3}$/;

/** True when `currency` is a lower-case three-letter ISO 4217 code. */
export function isCurrency(currency: string): boolean {
  return CURRENCY_PATTERN.test(currency);
}

/** True for a whole number of minor units that JavaScript represents exactly. */
export function isMinorAmount(amount: number): boolean {
  return Number.isSafeInteger(amount);
}

/**
 * Largest amount one movement may carry and one account balance may reach, in minor units
 * (10^12: ten billion in a two-decimal currency). Far below 2^53, so a balance, and the sum of
 * thousands of balances in a trial balance, stays an exact JavaScript integer: an append-only
 * ledger must never hold a total it cannot add up again.
 */
export const MAX_MINOR_AMOUNT = 1_000_000_000_000;

/** True for an amount a user may move: a whole number above zero, at most MAX_MINOR_AMOUNT. */
export function isPositiveMinorAmount(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount > 0 && amount <= MAX_MINOR_AMOUNT;
}

/**
 * Converts a database `bigint` (node-postgres returns it as a string) to a number, refusing values
 * that a double cannot hold exactly rather than rounding money silently.
 */
export function minorAmountFromDatabase(value: string | number | bigint | null): number {
  if (value === null) return 0;
  const amount = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(amount)) {
    throw new RangeError(`Amount ${String(value)} is not a safe integer of minor units`);
  }
  return amount;
}

/** One signed movement on one account: positive credits it, negative debits it. */
export interface MoneyLine<AccountRef = string> {
  readonly account: AccountRef;
  readonly amount: number;
  readonly currency: string;
}

/**
 * Sums lines per currency. A balanced ledger transaction has every sum equal to zero; the same
 * function checks a trial balance.
 */
export function sumByCurrency(
  lines: Iterable<{ amount: number; currency: string }>,
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of lines) sums.set(line.currency, (sums.get(line.currency) ?? 0) + line.amount);
  return sums;
}

/** The currencies whose lines do not sum to zero (empty when balanced). */
export function unbalancedCurrencies(
  lines: Iterable<{ amount: number; currency: string }>,
): string[] {
  return [...sumByCurrency(lines)]
    .filter(([, sum]) => sum !== 0)
    .map(([currency]) => currency)
    .sort();
}
