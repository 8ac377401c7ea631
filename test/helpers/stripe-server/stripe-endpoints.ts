import type Stripe from 'stripe';
import { ParamReader } from './form-params';
import { invalidParam, invalidRequest, missingParam, resourceMissing } from './stripe-errors';
import {
  copy,
  type AccountInput,
  type CheckoutLineInput,
  type OperationContext,
  type StripeState,
} from './stripe-state';

/** One API call as an endpoint sees it. */
export interface EndpointRequest {
  readonly params: ParamReader;
  /** `:id` and friends from the route template. */
  readonly pathParams: Readonly<Record<string, string>>;
  readonly ctx: OperationContext;
}

/** An endpoint returns the JSON body of a 200; failures are thrown `StripeApiError`s. */
export type EndpointHandler = (state: StripeState, request: EndpointRequest) => unknown;

/** A route: method, a path template with `:name` segments, and its handler. */
export interface Endpoint {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly handle: EndpointHandler;
}

/**
 * Top-level parameters stripe-node's v23 types declare for each endpoint. Stripe rejects
 * anything else with `parameter_unknown`, which catches misspelled parameters in product code;
 * accepted parameters the server does not model are ignored (see `startStripeServer`).
 */
// prettier-ignore
const PARAMS = {
  paymentIntentCreate: [
    'amount', 'currency', 'allowed_payment_method_types', 'amount_details',
    'application_fee_amount', 'automatic_payment_methods', 'capture_method', 'confirm',
    'confirmation_method', 'confirmation_token', 'customer', 'customer_account', 'description',
    'error_on_requires_action', 'excluded_payment_method_types', 'hooks', 'mandate', 'mandate_data',
    'metadata', 'off_session', 'on_behalf_of', 'payment_details', 'payment_method',
    'payment_method_configuration', 'payment_method_data', 'payment_method_options',
    'radar_options', 'receipt_email', 'return_url', 'setup_future_usage', 'shipping',
    'statement_descriptor', 'statement_descriptor_suffix', 'transfer_data', 'transfer_group',
    'use_stripe_sdk',
  ],
  paymentIntentConfirm: [
    'allowed_payment_method_types', 'amount_details', 'amount_to_confirm', 'capture_method',
    'confirmation_token', 'error_on_requires_action', 'excluded_payment_method_types', 'hooks',
    'mandate', 'mandate_data', 'off_session', 'payment_details', 'payment_method',
    'payment_method_data', 'payment_method_options', 'radar_options', 'receipt_email', 'return_url',
    'setup_future_usage', 'shipping', 'use_stripe_sdk',
  ],
  checkoutSessionCreate: [
    'adaptive_pricing', 'after_expiration', 'allow_promotion_codes', 'allowed_payment_method_types',
    'automatic_tax', 'billing_address_collection', 'branding_settings', 'cancel_url',
    'client_reference_id', 'consent_collection', 'currency', 'custom_fields', 'custom_text',
    'customer', 'customer_account', 'customer_creation', 'customer_email', 'customer_update',
    'discounts', 'excluded_payment_method_types', 'expires_at', 'integration_identifier',
    'invoice_creation', 'line_items', 'locale', 'managed_payments', 'metadata', 'mode',
    'name_collection', 'optional_items', 'origin_context', 'payment_intent_data',
    'payment_method_collection', 'payment_method_configuration', 'payment_method_data',
    'payment_method_options', 'permissions', 'phone_number_collection', 'redirect_on_completion',
    'return_url', 'saved_payment_method_options', 'setup_intent_data',
    'shipping_address_collection', 'shipping_options', 'submit_type', 'subscription_data',
    'success_url', 'tax_id_collection', 'ui_mode', 'wallet_options',
  ],
  accountCreate: [
    'account_token', 'business_profile', 'business_type', 'capabilities', 'company', 'controller',
    'country', 'default_currency', 'documents', 'email', 'external_account', 'groups', 'individual',
    'metadata', 'settings', 'tos_acceptance', 'type',
  ],
  accountLinkCreate: [
    'account', 'type', 'collect', 'collection_options', 'refresh_url', 'return_url',
  ],
  transferCreate: [
    'amount', 'currency', 'destination', 'description', 'metadata', 'source_transaction',
    'source_type', 'transfer_group',
  ],
  transferReversalCreate: ['amount', 'description', 'metadata', 'refund_application_fee'],
  pagination: ['limit', 'starting_after', 'ending_before'],
} as const;

