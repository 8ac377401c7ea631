/**
 * When a failed webhook delivery is tried again: exponential backoff, 30 s · 2^(attempt−1),
 * capped at 6 h between attempts (Stripe retries over about 3 days with a similar curve). The
 * service keeps retrying until its retry window (≥ 24 h) has passed: with these delays that is
 * about 13 attempts for 25 h.
 */

/** Delay before retry number `attempt` (1-based): 30 s doubling, capped at 6 h. */
export function webhookRetryDelayMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 6 * 3_600_000);
}
