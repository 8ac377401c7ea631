import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import Stripe from 'stripe';

/** How to sign one delivery. Anything but `valid` must make `constructEvent` throw. */
export type SignatureMode = 'valid' | 'wrong-secret' | 'tampered-payload' | 'missing';

/** Where and how to deliver events. Unset fields fall back to the configured endpoint. */
export interface DeliveryOptions {
  /** The app's webhook URL. */
  url?: string;
  /** The endpoint's signing secret (`whsec_...`). */
  secret?: string;
  /** Deliver every event twice, as Stripe may. */
  duplicate?: boolean;
  /** Default `valid`. */
  signature?: SignatureMode;
  /**
   * Shifts the signature's timestamp (`t=`) from now. `-301` makes stripe-node's
   * `constructEvent` reject the delivery as older than its default 300 s tolerance.
   */
  timestampOffsetSeconds?: number;
}

/** The record of one POST to a webhook endpoint. */
export interface WebhookDelivery {
  readonly eventId: string;
  readonly eventType: string;
  readonly url: string;
  /** The exact bytes sent, for assertions on what was signed. */
  readonly payload: string;
  readonly signatureHeader: string | null;
  readonly signature: SignatureMode;
  /** The app's HTTP status, or null when the connection failed (see `error`). */
  readonly status: number | null;
  readonly responseBody: string;
  readonly error?: string;
}

/**
 * Signs and POSTs events the way Stripe's webhook sender does: a pretty-printed JSON body,
 * `Content-Type: application/json; charset=utf-8` and a `Stripe-Signature: t=...,v1=...`
 * header computed by stripe-node's own `webhooks.generateTestHeaderString`, so the app's
 * `constructEvent` sees exactly what it would see from Stripe.
 *
 * Not faithful: Stripe retries failed deliveries for three days with backoff; this sender tries
 * once and reports the result, and tests redeliver explicitly.
 */
export async function deliverEvent(
  event: { id: string; type: string },
  target: { url: string; secret: string },
  options: Pick<DeliveryOptions, 'signature' | 'timestampOffsetSeconds'>,
  signatureNow: () => Date,
): Promise<WebhookDelivery> {
  const signature = options.signature ?? 'valid';
  const signedPayload = JSON.stringify(event, null, 2);
  const timestamp =
    Math.floor(signatureNow().getTime() / 1000) + (options.timestampOffsetSeconds ?? 0);
  const signatureHeader =
    signature === 'missing'
      ? null
      : Stripe.webhooks.generateTestHeaderString({
          payload: signedPayload,
          secret: signature === 'wrong-secret' ? `${target.secret}_wrong` : target.secret,
          timestamp,
        });
  const payload =
    signature === 'tampered-payload'
      ? JSON.stringify({ ...event, livemode: true }, null, 2)
      : signedPayload;
  const base = {
    eventId: event.id,
    eventType: event.type,
    url: target.url,
    payload,
    signatureHeader,
    signature,
  };
  try {
    const response = await post(target.url, payload, {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      ...(signatureHeader ? { 'stripe-signature': signatureHeader } : {}),
    });
    return { ...base, status: response.status, responseBody: response.body };
  } catch (error) {
    return { ...base, status: null, responseBody: '', error: (error as Error).message };
  }
}

/** Stripe gives an endpoint a few seconds to answer; a hung app must not hang the test run. */
const DELIVERY_TIMEOUT_MS = 10_000;

function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.setTimeout(DELIVERY_TIMEOUT_MS, () =>
      request.destroy(
        new Error(`webhook endpoint did not answer within ${DELIVERY_TIMEOUT_MS} ms`),
      ),
    );
    request.on('error', reject);
    request.end(body);
  });
}