/** Every route the offline server answers. Anything else gets Stripe's "Unrecognized request URL". */
export const ENDPOINTS: readonly Endpoint[] = [
  // PaymentIntents
  { method: 'POST', path: '/v1/payment_intents', handle: createPaymentIntent },
  {
    method: 'GET',
    path: '/v1/payment_intents/:id',
    handle: retrieve('retrievePaymentIntent'),
  },
  { method: 'POST', path: '/v1/payment_intents/:id/confirm', handle: confirmPaymentIntent },
  { method: 'GET', path: '/v1/charges/:id', handle: retrieve('retrieveCharge') },

  // Checkout Sessions
  { method: 'POST', path: '/v1/checkout/sessions', handle: createCheckoutSession },
  { method: 'GET', path: '/v1/checkout/sessions/:id', handle: retrieveCheckoutSession },
  { method: 'POST', path: '/v1/checkout/sessions/:id/expire', handle: expireCheckoutSession },
  { method: 'GET', path: '/v1/checkout/sessions/:id/line_items', handle: listCheckoutLineItems },

  // Connect
  { method: 'POST', path: '/v1/accounts', handle: createAccount },
  { method: 'GET', path: '/v1/accounts/:id', handle: retrieve('retrieveAccount') },
  { method: 'POST', path: '/v1/accounts/:id', handle: updateAccount },
  { method: 'POST', path: '/v1/account_links', handle: createAccountLink },

  // Transfers
  { method: 'POST', path: '/v1/transfers', handle: createTransfer },
  { method: 'GET', path: '/v1/transfers', handle: listTransfers },
  { method: 'GET', path: '/v1/transfers/:id', handle: retrieve('retrieveTransfer') },
  { method: 'POST', path: '/v1/transfers/:id/reversals', handle: createTransferReversal },
  { method: 'GET', path: '/v1/transfers/:id/reversals', handle: listTransferReversals },

  // Balance
  { method: 'GET', path: '/v1/balance', handle: retrieveBalance },
  { method: 'GET', path: '/v1/balance_transactions', handle: listBalanceTransactions },
  {
    method: 'GET',
    path: '/v1/balance_transactions/:id',
    handle: retrieve('retrieveBalanceTransaction'),
  },

  // Events
  { method: 'GET', path: '/v1/events', handle: listEvents },
  { method: 'GET', path: '/v1/events/:id', handle: retrieve('retrieveEvent') },
];

/** Finds the endpoint for a request, with the values of its `:name` segments. */
export function matchEndpoint(
  method: string,
  path: string,
): { endpoint: Endpoint; pathParams: Record<string, string> } | null {
  const segments = path.split('/');
  for (const endpoint of ENDPOINTS) {
    if (endpoint.method !== method) continue;
    const template = endpoint.path.split('/');
    if (template.length !== segments.length) continue;
    const pathParams: Record<string, string> = {};
    const matches = template.every((part, index) => {
      if (part.startsWith(':')) {
        pathParams[part.slice(1)] = decodeURIComponent(segments[index]);
        return segments[index] !== '';
      }
      return part === segments[index];
    });
    if (matches) return { endpoint, pathParams };
  }
  return null;
}

// ------------------------------------------------------------------ PaymentIntents

