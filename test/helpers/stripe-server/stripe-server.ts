import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import {
  FaultRule,
  matchesRequest,
  type Fault,
  type FaultHandle,
  type RequestMatcher,
} from './faults';
import { canonicalParams, parseFormParams, ParamReader, type FormObject } from './form-params';
import { matchEndpoint } from './stripe-endpoints';
import {
  apiError,
  authenticationError,
  invalidRequest,
  StripeApiError,
  type StripeErrorBody,
} from './stripe-errors';
import { CONTROL_CONTEXT, copy, StripeState, type CardDecline } from './stripe-state';
import { deliverEvent, type DeliveryOptions, type WebhookDelivery } from './webhooks';

/** Options of `startStripeServer`. All optional. */
export interface StripeServerOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** The key `client()` uses by default. Default `sk_test_offline_quorum`. */
  apiKey?: string;
  /**
   * When set, only these keys authenticate. Otherwise any `sk_test_...` or `rk_test_...` key
   * does, and live keys get 401, since this server is test mode only.
   */
  acceptedApiKeys?: readonly string[];
  /** Source of `created` timestamps and idempotency-key expiry. Default: wall clock. */
  clock?: { now(): Date };
  /**
   * Source of webhook signature timestamps. Default: wall clock, because stripe-node's
   * `constructEvent` checks the timestamp against `Date.now()` unless given `receivedAt`.
   */
  signatureClock?: { now(): Date };
  /** Runs `delay` faults. Default `setTimeout`; inject a manual one to avoid real waits. */
  scheduler?: (ms: number, callback: () => void) => void;
  /** The app's webhook endpoint, if it is known before the server starts. */
  webhook?: WebhookEndpointOptions;
  /** Refuse transfers above the available balance (`balance_insufficient`). Default false. */
  enforceBalance?: boolean;
  /** Characters put in every id to tell servers apart. Default: 4 random base62 characters. */
  idTag?: string;
}

/** The app's webhook endpoint, as registered in a Stripe dashboard. */
export interface WebhookEndpointOptions {
  url: string;
  /** Default: a fresh `whsec_test_...`. */
  secret?: string;
  /**
   * `manual` (default): events wait in a queue until `flushEvents()`, so tests decide when
   * and in which order they arrive. `auto`: each event is POSTed as soon as it is created;
   * await `whenIdle()` before asserting on what the app did.
   */
  delivery?: 'manual' | 'auto';
}

/** What `sendEvent` accepts besides delivery options. */
export interface SendEventOptions extends DeliveryOptions {
  /** Shifts `event.created` from now, e.g. -3600 for an hour-old event. */
  createdOffsetSeconds?: number;
  /** Makes it a Connect event from this connected account (`event.account`). */
  account?: string;
  /** `data.previous_attributes`, for `*.updated` events. */
  previousAttributes?: Record<string, unknown>;
  /** `false` queues the event for `flushEvents` instead of POSTing it now. Default true. */
  deliver?: boolean;
}

/** What `flushEvents` accepts besides delivery options. */
export interface FlushOptions extends DeliveryOptions {
  /**
   * Delivery order of the queued events: `created` (default), `reverse`, or an explicit list
   * of event ids; with a list, only the listed events are delivered and the rest stay queued.
   */
  order?: 'created' | 'reverse' | readonly string[];
}

/** One API request as the server received it, for assertions. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly apiKey: string | null;
  readonly idempotencyKey: string | null;
  readonly stripeVersion: string | null;
  /** Parsed form parameters: the body of a POST, the query of a GET. */
  readonly params: FormObject;
  /** Status sent, or null while held or when the connection was dropped. */
  status: number | null;
  /** True when the response was an idempotent replay of a saved one. */
  replayed: boolean;
  /** The kind of fault injected into this request, if any. */
  fault: Fault['kind'] | null;
}

/**
 * A running offline Stripe: its address, a configured stripe-node client, and the control
 * methods tests use to play the parts Stripe's users and banks play.
 */
