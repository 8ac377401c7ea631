import type { AppConfig } from '../../../config/app-config';
import { OfflinePaymentProvider } from './offline-payment-provider';
import type { PaymentProvider } from './payment-provider';
import { StripePaymentProvider } from './stripe-payment-provider';

/**
 * The configured provider: Stripe when STRIPE_SECRET_KEY (and, as `loadConfig` insists,
 * STRIPE_WEBHOOK_SECRET) is set, offline otherwise.
 */
export function createPaymentProvider(config: AppConfig): PaymentProvider {
  const { stripe } = config;
  if (!stripe.secretKey || !stripe.webhookSecret) return new OfflinePaymentProvider();
  return new StripePaymentProvider({
    secretKey: stripe.secretKey,
    webhookSecret: stripe.webhookSecret,
    apiHost: stripe.apiHost,
    apiPort: stripe.apiPort,
    apiProtocol: stripe.apiProtocol,
    timeoutMs: config.payments.stripeTimeoutMs,
  });
}
