import type { AppConfig } from '../config/app-config';
import { RequestContext } from '../common/request-context';
import { closeDataSource, createDataSource } from '../db/data-source';
import { TransactionalConnection } from '../db/transactional-connection';
import { LedgerService } from '../modules/ledger/ledger.service';
import {
  type ReconciliationReport,
  ReconciliationService,
} from '../modules/payments/reconciliation.service';
import { createPaymentProvider } from '../modules/payments/strategies/create-payment-provider';

/** Exit codes of `npm run payments:reconcile`: 0 books match, 1 differences found. */
export const RECONCILE_EXIT = { ok: 0, differences: 1 } as const;

/**
 * Compares the ledger with Stripe's balance transactions (see `ReconciliationService`) and
 * writes the report to `out`, as text or JSON. Reads only: it runs no migrations and writes
 * nothing. Returns the exit code, so a cron job or CI can alert on differences.
 */
export async function runReconcileCommand(
  config: AppConfig,
  options: { since: Date | null; json: boolean },
  out: (text: string) => void,
): Promise<number> {
  const dataSource = await createDataSource(config.database);
  await dataSource.initialize();
  try {
    const db = new TransactionalConnection(dataSource);
    const service = new ReconciliationService(
      db,
      new LedgerService(db),
      createPaymentProvider(config),
    );
    const report = await service.reconcile(RequestContext.create(), options.since);
    out(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? RECONCILE_EXIT.ok : RECONCILE_EXIT.differences;
  } finally {
    await closeDataSource(dataSource);
  }
}

/** The report for a terminal: a summary, then one line per difference. */
export function formatReport(report: ReconciliationReport): string {
  const lines = [
    `Reconciliation at ${report.checkedAt.toISOString()} (provider: ${report.provider}${
      report.since ? `, since ${report.since.toISOString()}` : ''
    })`,
    `  Stripe movements: ${report.providerMovements}, ledger movements: ${report.ledgerMovements}`,
    `  differences: ${report.differences.length}`,
    `  unbalanced currencies: ${report.unbalancedCurrencies.join(', ') || 'none'}`,
    `  cached balances differing from their entries: ${report.balanceMismatches}`,
    `  approved assignments not yet paid: ${report.unpaidApprovals}`,
    `  payouts pending for more than a day: ${report.stalePendingPayouts}`,
  ];
  for (const d of report.differences) {
    lines.push(
      `  ${d.kind.padEnd(19)} ${d.movement.padEnd(15)} ${d.reference} ${d.currency} ledger=${
        d.ledgerAmount ?? '-'
      } stripe=${d.providerAmount ?? '-'}`,
    );
  }
  lines.push(report.ok ? 'OK: the books match.' : 'DIFFERENCES FOUND.');
  return `${lines.join('\n')}\n`;
}