export interface StripeTestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The default API key (`options.apiKey`). */
  readonly apiKey: string;
  /** The configured webhook endpoint's signing secret, or null when none is configured. */
  readonly webhookSecret: string | null;

  /**
   * A real stripe-node client pointed at this server:
   * `new Stripe(apiKey, { host, port, protocol: 'http', maxNetworkRetries: 0, ...config })`.
   */
  client(apiKey?: string, config?: Stripe.StripeConfig): Stripe;
  /** Stops listening, drops held requests and open connections. */
  close(): Promise<void>;

  // Payments
  /** The customer paid: status `succeeded`, a charge and its balance transaction. */
  succeedPaymentIntent(id: string): Stripe.PaymentIntent;
  /** The card was declined: status back to `requires_payment_method`, `last_payment_error`. */
  failPaymentIntent(id: string, decline?: CardDecline): Stripe.PaymentIntent;
  /** The customer paid on the hosted page: see `StripeState.completeCheckoutSession`. */
  completeCheckoutSession(id: string): Stripe.Checkout.Session;
  /** The session timed out unpaid: status `expired`, checkout.session.expired. */
  expireCheckoutSession(id: string): Stripe.Checkout.Session;

  // Connect
  /** Onboarding finished: charges, payouts and details all true; account.updated. */
  enableAccount(id: string): Stripe.Account;
  /** Sets the three onboarding flags to anything; account.updated. */
  setAccountStatus(
    id: string,
    status: { chargesEnabled: boolean; payoutsEnabled: boolean; detailsSubmitted: boolean },
  ): Stripe.Account;
  /** A connected account's payout to its bank failed: payout.failed (Connect event). */
  failPayout(input: {
    account: string;
    amount: number;
    currency?: string;
    failureCode?: string;
  }): Stripe.Payout;
  /** Adds money to the platform's available balance (with `enforceBalance`). */
  fundBalance(amount: number, currency?: string): Stripe.BalanceTransaction;
  /** Any stored object by id (a deep copy), or undefined. */
  lookup(id: string): unknown;

  // Events and webhooks
  /** Registers (or replaces) the app's webhook endpoint; returns its signing secret. */
  configureWebhook(endpoint: WebhookEndpointOptions): string;
  /** Every event created so far, oldest first. */
  events(): Stripe.Event[];
  /** The first event of `type` about the object `objectId` (e.g. a PaymentIntent's succeeded). */
  eventAbout(type: string, objectId: string): Stripe.Event | undefined;
  /** Events waiting for `flushEvents`, oldest first. */
  pendingEvents(): Stripe.Event[];
  /** Delivers queued events (all, or the listed ids) in the chosen order. */
  flushEvents(options?: FlushOptions): Promise<WebhookDelivery[]>;
  /** Drops queued events without delivering them (they stay retrievable through the API). */
  discardPendingEvents(): void;
  /**
   * Creates an event of any type around `dataObject` (stored, so `events.retrieve` finds it)
   * and POSTs it, or queues it with `deliver: false`.
   */
  sendEvent(
    type: string,
    dataObject: object,
    options?: SendEventOptions,
  ): Promise<WebhookDelivery[]>;
  /** POSTs an existing event again (Stripe's retry, or a replay from the dashboard). */
  redeliverEvent(eventId: string, options?: DeliveryOptions): Promise<WebhookDelivery[]>;
  /** Every webhook POST made so far. */
  deliveries(): WebhookDelivery[];
  /** Resolves when no automatic delivery is in flight. */
  whenIdle(): Promise<void>;

  // Faults and observation
  /** Makes the next `times` (default 1) matching requests fail as `fault` describes. */
  injectFault(matcher: RequestMatcher, fault: Fault, options?: { times?: number }): FaultHandle;
  /** Removes every fault rule (held requests stay held until released or close). */
  clearFaults(): void;
  /** Requests received so far, oldest first, optionally only the matching ones. */
  requests(matcher?: RequestMatcher): RecordedRequest[];
  /** How many requests matched (all when no matcher). */
  countRequests(matcher?: RequestMatcher): number;
}

/** An API response ready to write. */
interface ApiResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** What the idempotency layer remembers per (API key, Idempotency-Key). */
interface IdempotencyRecord {
  method: string;
  path: string;
  params: string;
  savedAtMs: number;
  requestId: string;
  response: ApiResponse | null; // null while the first request is still executing
}

