/**
 * When `project.budget_low` fires: a spend takes a project's escrow from at or above
 * `percent` % of everything reserved for it (launch and top-ups) to below it. Only the spend
 * that crosses the line fires, so the event comes once, and again only after a top-up (more
 * tasks, a higher overlap) has brought the escrow back above the line and a later spend crosses
 * it again. Stateless: the escrow row lock serialises spends, so two cannot both cross.
 */
export function crossesBudgetLow(
  spend: {
    readonly reserved: number;
    readonly balanceBefore: number;
    readonly balanceAfter: number;
  },
  percent: number,
): boolean {
  const threshold = budgetLowThreshold(spend.reserved, percent);
  return spend.balanceBefore >= threshold && spend.balanceAfter < threshold;
}

/** The escrow balance, in minor units, below which a project's budget is low. */
export function budgetLowThreshold(reserved: number, percent: number): number {
  return Math.ceil((reserved * percent) / 100);
}
