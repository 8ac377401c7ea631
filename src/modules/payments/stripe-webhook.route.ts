import express, { type Router } from 'express';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import { RequestContext } from '../../common/request-context';
import { WebhookPayloadError, WebhookSignatureError } from './strategies/payment-provider';
import type { StripeWebhookService } from './stripe-webhook.service';

/** Where Stripe delivers events (configure the same path in the Stripe dashboard). */
export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';

/**
 * The Stripe webhook endpoint: an express route, not GraphQL. The body is read RAW, because the
 * signature covers the exact bytes Stripe sent; the app mounts this router before any JSON
 * parser. Answers: 200 once processed (or a duplicate, or an ignored type), 400 for a bad or
 * missing signature, a timestamp older than 300 s or a signed but malformed event (nothing read
 * or written), 500 when
 * processing failed (nothing recorded, so Stripe's retry processes it).
 */
export function createStripeWebhookRouter(
  webhooks: StripeWebhookService,
  options: { clock: Clock; logger: Logger; bodyLimitBytes: number },
): Router {
  const router = express.Router();
  router.post(
    '/',
    express.raw({ type: () => true, limit: options.bodyLimitBytes }),
    async (req, res) => {
      const ctx = RequestContext.create({ requestId: String(req.id ?? ''), clock: options.clock });
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        const result = await webhooks.handle(ctx, body, req.header('stripe-signature'));
        res.status(200).json({ received: true, ...result });
      } catch (error) {
        if (error instanceof WebhookSignatureError) {
          options.logger.warn({ reason: error.message }, 'stripe webhook refused');
          res.status(400).json({ error: 'Invalid Stripe signature' });
          return;
        }
        if (error instanceof WebhookPayloadError) {
          options.logger.warn({ reason: error.message }, 'stripe webhook malformed');
          res.status(400).json({ error: error.message });
          return;
        }
        options.logger.error({ err: error }, 'stripe webhook processing failed');
        res.status(500).json({ error: 'Processing failed; Stripe will retry' });
      }
    },
  );
  return router;
}
