import { PaymentsOfflineError } from '../payments.errors';
import {
  type PaymentProvider,
  type ProviderBalanceTransaction,
  WebhookSignatureError,
} from './payment-provider';

/**
 * The default when no STRIPE_SECRET_KEY is configured: nothing leaves the machine. Admins record
 * fundings (`recordManualFunding`) and mark payouts paid or failed by hand; every call that
 * would need Stripe answers PAYMENTS_OFFLINE, and webhooks are refused.
 */
export class OfflinePaymentProvider implements PaymentProvider {
  readonly name = 'offline';
  readonly online = false;

  createPaymentIntent(): Promise<never> {
    return Promise.reject(new PaymentsOfflineError('Card payments'));
  }

  createCheckoutSession(): Promise<never> {
    return Promise.reject(new PaymentsOfflineError('Checkout'));
  }

  retrievePaymentIntent(): Promise<never> {
    return Promise.reject(new PaymentsOfflineError('Card payments'));
  }

  retrieveCheckoutSession(): Promise<never> {
    return Promise.reject(new PaymentsOfflineError('Checkout'));
  }

  createConnectedAccount(): Promise<never> {
    return Promise.reject(new PaymentsOfflineError('Connected accounts'));
  }

  createAccountLink(): Promise<never> {
    return Promise.reject(new PaymentsOfflineError('Connected accounts'));
  }

  retrieveAccount(): Promise<never> {
    return Promise.reject(new PaymentsOfflineError('Connected accounts'));
  }

  createTransfer(): Promise<never> {
    return Promise.reject(new PaymentsOfflineError('Transfers'));
  }

  findTransfersByGroup(): Promise<never> {
    return Promise.reject(new PaymentsOfflineError('Transfers'));
  }

  retrieveTransfer(): Promise<never> {
    return Promise.reject(new PaymentsOfflineError('Transfers'));
  }

  reverseTransfer(): Promise<never> {
    return Promise.reject(new PaymentsOfflineError('Transfers'));
  }

  // eslint-disable-next-line require-yield
  async *listBalanceTransactions(): AsyncIterable<ProviderBalanceTransaction> {
    return;
  }

  verifyWebhook(): never {
    throw new WebhookSignatureError('Webhooks are not accepted: payments run offline');
  }
}
