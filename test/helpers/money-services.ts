import type { DataSource } from 'typeorm';
import { ManualClock } from '../../src/common/clock';
import { createLogger } from '../../src/common/logger';
import { TransactionalConnection } from '../../src/db/transactional-connection';
import { IdempotencyService } from '../../src/modules/idempotency/idempotency.service';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { EscrowService } from '../../src/modules/payments/escrow.service';
import { FundingService } from '../../src/modules/payments/funding.service';
import { PayoutService } from '../../src/modules/payments/payout.service';
import { StripePaymentProvider } from '../../src/modules/payments/strategies/stripe-payment-provider';
import { OfflinePaymentProvider } from '../../src/modules/payments/strategies/offline-payment-provider';
import type { PaymentProvider } from '../../src/modules/payments/strategies/payment-provider';
import { StripeWebhookService } from '../../src/modules/payments/stripe-webhook.service';

/** The real Stripe provider against a test Stripe server (webhooks are not read by it). */
export function stripeProviderFor(
  stripe: { apiKey: string; host: string; port: number },
  timeoutMs = 2_000,
): StripePaymentProvider {
  return new StripePaymentProvider({
    secretKey: stripe.apiKey,
    webhookSecret: 'whsec_test_unused',
    apiHost: stripe.host,
    apiPort: stripe.port,
    apiProtocol: 'http',
    timeoutMs,
  });
}

/** The money services over `dataSource`, built as the container builds them. */
export function buildMoneyServices(
  dataSource: DataSource,
  options: {
    provider?: PaymentProvider;
    feeBps?: number;
    minimumAmount?: number;
    claimMs?: number;
    clock?: ManualClock;
  } = {},
) {
  const db = new TransactionalConnection(dataSource);
  const logger = createLogger('silent');
  const provider = options.provider ?? new OfflinePaymentProvider();
  const idempotency = new IdempotencyService(db);
  const ledger = new LedgerService(db);
  const escrow = new EscrowService(db, ledger, idempotency, options.feeBps ?? 2000);
  const fundings = new FundingService(db, ledger, idempotency, provider);
  const payouts = new PayoutService(
    db,
    ledger,
    idempotency,
    provider,
    { minimumAmount: options.minimumAmount ?? 1, claimMs: options.claimMs ?? 300_000 },
    logger,
  );
  const webhooks = new StripeWebhookService(db, provider, fundings, payouts, logger);
  return {
    db,
    ledger,
    escrow,
    fundings,
    payouts,
    webhooks,
    idempotency,
    provider,
    clock: options.clock ?? new ManualClock(),
  };
}
