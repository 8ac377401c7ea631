import type { StripeErrorBody } from './stripe-errors';

/**
 * Where in a request's life a fault strikes. The three points are the ones that matter for
 * exactly-once money movement:
 *
 * - `before-execution`: the request never reached the API (a proxy's 502, a reset connection).
 *   Nothing happened, nothing is saved for the idempotency key, so a retry with the same key
 *   runs the operation.
 * - `before-commit`: the API started (the idempotency key is taken) and failed before changing
 *   anything. An `error` is saved for the key, so retries with that key replay it, as Stripe
 *   replays 500s; a `hang` keeps the key busy (concurrent retries get 409).
 * - `after-commit`: the operation happened (objects created, events emitted) and then the
 *   response failed. An `error` replaces the saved response, so retries replay the error even
 *   though the money moved; `disconnect` and `hang` lose or hold the real response, which stays
 *   saved, so a retry with the same key replays the success. Replays and refusals (401, 404,
 *   idempotency errors) pass this point too, so their answers can be lost or held as well.
 *
 * A rule is used up by the first matching request that arrives, whatever happens next: a
 * `before-commit` fault does nothing to a request answered without executing (a replay, a
 * refusal). `before-execution` comes before authentication. A `disconnect` before commit saves
 * a plain 500 for the key (Stripe does not document this case; it is the cautious guess).
 */
export type FaultPhase = 'before-execution' | 'before-commit' | 'after-commit';

/**
 * What happens to a matching request.
 *
 * - `error`: answer `status` (default 500) with a Stripe error body (default `api_error`).
 * - `disconnect`: destroy the socket without answering; the client sees ECONNRESET. Note that
 *   stripe-node v23 retries a reset connection once by itself, with the same idempotency key,
 *   even with `maxNetworkRetries: 0`.
 * - `hang`: hold the request until the test calls `release()` on the handle (or the server
 *   closes). Use it for client timeouts and for overlapping retries, without sleeping.
 * - `delay`: wait `ms` on the server's scheduler (injectable, default `setTimeout`), then go on.
 */
export type Fault =
  | {
      kind: 'error';
      phase: FaultPhase;
      status?: number;
      error?: Partial<StripeErrorBody>;
      headers?: Record<string, string>;
    }
  | { kind: 'disconnect'; phase: FaultPhase }
  | { kind: 'hang'; phase: FaultPhase }
  | { kind: 'delay'; phase: FaultPhase; ms: number };

/**
 * Which requests something applies to. `path` is an exact path (`/v1/transfers`), a template
 * with `:name` segments (`/v1/transfers/:id/reversals`), or a RegExp tested against the path
 * (no query string). Omitted `method` matches any.
 */
export interface RequestMatcher {
  readonly method?: 'GET' | 'POST';
  readonly path?: string | RegExp;
}

/** Returned by `injectFault`: observe and steer one fault rule. */
export interface FaultHandle {
  /** Requests this rule has caught so far. */
  readonly hits: number;
  /** Requests currently held by a `hang` rule. */
  readonly held: number;
  /** Resolves once the rule has caught `count` requests in total (default 1). */
  whenHit(count?: number): Promise<void>;
  /** Lets every request this `hang` rule holds right now continue. */
  release(): void;
  /** Removes the rule; requests it already holds stay held until `release()` or close. */
  cancel(): void;
}

/** True when `matcher` selects a request with this method and path. */
export function matchesRequest(matcher: RequestMatcher, method: string, path: string): boolean {
  if (matcher.method && matcher.method !== method) return false;
  if (matcher.path === undefined) return true;
  if (matcher.path instanceof RegExp) return matcher.path.test(path);
  const template = matcher.path.split('/');
  const segments = path.split('/');
  return (
    template.length === segments.length &&
    template.every((part, index) =>
      part.startsWith(':') ? segments[index] !== '' : part === segments[index],
    )
  );
}

/** One injected fault with its remaining count; see `FaultHandle`. */
export class FaultRule implements FaultHandle {
  hits = 0;
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  private readonly holding = new Set<() => void>();

  constructor(
    readonly matcher: RequestMatcher,
    readonly fault: Fault,
    private remaining: number,
    private readonly onCancel: (rule: FaultRule) => void,
  ) {}

  get held(): number {
    return this.holding.size;
  }

  /** Claims one use of the rule for a request, if it matches and has uses left. */
  take(method: string, path: string): boolean {
    if (this.remaining <= 0 || !matchesRequest(this.matcher, method, path)) return false;
    this.remaining -= 1;
    this.hits += 1;
    for (const waiter of this.waiters.filter(w => w.count <= this.hits)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    return true;
  }

  whenHit(count = 1): Promise<void> {
    if (this.hits >= count) return Promise.resolve();
    return new Promise(resolve => this.waiters.push({ count, resolve }));
  }

  /** A promise that settles when `release()` is called. */
  hold(): Promise<void> {
    return new Promise(resolve => {
      const release = () => {
        this.holding.delete(release);
        resolve();
      };
      this.holding.add(release);
    });
  }

  release(): void {
    for (const release of [...this.holding]) release();
  }

  cancel(): void {
    this.remaining = 0;
    this.onCancel(this);
  }
}
