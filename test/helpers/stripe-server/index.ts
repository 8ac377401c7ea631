/**
 * An offline, stateful, Stripe-compatible HTTP server for tests: the real stripe-node SDK talks
 * to it over HTTP, so product code runs unchanged, and tests drive what Stripe's customers,
 * banks and webhooks would do. See `startStripeServer` for what is and is not faithful.
 *
 * Endpoints: PaymentIntents (create, retrieve, confirm), Charges (retrieve), Checkout Sessions
 * (create, retrieve, expire, line items), Accounts (create, retrieve, update email/metadata),
 * Account Links (create), Transfers (create, retrieve, list, reversals create/list), Balance
 * (retrieve), Balance Transactions (retrieve, list), Events (retrieve, list).
 */
export { startStripeServer } from './stripe-server';
export type {
  FlushOptions,
  RecordedRequest,
  SendEventOptions,
  StripeServerOptions,
  StripeTestServer,
  WebhookEndpointOptions,
} from './stripe-server';
export type { Fault, FaultHandle, FaultPhase, RequestMatcher } from './faults';
export type { DeliveryOptions, SignatureMode, WebhookDelivery } from './webhooks';
export type { CardDecline } from './stripe-state';
export type { StripeErrorBody } from './stripe-errors';