/** Stripe keeps idempotency keys at least 24 hours; after that a key may be reused. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const DEFAULT_API_KEY = 'sk_test_offline_quorum';

/** Thrown inside a request when the server closes while the request waits. */
class ServerClosedError extends Error {}

/**
 * Starts an offline, stateful, Stripe-compatible API on 127.0.0.1 for tests, and returns it
 * with a configured stripe-node client and control methods.
 *
 * Faithful to Stripe (v1 API, as stripe-node v23 / 2026-10-28.endive uses it):
 * - Bearer auth with test keys; 401 `{error: {type, message}}` otherwise.
 * - Form-encoded bodies and queries with bracketed keys; unknown top-level parameters → 400
 *   `parameter_unknown`; missing ones → 400 `parameter_missing`; unknown ids → 404 (in the
 *   URL) or 400 (in a parameter) `resource_missing`; card declines → 402 `card_error`.
 * - Idempotency on POST: per API key, same key + same endpoint + same parameters replays the
 *   saved status and body byte for byte (500s included, with `Idempotent-Replayed: true`);
 *   same key + other parameters or endpoint → 400 `idempotency_error`; a key whose first
 *   request is still running → 409 `idempotency_error` with `Stripe-Should-Retry: true`. Only
 *   responses of requests that started executing are saved (2xx, 402, 5xx), not 400/404
 *   validation failures. Keys expire after 24 h on the injected clock. GETs ignore the key.
 * - Cursor pagination (`limit`, `starting_after`, `ending_before`, `created` ranges), newest
 *   first; `expand[]` of id fields up to 4 levels.
 * - Events with Stripe's envelope, emitted by the operations Stripe emits them for, and
 *   webhooks signed with stripe-node's own signer.
 *
 * Not faithful (deliberately small):
 * - One platform account; no Customers, Prices, PaymentMethods or platform Payouts APIs.
 *   `customer` is accepted as an opaque string; line items need `price_data`; the
 *   `Stripe-Account` header is refused rather than ignored.
 * - Fees are a flat 2.9% + 30 on every charge; every balance transaction is available at once.
 * - A connected account can receive transfers only once its `transfers` capability is active
 *   (`enableAccount`); other requirements and capabilities are not modelled.
 * - Confirming a PaymentIntent without a payment method uses `pm_card_visa`.
 * - Nested parameters are not checked for unknown keys; accepted-but-unmodelled parameters are
 *   ignored.
 * - Webhook deliveries are not retried automatically; events are queued for `flushEvents`
 *   unless the endpoint asks for `auto` delivery.
 * - Responses carry no rate limiting and objects no `test_clock`.
 *
 * @example
 * const stripeServer = await startStripeServer();
 * const stripe = stripeServer.client();
 * const account = await stripe.accounts.create({ controller: { stripe_dashboard: { type: 'express' } } });
 * stripeServer.enableAccount(account.id);
 * await stripe.transfers.create({ amount: 500, currency: 'usd', destination: account.id });
 * await stripeServer.close();
 */