function createPaymentIntent(state: StripeState, { params, ctx }: EndpointRequest) {
  params.allowOnly(PARAMS.paymentIntentCreate);
  const currency = params.requiredCurrency();
  const amount = params.requiredInteger('amount', { min: 1 });
  const automatic = params.optionalObject('automatic_payment_methods');
  const allowedTypes = params.optionalStringArray('allowed_payment_method_types');
  // Since API version 2023-08-16 automatic payment methods are on unless turned off.
  const automaticEnabled = automatic?.optionalBoolean('enabled') ?? !allowedTypes;
  const allowRedirects = automatic?.optionalEnum('allow_redirects', ['always', 'never'] as const);
  const intent = state.createPaymentIntent(
    {
      amount,
      currency,
      metadata: params.metadata(),
      customer: params.optionalString('customer') ?? null,
      description: params.optionalString('description', 1000) ?? null,
      receiptEmail: params.optionalString('receipt_email') ?? null,
      transferGroup: params.optionalString('transfer_group') ?? null,
      automaticPaymentMethods: automaticEnabled
        ? { enabled: true, allow_redirects: allowRedirects ?? 'always' }
        : null,
      paymentMethodTypes: allowedTypes ?? ['card', 'link'],
      paymentMethod: params.optionalString('payment_method') ?? null,
      captureMethod:
        params.optionalEnum('capture_method', [
          'automatic',
          'automatic_async',
          'manual',
        ] as const) ?? 'automatic_async',
      statementDescriptor: params.optionalString('statement_descriptor', 22) ?? null,
      statementDescriptorSuffix: params.optionalString('statement_descriptor_suffix', 22) ?? null,
    },
    ctx,
  );
  if (params.optionalBoolean('confirm')) {
    return expand(state, state.confirmPaymentIntent(intent.id, null, ctx), params.expand());
  }
  return expand(state, intent, params.expand());
}

function confirmPaymentIntent(state: StripeState, { params, pathParams, ctx }: EndpointRequest) {
  params.allowOnly(PARAMS.paymentIntentConfirm);
  const paymentMethod = params.optionalString('payment_method') ?? null;
  return expand(
    state,
    state.confirmPaymentIntent(pathParams.id, paymentMethod, ctx),
    params.expand(),
  );
}

// ------------------------------------------------------------------ Checkout Sessions

function createCheckoutSession(state: StripeState, { params, ctx }: EndpointRequest) {
  params.allowOnly(PARAMS.checkoutSessionCreate);
  const mode = params.requiredEnum('mode', ['payment', 'setup', 'subscription'] as const);
  if (mode !== 'payment') {
    throw invalidParam(
      'mode',
      `The offline Stripe server supports mode=payment only, not ${mode}.`,
    );
  }
  const items = params.optionalObjectArray('line_items');
  if (!items || items.length === 0) throw missingParam('line_items');
  const lines = items.map(readCheckoutLine);
  const customer = params.optionalString('customer') ?? null;
  const customerEmail = params.optionalString('customer_email') ?? null;
  if (customer && customerEmail) {
    throw invalidRequest('You may only specify one of these parameters: customer, customer_email.');
  }
  const expiresAt = params.optionalInteger('expires_at', { max: Number.MAX_SAFE_INTEGER }) ?? null;
  const now = state.nowSeconds();
  if (expiresAt !== null && (expiresAt < now + 30 * 60 || expiresAt > now + 24 * 3600)) {
    throw invalidParam(
      'expires_at',
      'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
    );
  }
  const intentData = params.optionalObject('payment_intent_data');
  const session = state.createCheckoutSession(
    {
      mode,
      lines,
      successUrl: optionalUrl(params, 'success_url'),
      cancelUrl: optionalUrl(params, 'cancel_url'),
      metadata: params.metadata(),
      clientReferenceId: params.optionalString('client_reference_id', 200) ?? null,
      customer,
      customerEmail,
      expiresAt,
      paymentMethodTypes: params.optionalStringArray('payment_method_types') ?? ['card'],
      paymentIntentData: {
        metadata: intentData?.metadata() ?? {},
        description: intentData?.optionalString('description', 1000) ?? null,
        transferGroup: intentData?.optionalString('transfer_group') ?? null,
      },
    },
    ctx,
  );
  return expandCheckoutSession(state, session, params.expand());
}

