import { budgetLowThreshold, crossesBudgetLow } from '../../../src/modules/webhooks/budget-low';

describe('project.budget_low line', () => {
  it('is the percent of the reservation, rounded up to a whole minor unit', () => {
    expect(budgetLowThreshold(60, 25)).toBe(15);
    expect(budgetLowThreshold(61, 10)).toBe(7);
    expect(budgetLowThreshold(0, 10)).toBe(0);
  });

  it('fires only for the spend that goes from at-or-above the line to below it', () => {
    const at = (balanceBefore: number, balanceAfter: number) =>
      crossesBudgetLow({ reserved: 100, balanceBefore, balanceAfter }, 10);
    expect(at(16, 10)).toBe(false); // lands on the line: not below
    expect(at(10, 4)).toBe(true);
    expect(at(40, 0)).toBe(true); // one big spend straight through
    expect(at(9, 3)).toBe(false); // already low: no second event
    expect(crossesBudgetLow({ reserved: 0, balanceBefore: 0, balanceAfter: 0 }, 10)).toBe(false);
  });
});
