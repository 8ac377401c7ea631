import { PaymentsOfflineError } from '../payments.errors';
import {
  type PaymentProvider,
  type ProviderBalanceTransaction,
  WebhookSignatureError,
} from './payment-provider';

/** An operation that needs Stripe: it answers PAYMENTS_OFFLINE, naming what `capability` needs. */
function refuse(capability: string): () => Promise<never> {
  return () => Promise.reject(new PaymentsOfflineError(capability));
}

/**
 * The default when no STRIPE_SECRET_KEY is configured: nothing leaves the machine. Admins record
 * fundings (`recordManualFunding`) and mark payouts paid or failed by hand; every call that
 * would need Stripe answers PAYMENTS_OFFLINE, and webhooks are refused.
 */
export class OfflinePaymentProvider implements PaymentProvider {
  readonly name = 'offline';
  readonly online = false;

  readonly createPaymentIntent = refuse('Card payments');
  readonly createCheckoutSession = refuse('Checkout');
  readonly retrievePaymentIntent = refuse('Card payments');
  readonly retrieveCheckoutSession = refuse('Checkout');
  readonly createConnectedAccount = refuse('Connected accounts');
  readonly createAccountLink = refuse('Connected accounts');
  readonly retrieveAccount = refuse('Connected accounts');
  readonly createTransfer = refuse('Transfers');
  readonly findTransfersByGroup = refuse('Transfers');
  readonly retrieveTransfer = refuse('Transfers');
  readonly reverseTransfer = refuse('Transfers');

  // eslint-disable-next-line require-yield
  async *listBalanceTransactions(): AsyncIterable<ProviderBalanceTransaction> {
    return;
  }

  verifyWebhook(): never {
    throw new WebhookSignatureError('Webhooks are not accepted: payments run offline');
  }
}