function readCheckoutLine(item: ParamReader): CheckoutLineInput {
  const price = item.optionalString('price');
  if (price) throw resourceMissing('price', price, item.path('price'));
  const quantity = item.requiredInteger('quantity', { min: 1 });
  const priceData = item.requiredObject('price_data');
  const currency = priceData.requiredCurrency();
  if (priceData.has('unit_amount_decimal') && !priceData.has('unit_amount')) {
    throw invalidParam(
      priceData.path('unit_amount_decimal'),
      'The offline Stripe server supports integer `unit_amount` only.',
    );
  }
  const unitAmount = priceData.requiredInteger('unit_amount');
  const productId = priceData.optionalString('product') ?? null;
  const productData = priceData.optionalObject('product_data');
  if (!productId && !productData) throw missingParam(priceData.path('product_data'));
  return {
    currency,
    unitAmount,
    quantity,
    productName: productData?.requiredString('name') ?? null,
    productId,
  };
}

function retrieveCheckoutSession(state: StripeState, { params, pathParams }: EndpointRequest) {
  params.allowOnly([]);
  return expandCheckoutSession(
    state,
    state.retrieveCheckoutSession(pathParams.id),
    params.expand(),
  );
}

function expireCheckoutSession(state: StripeState, { params, pathParams, ctx }: EndpointRequest) {
  params.allowOnly([]);
  return expandCheckoutSession(
    state,
    state.expireCheckoutSession(pathParams.id, ctx),
    params.expand(),
  );
}

function listCheckoutLineItems(state: StripeState, { params, pathParams }: EndpointRequest) {
  params.allowOnly(PARAMS.pagination);
  // Line items keep the order they were given in, which is the store's order reversed.
  const items = [...state.checkoutSessionLineItems(pathParams.id)].reverse();
  const url = `/v1/checkout/sessions/${pathParams.id}/line_items`;
  return paginate(items, params, url, 'line item', () => 0);
}

/** `line_items` is not a stored field: Stripe fills it in only when it is expanded. */
function expandCheckoutSession(
  state: StripeState,
  session: Stripe.Checkout.Session,
  paths: string[],
): unknown {
  if (paths.includes('line_items')) {
    const data = state.checkoutSessionLineItems(session.id);
    session.line_items = {
      object: 'list',
      data,
      has_more: false,
      url: `/v1/checkout/sessions/${session.id}/line_items`,
    };
  }
  return expand(
    state,
    session,
    paths.filter(path => path !== 'line_items'),
  );
}

function optionalUrl(params: ParamReader, key: string): string | null {
  const value = params.optionalString(key, 5000);
  if (value === undefined) return null;
  // Checkout keeps the {CHECKOUT_SESSION_ID} template literally; it must still parse as a URL.
  if (!URL.canParse(value) || !/^https?:/.test(value)) {
    throw invalidParam(key, 'Not a valid URL', 'url_invalid');
  }
  return value;
}

// ------------------------------------------------------------------ Connect