export async function startStripeServer(
  options: StripeServerOptions = {},
): Promise<StripeTestServer> {
  const clock = options.clock ?? { now: () => new Date() };
  const signatureClock = options.signatureClock ?? { now: () => new Date() };
  const scheduler = options.scheduler ?? ((ms, callback) => void setTimeout(callback, ms));
  const defaultApiKey = options.apiKey ?? DEFAULT_API_KEY;
  let webhook: Required<WebhookEndpointOptions> | null = null;

  const pending: Stripe.Event[] = [];
  const deliveryLog: WebhookDelivery[] = [];
  const inFlightDeliveries = new Set<Promise<unknown>>();
  const recorded: RecordedRequest[] = [];
  const faultRules: FaultRule[] = [];
  const idempotency = new Map<string, IdempotencyRecord>();
  const openResponses = new Set<ServerResponse>();
  let closing = false;
  let rejectOnClose: Array<(error: Error) => void> = [];

  const state = new StripeState({
    clock,
    idTag: options.idTag ?? randomTag(),
    apiVersion: Stripe.API_VERSION,
    enforceBalance: options.enforceBalance ?? false,
    onEvent: event => {
      pending.push(event);
      if (webhook?.delivery === 'auto') scheduleAutoDelivery();
    },
  });

  function configureWebhook(endpoint: WebhookEndpointOptions): string {
    webhook = {
      url: endpoint.url,
      secret: endpoint.secret ?? `whsec_test_${randomBytes(16).toString('hex')}`,
      delivery: endpoint.delivery ?? 'manual',
    };
    return webhook.secret;
  }
  if (options.webhook) configureWebhook(options.webhook);

  // ---------------------------------------------------------------- HTTP

  const server: Server = createServer((req, res) => {
    openResponses.add(res);
    res.on('close', () => openResponses.delete(res));
    handle(req, res).catch(error => {
      if (error instanceof ServerClosedError) return res.destroy();
      console.error('offline Stripe server failed on', req.method, req.url, error);
      if (!res.headersSent)
        writeResponse(res, errorResponse(apiError(String(error)), newRequestId()));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const params = parseFormParams(method === 'GET' ? url.search.slice(1) : rawBody);
    const apiKey = bearerKey(req.headers.authorization);
    const idempotencyKey = method === 'POST' ? header(req, 'idempotency-key') : null;
    const requestId = newRequestId();
    const record: RecordedRequest = {
      method,
      path,
      apiKey,
      idempotencyKey,
      stripeVersion: header(req, 'stripe-version'),
      params,
      status: null,
      replayed: false,
      fault: null,
    };
    recorded.push(record);

    // A rule is used up by the first matching request, whatever happens to that request next.
    const rule = faultRules.find(candidate => candidate.take(method, path));
    record.fault = rule?.fault.kind ?? null;
    const faultAt = async (phase: Fault['phase']): Promise<'continue' | 'stop'> => {
      if (!rule || rule.fault.phase !== phase) return 'continue';
      const fault = rule.fault;
      switch (fault.kind) {
        case 'hang':
          await untilClosed(rule.hold());
          return 'continue';
        case 'delay':
          await untilClosed(new Promise<void>(resolve => scheduler(fault.ms, resolve)));
          return 'continue';
        case 'disconnect':
          res.destroy();
          return 'stop';
        case 'error':
          return 'stop';
      }
    };
    const injectedError = (): ApiResponse => {
      const fault = rule!.fault as Extract<Fault, { kind: 'error' }>;
      const status = fault.status ?? 500;
      const body: StripeErrorBody = {
        type: status >= 500 ? 'api_error' : status === 402 ? 'card_error' : 'invalid_request_error',
        message: 'An unknown error occurred (injected by the offline Stripe server).',
        ...fault.error,
      };
      return errorResponse(new StripeApiError(status, body, fault.headers), requestId);
    };
    const send = (response: ApiResponse) => {
      record.status = response.status;
      writeResponse(res, response);
    };
    /**
     * Sends a response through the `after-commit` fault point: every answer after the request
     * reached the API, replays and refusals included, can be lost, held or replaced.
     * `onInjectedError` lets an executed request save the injected error for its key.
     */
    const finish = async (
      response: ApiResponse,
      onInjectedError: (failure: ApiResponse) => void = () => {},
    ): Promise<void> => {
      if ((await faultAt('after-commit')) === 'stop') {
        if (rule!.fault.kind === 'error') {
          const failure = injectedError();
          onInjectedError(failure);
          send(failure);
        }
        return;
      }
      send(response);
    };
    const refuse = (error: StripeApiError) => finish(errorResponse(error, requestId));

    if ((await faultAt('before-execution')) === 'stop') {
      if (rule!.fault.kind === 'error') send(injectedError());
      return;
    }
    if (apiKey === null || !isAcceptedKey(apiKey)) return refuse(authenticationError(apiKey));
    if (header(req, 'stripe-account')) {
      return refuse(
        invalidRequest('The offline Stripe server does not support the Stripe-Account header.'),
      );
    }
    const route = matchEndpoint(method, path);
    if (!route) {
      return refuse(
        new StripeApiError(404, {
          type: 'invalid_request_error',
          message:
            `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs ` +
            'or we can help at https://support.stripe.com/.',
        }),
      );
    }

    // Idempotency: a known key is answered from memory, before anything executes.
    const storeKey = idempotencyKey === null ? null : `${apiKey}\u0000${idempotencyKey}`;
    const paramsKey = canonicalParams(params);
    if (storeKey !== null) {
      if (idempotencyKey!.length > 255) {
        return refuse(
          invalidRequest(
            `Invalid idempotency key: the key must be at most 255 characters, got ${idempotencyKey!.length}.`,
          ),
        );
      }
      const earlier = idempotency.get(storeKey);
      const expired =
        earlier !== undefined && clock.now().getTime() - earlier.savedAtMs >= IDEMPOTENCY_TTL_MS;
      if (earlier && !expired) {
        const conflict = idempotencyConflict(earlier, method, path, paramsKey, idempotencyKey!);
        if (conflict) return refuse(conflict);
        if (earlier.response === null) return refuse(keyInUse(idempotencyKey!));
        record.replayed = true;
        return finish({
          ...earlier.response,
          headers: {
            ...earlier.response.headers,
            'request-id': requestId,
            'original-request': earlier.requestId,
            'idempotent-replayed': 'true',
          },
        });
      }
      idempotency.set(storeKey, {
        method,
        path,
        params: paramsKey,
        savedAtMs: clock.now().getTime(),
        requestId,
        response: null,
      });
    }
    const save = (response: ApiResponse) => {
      if (storeKey !== null) idempotency.get(storeKey)!.response = response;
    };
    const forget = () => {
      if (storeKey !== null) idempotency.delete(storeKey);
    };

    try {
      if ((await faultAt('before-commit')) === 'stop') {
        // The API crashed mid-way: nothing changed, and the key remembers the failure.
        const crashed =
          rule!.fault.kind === 'error' ? injectedError() : errorResponse(apiError(), requestId);
        save(crashed);
        if (rule!.fault.kind === 'error') send(crashed);
        return;
      }
    } catch (error) {
      forget();
      throw error;
    }

    let response: ApiResponse;
    try {
      const body = route.endpoint.handle(state, {
        params: new ParamReader(params),
        pathParams: route.pathParams,
        ctx: { requestId, idempotencyKey },
      });
      response = jsonResponse(200, body, requestId);
      save(response);
    } catch (error) {
      const apiFailure = error instanceof StripeApiError ? error : null;
      if (!apiFailure) console.error('offline Stripe endpoint failed', method, path, error);
      response = errorResponse(apiFailure ?? apiError(String(error)), requestId);
      if (apiFailure && !apiFailure.savedForIdempotency) forget();
      else save(response);
    }
    if (idempotencyKey !== null) response.headers['idempotency-key'] = idempotencyKey;
    // After commit, an injected error becomes the saved answer: the money moved, yet every
    // retry with this key is told 500, as at Stripe.
    return finish(response, save);
  }

  function idempotencyConflict(
    earlier: IdempotencyRecord,
    method: string,
    path: string,
    paramsKey: string,
    key: string,
  ): StripeApiError | null {
    if (earlier.method !== method || earlier.path !== path) {
      return new StripeApiError(400, {
        type: 'idempotency_error',
        message:
          `Keys for idempotent requests can only be used for the same endpoint they were first ` +
          `used for ('${earlier.method} ${earlier.path}'). Try using a key other than '${key}' if ` +
          `you meant to execute a different request.`,
      });
    }
    if (earlier.params !== paramsKey) {
      return new StripeApiError(400, {
        type: 'idempotency_error',
        message:
          `Keys for idempotent requests can only be used with the same parameters they were ` +
          `first used with. Try using a key other than '${key}' if you meant to execute a ` +
          `different request.`,
      });
    }
    return null;
  }

  function keyInUse(key: string): StripeApiError {
    return new StripeApiError(
      409,
      {
        type: 'idempotency_error',
        code: 'idempotency_key_in_use',
        message:
          'There is currently another in-progress request using this Stripe-Idempotency-Key ' +
          '(that probably means you submitted twice, and the other request is still going ' +
          `through): ${key}. Please try again later.`,
      },
      { 'stripe-should-retry': 'true' },
    );
  }

  function isAcceptedKey(key: string): boolean {
    if (options.acceptedApiKeys) return options.acceptedApiKeys.includes(key);
    return /^(sk|rk)_test_\w+$/.test(key);
  }

  /** Races `promise` against `close()`, so nothing waits forever on a closed server. */
  function untilClosed<T>(promise: Promise<T>): Promise<T> {
    if (closing) return Promise.reject(new ServerClosedError());
    return new Promise<T>((resolve, reject) => {
      const onClose = (error: Error) => reject(error);
      rejectOnClose.push(onClose);
      promise.then(value => {
        rejectOnClose = rejectOnClose.filter(candidate => candidate !== onClose);
        resolve(value);
      }, reject);
    });
  }

  // ---------------------------------------------------------------- webhooks

  function target(options: DeliveryOptions): { url: string; secret: string } {
    const url = options.url ?? webhook?.url;
    const secret = options.secret ?? webhook?.secret;
    if (!url || !secret) {
      throw new Error('No webhook endpoint: call configureWebhook() or pass { url, secret }.');
    }
    return { url, secret };
  }

  async function deliver(
    events: Stripe.Event[],
    options: DeliveryOptions,
  ): Promise<WebhookDelivery[]> {
    const where = target(options);
    const results: WebhookDelivery[] = [];
    for (const event of events) {
      for (let copyIndex = 0; copyIndex < (options.duplicate ? 2 : 1); copyIndex++) {
        const delivery = await deliverEvent(event, where, options, () => signatureClock.now());
        deliveryLog.push(delivery);
        results.push(delivery);
      }
    }
    return results;
  }

  function takePending(order: FlushOptions['order']): Stripe.Event[] {
    if (order === undefined || order === 'created' || order === 'reverse') {
      const taken = pending.splice(0, pending.length);
      return order === 'reverse' ? taken.reverse() : taken;
    }
    return order.map(id => {
      const index = pending.findIndex(event => event.id === id);
      if (index < 0) throw new Error(`Event ${id} is not waiting for delivery`);
      return pending.splice(index, 1)[0];
    });
  }

  let autoDeliveryScheduled = false;
  let autoDeliveryChain: Promise<void> = Promise.resolve();
  function scheduleAutoDelivery(): void {
    if (autoDeliveryScheduled || closing) return;
    autoDeliveryScheduled = true;
    // Batches run one after another, so the app receives events in creation order; each batch
    // starts after the current response is written, so the app usually sees the API answer
    // first, as it does with Stripe.
    const run = autoDeliveryChain
      .then(() => new Promise<void>(resolve => setImmediate(resolve)))
      .then(async () => {
        autoDeliveryScheduled = false;
        if (!webhook || closing) return;
        await deliver(takePending('created'), {});
      })
      .catch(error => console.error('offline Stripe server could not deliver events', error));
    autoDeliveryChain = run;
    inFlightDeliveries.add(run);
    void run.finally(() => inFlightDeliveries.delete(run));
  }

  // ---------------------------------------------------------------- start

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const clients: Stripe[] = [];

  const stripeServer: StripeTestServer = {
    url: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    apiKey: defaultApiKey,
    get webhookSecret() {
      return webhook?.secret ?? null;
    },

    client(apiKey = defaultApiKey, config = {}) {
      const client = new Stripe(apiKey, {
        host: '127.0.0.1',
        port,
        protocol: 'http',
        maxNetworkRetries: 0,
        ...config,
      });
      clients.push(client);
      return client;
    },

    async close() {
      if (closing) return;
      closing = true;
      for (const reject of rejectOnClose.splice(0)) reject(new ServerClosedError());
      for (const res of openResponses) res.destroy();
      await Promise.allSettled([...inFlightDeliveries]);
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },

    succeedPaymentIntent: id => state.succeedPaymentIntent(id, CONTROL_CONTEXT),
    failPaymentIntent: (id, decline = { code: 'card_declined', declineCode: 'generic_decline' }) =>
      state.failPaymentIntent(id, decline, CONTROL_CONTEXT),
    completeCheckoutSession: id => state.completeCheckoutSession(id, CONTROL_CONTEXT),
    expireCheckoutSession: id => state.expireCheckoutSession(id, CONTROL_CONTEXT),
    enableAccount: id =>
      state.setAccountStatus(
        id,
        { chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true },
        CONTROL_CONTEXT,
      ),
    setAccountStatus: (id, status) => state.setAccountStatus(id, status, CONTROL_CONTEXT),
    failPayout: ({ account, amount, currency = 'usd', failureCode = 'account_closed' }) =>
      state.failPayout({ account, amount, currency, failureCode }, CONTROL_CONTEXT),
    fundBalance: (amount, currency = 'usd') => state.fundBalance(amount, currency),
    lookup: id => state.lookup(id),

    configureWebhook,
    events: () => copy([...state.events.values()]),
    eventAbout: (type, objectId) =>
      copy(
        [...state.events.values()].find(
          e => e.type === type && (e.data.object as { id?: string }).id === objectId,
        ),
      ),
    pendingEvents: () => copy(pending),
    flushEvents: async (flushOptions = {}) => {
      target(flushOptions);
      return deliver(takePending(flushOptions.order), flushOptions);
    },
    discardPendingEvents: () => void pending.splice(0, pending.length),
    sendEvent: async (type, dataObject, sendOptions = {}) => {
      if (sendOptions.deliver !== false) target(sendOptions);
      const event = state.emit(type, dataObject, CONTROL_CONTEXT, {
        account: sendOptions.account,
        previousAttributes: sendOptions.previousAttributes,
        createdOffsetSeconds: sendOptions.createdOffsetSeconds,
      });
      if (sendOptions.deliver === false) return [];
      takePending([event.id]);
      return deliver([event], sendOptions);
    },
    redeliverEvent: async (eventId, deliveryOptions = {}) =>
      deliver([state.retrieveEvent(eventId)], deliveryOptions),
    deliveries: () => [...deliveryLog],
    whenIdle: async () => {
      while (inFlightDeliveries.size > 0) await Promise.allSettled([...inFlightDeliveries]);
    },

    injectFault(matcher, fault, { times = 1 } = {}) {
      const rule = new FaultRule(matcher, fault, times, cancelled => {
        const index = faultRules.indexOf(cancelled);
        if (index >= 0) faultRules.splice(index, 1);
      });
      faultRules.push(rule);
      return rule;
    },
    clearFaults: () => void faultRules.splice(0, faultRules.length),
    requests: matcher =>
      recorded
        .filter(r => !matcher || matchesRequest(matcher, r.method, r.path))
        .map(r => ({ ...r })),
    countRequests: matcher =>
      recorded.filter(r => !matcher || matchesRequest(matcher, r.method, r.path)).length,
  };
  return stripeServer;
}

// ------------------------------------------------------------------ helpers

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : (value?.[0] ?? null);
}

function bearerKey(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match ? match[1] : null;
}

function newRequestId(): string {
  return `req_${randomUUID().replace(/-/g, '').slice(0, 14)}`;
}

function randomTag(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return [...randomBytes(4)].map(byte => alphabet[byte % 62]).join('');
}

function jsonResponse(status: number, body: unknown, requestId: string): ApiResponse {
  return {
    status,
    body: JSON.stringify(body, null, 2),
    headers: {
      'content-type': 'application/json',
      'request-id': requestId,
      'stripe-version': Stripe.API_VERSION,
    },
  };
}

function errorResponse(error: StripeApiError, requestId: string): ApiResponse {
  const response = jsonResponse(error.status, { error: error.body }, requestId);
  Object.assign(response.headers, error.headers);
  return response;
}

function writeResponse(res: ServerResponse, response: ApiResponse): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(response.status, {
    ...response.headers,
    'content-length': String(Buffer.byteLength(response.body)),
  });
  res.end(response.body);
}
