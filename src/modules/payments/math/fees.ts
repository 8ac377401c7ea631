/**
 * The platform fee and the escrow a project must hold, in integer minor units.
 *
 * Fee. The platform charges `feeBps` basis points (1 bp = 0.01 %, so 2000 bp = 20 %) on top of
 * every reward and bonus, per assignment (MTurk's model: the requester pays reward + fee, the
 * worker receives the whole reward):
 *
 *   fee(r) = ⌊(r · feeBps + 5000) / 10000⌋        (round half up to a whole minor unit)
 *
 * Rounding is per assignment, not per project, so the escrow reserved for a slot is exactly what
 * approving that slot moves out, and no fractional cents accumulate anywhere. Worked examples at
 * 20 %: fee(1) = 0 (0.2 rounds down), fee(3) = 1 (0.6 rounds up), fee(5) = 1 (1.0), fee(7) = 1
 * (1.4), fee(8) = 2 (1.6), fee(25) = 5; at 15 %: fee(10) = 2 (1.5 rounds half up).
 *
 * Escrow. Launching a project reserves, for every task, `maxOverlap` answers at reward + fee:
 *
 *   escrow = tasks × maxOverlap × (reward + fee(reward))
 *
 * Computed with BigInt so no intermediate product can lose precision; a result beyond
 * Number.MAX_SAFE_INTEGER is refused with a RangeError.
 */

/** Basis points in one whole (100 %). */
export const BASIS_POINTS_PER_WHOLE = 10_000;

/** Platform fee on `amount` minor units at `feeBps` basis points, rounded half up. */
export function platformFee(amount: number, feeBps: number): number {
  assertNonNegativeSafeInteger(amount, 'amount');
  assertFeeBps(feeBps);
  const whole = BigInt(BASIS_POINTS_PER_WHOLE);
  return toSafeNumber((BigInt(amount) * BigInt(feeBps) + whole / 2n) / whole, 'fee');
}

/** What the requester pays for one approved answer (or one bonus): the amount plus its fee. */
export function amountWithFee(amount: number, feeBps: number): number {
  return toSafeNumber(BigInt(amount) + BigInt(platformFee(amount, feeBps)), 'amount with fee');
}

/** The escrow a project needs, and how it splits into rewards and fees. */
export interface EscrowRequirement {
  /** Answer slots covered: tasks × maxOverlap. */
  readonly slots: number;
  /** Reward + fee for one slot. */
  readonly perSlot: number;
  readonly rewards: number;
  readonly fees: number;
  /** rewards + fees. */
  readonly total: number;
}

/** escrow = tasks × maxOverlap × (reward + fee(reward)); see the file header. */
export function escrowRequirement(input: {
  readonly taskCount: number;
  readonly maxOverlap: number;
  readonly rewardAmount: number;
  readonly feeBps: number;
}): EscrowRequirement {
  assertNonNegativeSafeInteger(input.taskCount, 'taskCount');
  assertNonNegativeSafeInteger(input.maxOverlap, 'maxOverlap');
  assertNonNegativeSafeInteger(input.rewardAmount, 'rewardAmount');
  const slots = BigInt(input.taskCount) * BigInt(input.maxOverlap);
  const fee = BigInt(platformFee(input.rewardAmount, input.feeBps));
  const reward = BigInt(input.rewardAmount);
  return {
    slots: toSafeNumber(slots, 'slots'),
    perSlot: toSafeNumber(reward + fee, 'perSlot'),
    rewards: toSafeNumber(slots * reward, 'rewards'),
    fees: toSafeNumber(slots * fee, 'fees'),
    total: toSafeNumber(slots * (reward + fee), 'escrow'),
  };
}

/**
 * How much more escrow to reserve so that everything reserved so far covers `required`:
 * max(0, required − reservedSoFar). Reservations only grow while a project runs (more tasks,
 * higher overlap); lowering them does not release money early, completion does.
 */
export function escrowTopUp(required: number, reservedSoFar: number): number {
  assertNonNegativeSafeInteger(required, 'required');
  assertNonNegativeSafeInteger(reservedSoFar, 'reservedSoFar');
  return Math.max(0, required - reservedSoFar);
}

/**
 * Escrow still owed to answers that may yet be approved (leased or submitted assignments), each
 * at reward + fee, given as groups of equal rewards. Completing a project releases the escrow
 * balance minus this hold-back, so a late approval is still paid from escrow.
 */
export function escrowHoldBack(
  groups: Iterable<{ readonly rewardAmount: number; readonly count: number }>,
  feeBps: number,
): number {
  let total = 0n;
  for (const group of groups) {
    assertNonNegativeSafeInteger(group.count, 'count');
    total += BigInt(amountWithFee(group.rewardAmount, feeBps)) * BigInt(group.count);
  }
  return toSafeNumber(total, 'hold-back');
}

function assertFeeBps(feeBps: number): void {
  if (!Number.isInteger(feeBps) || feeBps < 0 || feeBps > BASIS_POINTS_PER_WHOLE) {
    throw new RangeError(
      `feeBps must be an integer from 0 to ${BASIS_POINTS_PER_WHOLE}, got ${feeBps}`,
    );
  }
}

function assertNonNegativeSafeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
}

function toSafeNumber(value: bigint, name: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${name} ${value} exceeds Number.MAX_SAFE_INTEGER minor units`);
  }
  return Number(value);
}