function createAccount(state: StripeState, { params, ctx }: EndpointRequest) {
  params.allowOnly(PARAMS.accountCreate);
  const type = params.optionalEnum('type', ['custom', 'express', 'standard'] as const) ?? null;
  const controllerParams = params.optionalObject('controller');
  if (type && controllerParams) {
    throw invalidRequest('You may only specify one of these parameters: controller, type.');
  }
  let controller: AccountInput['controller'] = null;
  if (controllerParams) {
    controllerParams.allowOnly(['fees', 'losses', 'requirement_collection', 'stripe_dashboard']);
    controller = {
      feesPayer:
        controllerParams
          .optionalObject('fees')
          ?.optionalEnum('payer', ['account', 'application'] as const) ?? 'account',
      lossesPayments:
        controllerParams
          .optionalObject('losses')
          ?.optionalEnum('payments', ['application', 'stripe'] as const) ?? 'stripe',
      dashboard:
        controllerParams
          .optionalObject('stripe_dashboard')
          ?.optionalEnum('type', ['express', 'full', 'none'] as const) ?? 'full',
      requirementCollection:
        controllerParams.optionalEnum('requirement_collection', [
          'application',
          'stripe',
        ] as const) ?? 'stripe',
    };
  }
  const country = (params.optionalString('country') ?? 'US').toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) {
    throw invalidParam(
      'country',
      `Country '${country}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'.`,
    );
  }
  const requestedCapabilities: string[] = [];
  const capabilities = params.optionalObject('capabilities');
  for (const name of Object.keys(capabilities?.params ?? {})) {
    if (capabilities!.requiredObject(name).optionalBoolean('requested')) {
      requestedCapabilities.push(name);
    }
  }
  const defaultCurrency = params.has('default_currency')
    ? params.requiredCurrency('default_currency')
    : null;
  const account = state.createAccount(
    {
      type,
      controller,
      country,
      email: params.optionalString('email') ?? null,
      businessType:
        params.optionalEnum('business_type', [
          'company',
          'government_entity',
          'individual',
          'non_profit',
        ] as const) ?? null,
      requestedCapabilities,
      metadata: params.metadata(),
      defaultCurrency,
    },
    ctx,
  );
  return expand(state, account, params.expand());
}

/** Only `email` and `metadata` can be updated offline; other fields are refused, not ignored. */
function updateAccount(state: StripeState, { params, pathParams, ctx }: EndpointRequest) {
  for (const key of Object.keys(params.params)) {
    if (!['email', 'metadata', 'expand'].includes(key)) {
      throw invalidParam(key, `The offline Stripe server cannot update ${key} on an account.`);
    }
  }
  const current = state.retrieveAccount(pathParams.id);
  const account = state.updateAccount(
    pathParams.id,
    { email: params.optionalString('email'), metadata: params.metadata(current.metadata ?? {}) },
    ctx,
  );
  return expand(state, account, params.expand());
}

function createAccountLink(state: StripeState, { params, ctx }: EndpointRequest) {
  params.allowOnly(PARAMS.accountLinkCreate);
  const account = params.requiredString('account');
  const type = params.requiredEnum('type', ['account_onboarding', 'account_update'] as const);
  return state.createAccountLink(
    {
      account,
      type,
      refreshUrl: optionalUrl(params, 'refresh_url'),
      returnUrl: optionalUrl(params, 'return_url'),
    },
    ctx,
  );
}

// ------------------------------------------------------------------ Transfers

function createTransfer(state: StripeState, { params, ctx }: EndpointRequest) {
  params.allowOnly(PARAMS.transferCreate);
  const transfer = state.createTransfer(
    {
      amount: params.requiredInteger('amount', { min: 1 }),
      currency: params.requiredCurrency(),
      destination: params.requiredString('destination'),
      transferGroup: params.optionalString('transfer_group') ?? null,
      description: params.optionalString('description', 1000) ?? null,
      metadata: params.metadata(),
      sourceTransaction: params.optionalString('source_transaction') ?? null,
    },
    ctx,
  );
  return expand(state, transfer, params.expand());
}

function listTransfers(state: StripeState, { params }: EndpointRequest) {
  params.allowOnly([...PARAMS.pagination, 'created', 'destination', 'transfer_group']);
  const destination = params.optionalString('destination');
  const group = params.optionalString('transfer_group');
  const transfers = [...state.transfers.values()].filter(
    transfer =>
      (destination === undefined || transfer.destination === destination) &&
      (group === undefined || transfer.transfer_group === group),
  );
  return expandList(state, paginate(transfers, params, '/v1/transfers', 'transfer'), params);
}

