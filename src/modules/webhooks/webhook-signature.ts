/**
 * Webhook signatures, in Stripe's scheme: `Quorum-Signature: t=<unix seconds>,v1=<hex>` where
 * hex = HMAC-SHA256(secret, `${t}.${rawBody}`). During a secret rotation's overlap window the
 * header carries one `v1=` per live secret, so a receiver holding either secret verifies it.
 * Receivers reject a timestamp older than their tolerance (default 300 s) to stop replays.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature. */
export const SIGNATURE_HEADER = 'quorum-signature';
/** A receiver's default tolerance for the signed timestamp, in seconds. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A fresh endpoint secret: `whsec_` and 32 random bytes (shown once). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The header value signing `body` at `timestamp` (unix seconds) with each of `secrets`. */
export function signatureHeader(
  body: string,
  timestamp: number,
  secrets: readonly string[],
): string {
  return [`t=${timestamp}`, ...secrets.map(secret => `v1=${hmac(secret, timestamp, body)}`)].join(
    ',',
  );
}

/**
 * Whether `header` signs `body` with `secret` within `toleranceSeconds` of `nowSeconds`: the
 * logic of README's receiver snippet.
 */
export function verifySignature(
  body: string,
  header: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): boolean {
  const parts = header.split(',').map(part => part.split('=', 2) as [string, string]);
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    return false;
  }
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  return parts.some(
    ([key, value]) =>
      key === 'v1' &&
      value.length === expected.length * 2 &&
      timingSafeEqual(Buffer.from(value, 'hex'), expected),
  );
}
