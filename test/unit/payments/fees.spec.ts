import { mulberry32, randomInt } from '../../../src/modules/aggregation/algorithms/rng';
import {
  amountWithFee,
  escrowHoldBack,
  escrowRequirement,
  escrowTopUp,
  platformFee,
} from '../../../src/modules/payments/math/fees';
import {
  minorAmountFromDatabase,
  sumByCurrency,
  unbalancedCurrencies,
} from '../../../src/modules/ledger/math/money';

describe('platformFee', () => {
  it.each([
    // [amount, bps, fee]  — 20 %: 0.2 → 0, 0.6 → 1, 1.0 → 1, 1.4 → 1, 1.6 → 2
    [1, 2000, 0],
    [3, 2000, 1],
    [5, 2000, 1],
    [7, 2000, 1],
    [8, 2000, 2],
    [25, 2000, 5],
    [0, 2000, 0],
    // 15 % of 10 is exactly 1.5: half rounds up
    [10, 1500, 2],
    // 12.5 % of 4 = 0.5 → 1; of 12 = 1.5 → 2; of 20 = 2.5 → 3
    [4, 1250, 1],
    [12, 1250, 2],
    [20, 1250, 3],
    [1234, 0, 0],
    [1234, 10_000, 1234],
  ])('fee(%i at %i bp) = %i', (amount, bps, fee) => {
    expect(platformFee(amount, bps)).toBe(fee);
  });

  it('agrees with exact rational rounding half up on random inputs (seeded)', () => {
    const rng = mulberry32(20260101);
    for (let i = 0; i < 5000; i++) {
      const amount = randomInt(rng, 1_000_000_000);
      const bps = randomInt(rng, 10_001);
      const fee = platformFee(amount, bps);
      // fee is the integer nearest to amount·bps/10000, halves going up:
      //   fee − 1/2 ≤ amount·bps/10000 < fee + 1/2  ⇔  (2·fee − 1)·10000 ≤ 2·amount·bps < (2·fee + 1)·10000
      const twice = 2n * BigInt(amount) * BigInt(bps);
      expect(BigInt(2 * fee - 1) * 10_000n <= twice).toBe(true);
      expect(twice < BigInt(2 * fee + 1) * 10_000n).toBe(true);
    }
  });

  it('never exceeds the amount and grows with it (seeded)', () => {
    const rng = mulberry32(7);
    for (let i = 0; i < 2000; i++) {
      const amount = randomInt(rng, 100_000);
      const bps = randomInt(rng, 10_001);
      expect(platformFee(amount, bps)).toBeLessThanOrEqual(amount);
      expect(platformFee(amount + 1, bps)).toBeGreaterThanOrEqual(platformFee(amount, bps));
    }
  });

  it('handles amounts whose product with the rate exceeds 2^53 exactly', () => {
    const amount = Number.MAX_SAFE_INTEGER; // 9007199254740991
    // 9007199254740991 × 2000 / 10000 = 1801439850948198.2 → 1801439850948198
    expect(platformFee(amount, 2000)).toBe(1801439850948198);
  });

  it.each([
    [-1, 2000],
    [1.5, 2000],
    [Number.NaN, 2000],
    [100, -1],
    [100, 10_001],
    [100, 12.5],
  ])('refuses amount %p at %p bp with a RangeError', (amount, bps) => {
    expect(() => platformFee(amount, bps)).toThrow(RangeError);
  });
});

describe('amountWithFee', () => {
  it('adds the rounded fee', () => {
    expect(amountWithFee(8, 2000)).toBe(10);
    expect(amountWithFee(100, 2000)).toBe(120);
  });
});

describe('escrowRequirement', () => {
  it('reserves tasks × maxOverlap slots at reward + fee', () => {
    expect(
      escrowRequirement({ taskCount: 10, maxOverlap: 3, rewardAmount: 7, feeBps: 2000 }),
    ).toEqual({ slots: 30, perSlot: 8, rewards: 210, fees: 30, total: 240 });
  });

  it('rounds the fee per slot, not on the project total', () => {
    // 0.2 per slot rounds to 0; the project-level 20 % of 100 would be 20.
    const requirement = escrowRequirement({
      taskCount: 100,
      maxOverlap: 1,
      rewardAmount: 1,
      feeBps: 2000,
    });
    expect(requirement.fees).toBe(0);
    expect(requirement.total).toBe(100);
  });

  it('is zero for no tasks or a zero reward', () => {
    expect(
      escrowRequirement({ taskCount: 0, maxOverlap: 5, rewardAmount: 9, feeBps: 2000 }).total,
    ).toBe(0);
    expect(
      escrowRequirement({ taskCount: 5, maxOverlap: 5, rewardAmount: 0, feeBps: 2000 }).total,
    ).toBe(0);
  });

  it('equals the sum of per-slot amounts on random projects (seeded)', () => {
    const rng = mulberry32(99);
    for (let i = 0; i < 500; i++) {
      const input = {
        taskCount: randomInt(rng, 200),
        maxOverlap: 1 + randomInt(rng, 9),
        rewardAmount: randomInt(rng, 10_000),
        feeBps: randomInt(rng, 10_001),
      };
      const requirement = escrowRequirement(input);
      let sum = 0;
      for (let slot = 0; slot < input.taskCount * input.maxOverlap; slot++) {
        sum += amountWithFee(input.rewardAmount, input.feeBps);
      }
      expect(requirement.total).toBe(sum);
      expect(requirement.rewards + requirement.fees).toBe(requirement.total);
    }
  });

  it('refuses a total beyond the safe integer range', () => {
    expect(() =>
      escrowRequirement({
        taskCount: 1_000_000_000,
        maxOverlap: 1_000,
        rewardAmount: 1_000_000_000,
        feeBps: 0,
      }),
    ).toThrow(RangeError);
  });
});

describe('escrowTopUp', () => {
  it('reserves only the shortfall', () => {
    expect(escrowTopUp(240, 0)).toBe(240);
    expect(escrowTopUp(240, 200)).toBe(40);
    expect(escrowTopUp(240, 240)).toBe(0);
    expect(escrowTopUp(200, 240)).toBe(0);
  });
});

describe('escrowHoldBack', () => {
  it('sums reward + fee for each assignment still open', () => {
    expect(
      escrowHoldBack(
        [
          { rewardAmount: 7, count: 2 },
          { rewardAmount: 100, count: 1 },
        ],
        2000,
      ),
    ).toBe(8 + 8 + 120);
    expect(escrowHoldBack([], 2000)).toBe(0);
  });
});

describe('sumByCurrency / unbalancedCurrencies', () => {
  it('finds currencies whose lines do not cancel', () => {
    const lines = [
      { amount: 100, currency: 'usd' },
      { amount: -100, currency: 'usd' },
      { amount: 5, currency: 'eur' },
      { amount: -4, currency: 'eur' },
    ];
    expect(sumByCurrency(lines)).toEqual(
      new Map([
        ['usd', 0],
        ['eur', 1],
      ]),
    );
    expect(unbalancedCurrencies(lines)).toEqual(['eur']);
    expect(unbalancedCurrencies(lines.slice(0, 2))).toEqual([]);
  });
});

describe('minorAmountFromDatabase', () => {
  it('reads bigint strings exactly and refuses unsafe ones', () => {
    expect(minorAmountFromDatabase('-12345')).toBe(-12345);
    expect(minorAmountFromDatabase(null)).toBe(0);
    expect(() => minorAmountFromDatabase('9007199254740993')).toThrow(RangeError);
  });
});