function createTransferReversal(state: StripeState, { params, pathParams, ctx }: EndpointRequest) {
  params.allowOnly(PARAMS.transferReversalCreate);
  const reversal = state.reverseTransfer(
    pathParams.id,
    {
      amount: params.optionalInteger('amount', { min: 1 }) ?? null,
      description: params.optionalString('description', 1000) ?? null,
      metadata: params.metadata(),
    },
    ctx,
  );
  return expand(state, reversal, params.expand());
}

function listTransferReversals(state: StripeState, { params, pathParams }: EndpointRequest) {
  params.allowOnly(PARAMS.pagination);
  state.retrieveTransfer(pathParams.id);
  const reversals = [...state.transferReversals.values()].filter(r => r.transfer === pathParams.id);
  return expandList(
    state,
    paginate(reversals, params, `/v1/transfers/${pathParams.id}/reversals`, 'transfer reversal'),
    params,
  );
}

// ------------------------------------------------------------------ Balance and events

function retrieveBalance(state: StripeState, { params }: EndpointRequest) {
  params.allowOnly([]);
  return state.balance();
}

function listBalanceTransactions(state: StripeState, { params }: EndpointRequest) {
  params.allowOnly([...PARAMS.pagination, 'created', 'currency', 'payout', 'source', 'type']);
  const type = params.optionalString('type');
  const source = params.optionalString('source');
  const currency = params.optionalString('currency')?.toLowerCase();
  if (params.has('payout')) {
    throw invalidParam(
      'payout',
      'The offline Stripe server has no payouts from the platform balance.',
    );
  }
  const transactions = [...state.balanceTransactions.values()].filter(
    txn =>
      (type === undefined || txn.type === type) &&
      (source === undefined || txn.source === source) &&
      (currency === undefined || txn.currency === currency),
  );
  return expandList(
    state,
    paginate(transactions, params, '/v1/balance_transactions', 'balance transaction'),
    params,
  );
}

function listEvents(state: StripeState, { params }: EndpointRequest) {
  params.allowOnly([...PARAMS.pagination, 'created', 'delivery_success', 'type', 'types']);
  const type = params.optionalString('type');
  const types = params.optionalStringArray('types');
  if (type !== undefined && types !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: type, types.');
  }
  // `type` accepts one trailing wildcard segment, as in `transfer.*`.
  const matchesType = (eventType: string) =>
    type === undefined
      ? types === undefined || types.includes(eventType)
      : type.endsWith('.*')
        ? eventType.startsWith(type.slice(0, -1))
        : eventType === type;
  const events = [...state.events.values()].filter(event => matchesType(event.type));
  return expandList(state, paginate(events, params, '/v1/events', 'event'), params);
}

// ------------------------------------------------------------------ helpers

/** The names of the store's by-id lookups (retrievePaymentIntent, retrieveCharge, …). */
type RetrieveMethod = {
  [K in keyof StripeState]: StripeState[K] extends (id: string) => unknown ? K : never;
}[keyof StripeState];

/** GET one object by its `:id`, through the store's lookup `method` (no parameters but expand). */
function retrieve(method: RetrieveMethod): EndpointHandler {
  return (state, { params, pathParams }) => {
    params.allowOnly([]);
    return expand(state, state[method](pathParams.id), params.expand());
  };
}

/**
 * One page of a list, newest first, as Stripe's cursor pagination returns it:
 *
 *   starting_after = X → the `limit` objects created just before X
 *   ending_before  = X → the `limit` objects created just after X (still newest first)
 *
 * `has_more` says whether the scan direction has more. `limit` is 1–100, default 10. Objects
 * created in the same second keep their creation order, so pages never overlap or skip.
 */
function paginate<T extends { id: string }>(
  oldestFirst: T[],
  params: ParamReader,
  url: string,
  kind: string,
  createdOf: (item: T) => number = item => (item as T & { created: number }).created,
): ApiListPage<T> {
  const limit = params.optionalInteger('limit', { min: 1, max: 100 }) ?? 10;
  const created = readCreatedFilter(params);
  const items = oldestFirst.filter(item => created(createdOf(item))).reverse();
  const startingAfter = params.optionalString('starting_after');
  const endingBefore = params.optionalString('ending_before');
  let data: T[];
  let hasMore: boolean;
  if (startingAfter !== undefined) {
    const index = items.findIndex(item => item.id === startingAfter);
    if (index < 0) throw resourceMissing(kind, startingAfter, 'starting_after');
    data = items.slice(index + 1, index + 1 + limit);
    hasMore = index + 1 + limit < items.length;
  } else if (endingBefore !== undefined) {
    const index = items.findIndex(item => item.id === endingBefore);
    if (index < 0) throw resourceMissing(kind, endingBefore, 'ending_before');
    const start = Math.max(0, index - limit);
    data = items.slice(start, index);
    hasMore = start > 0;
  } else {
    data = items.slice(0, limit);
    hasMore = limit < items.length;
  }
  return { object: 'list', data, has_more: hasMore, url };
}

/** Stripe's list envelope. */
interface ApiListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/** `created=N` or `created[gt|gte|lt|lte]=N`. */
function readCreatedFilter(params: ParamReader): (created: number) => boolean {
  if (!params.has('created')) return () => true;
  if (typeof params.params.created === 'string') {
    const exact = params.requiredInteger('created', { max: Number.MAX_SAFE_INTEGER });
    return created => created === exact;
  }
  const range = params.requiredObject('created');
  range.allowOnly(['gt', 'gte', 'lt', 'lte']);
  const bound = (key: string) => range.optionalInteger(key, { max: Number.MAX_SAFE_INTEGER });
  const [gt, gte, lt, lte] = [bound('gt'), bound('gte'), bound('lt'), bound('lte')];
  return created =>
    (gt === undefined || created > gt) &&
    (gte === undefined || created >= gte) &&
    (lt === undefined || created < lt) &&
    (lte === undefined || created <= lte);
}

function expandList(state: StripeState, list: unknown, params: ParamReader): unknown {
  return expand(state, list, params.expand());
}

/**
 * Replaces id strings with the objects they name, along each `expand[]` path (`latest_charge`,
 * `latest_charge.balance_transaction`, `data.source` on lists). Stripe allows four levels; so
 * does this. A path through a field that holds no id is refused as Stripe refuses it.
 */
function expand<T>(state: StripeState, object: T, paths: string[]): T {
  const result = copy(object);
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > 4) {
      throw invalidParam(
        'expand',
        `You cannot expand more than 4 levels of a property. Property: ${path}`,
      );
    }
    expandAlong(state, result, segments, path);
  }
  return result;
}

function expandAlong(state: StripeState, target: unknown, segments: string[], path: string): void {
  if (target === null || typeof target !== 'object') return;
  const [head, ...rest] = segments;
  const record = target as Record<string, unknown>;
  if (head === 'data' && (record as { object?: string }).object === 'list') {
    for (const item of record.data as unknown[]) expandAlong(state, item, rest, path);
    return;
  }
  let value = record[head];
  if (typeof value === 'string') {
    const found = state.lookup(value);
    if (found === undefined) {
      throw invalidRequest(`This property cannot be expanded (${path}).`);
    }
    record[head] = found;
    value = found;
  } else if (value === undefined || (value !== null && typeof value !== 'object')) {
    throw invalidRequest(`This property cannot be expanded (${path}).`);
  }
  if (rest.length > 0) expandAlong(state, value, rest, path);
}
