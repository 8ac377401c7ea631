import type Stripe from 'stripe';
import {
  invalidParam,
  invalidRequest,
  resourceMissing,
  StripeApiError,
  type StripeErrorBody,
} from './stripe-errors';

/** Who caused a change: copied into the `request` field of the events it emits. */
export interface OperationContext {
  readonly requestId: string | null;
  readonly idempotencyKey: string | null;
}

/** A change made by a test's control call rather than an API request (`request.id` is null). */
export const CONTROL_CONTEXT: OperationContext = { requestId: null, idempotencyKey: null };

/** Settings the state needs from `startStripeServer`. */
export interface StripeStateOptions {
  readonly clock: { now(): Date };
  /** Makes this server's ids distinct from another server's in the same database. */
  readonly idTag: string;
  /** The `api_version` stamped on events: stripe-node's pinned version. */
  readonly apiVersion: string;
  /** Refuse transfers larger than the available balance with `balance_insufficient`. */
  readonly enforceBalance: boolean;
  /** Called with every event as it is created, in creation order. */
  readonly onEvent: (event: Stripe.Event) => void;
}

/** Test card payment methods that decline, from Stripe's testing page, and how they decline. */
const DECLINING_PAYMENT_METHODS: Record<string, CardDecline> = {
  pm_card_chargeDeclined: { code: 'card_declined', declineCode: 'generic_decline' },
  pm_card_visa_chargeDeclined: { code: 'card_declined', declineCode: 'generic_decline' },
  pm_card_chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
  },
  pm_card_visa_chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
  },
  pm_card_chargeDeclinedExpiredCard: { code: 'expired_card', declineCode: 'expired_card' },
};

/** How a card payment fails: Stripe's error `code` and the issuer's `decline_code`. */
export interface CardDecline {
  readonly code: 'card_declined' | 'expired_card' | 'incorrect_cvc' | 'processing_error';
  readonly declineCode: string;
}

const DECLINE_MESSAGES: Record<string, string> = {
  insufficient_funds: 'Your card has insufficient funds.',
  expired_card: 'Your card has expired.',
  incorrect_cvc: "Your card's security code is incorrect.",
  processing_error: 'An error occurred while processing your card. Try again in a little bit.',
};

/** Smallest charge per currency (Stripe's "minimum charge amounts" table, abridged). */
const MINIMUM_CHARGE: Record<string, number> = { usd: 50, eur: 50, cad: 50, aud: 50, gbp: 30 };

const PAYOUT_FAILURE_MESSAGES: Record<string, string> = {
  account_closed: 'The bank account has been closed.',
  account_frozen: 'The bank account has been frozen.',
  insufficient_funds: 'Your Stripe account has insufficient funds to cover the payout.',
  no_account: 'The bank account details on file are probably incorrect.',
  could_not_process: 'The bank could not process this payout.',
};

const DAY_SECONDS = 86_400;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Parameters of `createPaymentIntent`, already validated. */
export interface PaymentIntentInput {
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  customer: string | null;
  description: string | null;
  receiptEmail: string | null;
  transferGroup: string | null;
  automaticPaymentMethods: Stripe.PaymentIntent.AutomaticPaymentMethods | null;
  paymentMethodTypes: string[];
  paymentMethod: string | null;
  captureMethod: Stripe.PaymentIntent.CaptureMethod;
  statementDescriptor: string | null;
  statementDescriptorSuffix: string | null;
}

/** One line of a Checkout Session, with the price resolved. */
export interface CheckoutLineInput {
  currency: string;
  unitAmount: number;
  quantity: number;
  productName: string | null;
  productId: string | null;
}

/** Parameters of `createCheckoutSession`, already validated. */
export interface CheckoutSessionInput {
  mode: 'payment';
  lines: CheckoutLineInput[];
  successUrl: string | null;
  cancelUrl: string | null;
  metadata: Record<string, string>;
  clientReferenceId: string | null;
  customer: string | null;
  customerEmail: string | null;
  expiresAt: number | null;
  paymentMethodTypes: string[];
  paymentIntentData: {
    metadata: Record<string, string>;
    description: string | null;
    transferGroup: string | null;
  };
}

/** Parameters of `createAccount`, already validated. */
export interface AccountInput {
  type: 'custom' | 'express' | 'standard' | null;
  controller: {
    feesPayer: 'account' | 'application';
    lossesPayments: 'application' | 'stripe';
    dashboard: 'express' | 'full' | 'none';
    requirementCollection: 'application' | 'stripe';
  } | null;
  country: string;
  email: string | null;
  businessType: Stripe.Account.BusinessType | null;
  requestedCapabilities: string[];
  metadata: Record<string, string>;
  defaultCurrency: string | null;
}

/** Parameters of `createTransfer`, already validated. */
export interface TransferInput {
  amount: number;
  currency: string;
  destination: string;
  transferGroup: string | null;
  description: string | null;
  metadata: Record<string, string>;
  sourceTransaction: string | null;
}

/**
 * The fake Stripe account's data: one platform account with its connected accounts, held in
 * memory, with the state transitions Stripe performs and the events it emits for them. API
 * requests (see `stripe-endpoints.ts`) and the test control methods both act through here.
 *
 * Objects are typed with stripe-node's own resource types, so every field a product reads
 * exists with Stripe's type; values not modelled are `null` or empty. Every object handed out is
 * a deep copy, so a saved idempotent response or an event payload never changes afterwards.
 */
export class StripeState {
  readonly paymentIntents = new Map<string, Stripe.PaymentIntent>();
  readonly charges = new Map<string, Stripe.Charge>();
  readonly checkoutSessions = new Map<string, Stripe.Checkout.Session>();
  readonly accounts = new Map<string, Stripe.Account>();
  readonly transfers = new Map<string, Stripe.Transfer>();
  readonly transferReversals = new Map<string, Stripe.TransferReversal>();
  readonly balanceTransactions = new Map<string, Stripe.BalanceTransaction>();
  readonly payouts = new Map<string, Stripe.Payout>();
  readonly events = new Map<string, Stripe.Event>();

  private readonly sessionLineItems = new Map<string, Stripe.LineItem[]>();
  private readonly sessionPaymentIntentData = new Map<
    string,
    CheckoutSessionInput['paymentIntentData']
  >();
  private idCounter = 0;

  constructor(private readonly options: StripeStateOptions) {}

  /** Unix seconds on the injected clock, the unit of every `created` field. */
  nowSeconds(): number {
    return Math.floor(this.options.clock.now().getTime() / 1000);
  }

  /** A fresh id with Stripe's prefix (`pi`, `cs_test`, `acct`, ...) and 24 base62 characters. */
  newId(prefix: string): string {
    this.idCounter += 1;
    let counter = '';
    for (let n = this.idCounter; n > 0; n = Math.floor(n / 62)) counter = BASE62[n % 62] + counter;
    const body = `${this.options.idTag}${counter.padStart(24 - this.options.idTag.length, '0')}`;
    return `${prefix}_${body}`;
  }

  /** Any stored object by id, for `expand[]`; undefined when the id is not one of ours. */
  lookup(id: string): unknown {
    for (const store of [
      this.paymentIntents,
      this.charges,
      this.checkoutSessions,
      this.accounts,
      this.transfers,
      this.transferReversals,
      this.balanceTransactions,
      this.payouts,
      this.events,
    ] as Array<Map<string, unknown>>) {
      const found = store.get(id);
      if (found) return copy(found);
    }
    return undefined;
  }

  // ---------------------------------------------------------------- PaymentIntents

  createPaymentIntent(input: PaymentIntentInput, ctx: OperationContext): Stripe.PaymentIntent {
    const minimum = MINIMUM_CHARGE[input.currency] ?? 1;
    if (input.amount < minimum) {
      throw invalidParam(
        'amount',
        `Amount must be at least ${minimum} ${input.currency}`,
        'amount_too_small',
      );
    }
    const id = this.newId('pi');
    const intent: Stripe.PaymentIntent = {
      id,
      object: 'payment_intent',
      allowed_payment_method_types: null,
      amount: input.amount,
      amount_capturable: 0,
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: input.automaticPaymentMethods,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: input.captureMethod,
      client_secret: `${id}_secret_${this.newId('s').slice(2)}`,
      confirmation_method: 'automatic',
      created: this.nowSeconds(),
      currency: input.currency,
      customer: input.customer,
      customer_account: null,
      description: input.description,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      managed_payments: null,
      metadata: input.metadata,
      next_action: null,
      on_behalf_of: null,
      payment_method: input.paymentMethod,
      payment_method_configuration_details: null,
      payment_method_options: {},
      payment_method_types: input.paymentMethodTypes,
      payment_record: null,
      processing: null,
      receipt_email: input.receiptEmail,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: input.statementDescriptor,
      statement_descriptor_suffix: input.statementDescriptorSuffix,
      status: input.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
      transfer_data: null,
      transfer_group: input.transferGroup,
    };
    this.paymentIntents.set(id, intent);
    this.emit('payment_intent.created', intent, ctx);
    return copy(intent);
  }

  retrievePaymentIntent(id: string, param?: string): Stripe.PaymentIntent {
    return copy(this.require(this.paymentIntents, 'payment_intent', id, param));
  }

  /**
   * Confirms a PaymentIntent in test mode. Stripe's test payment methods decide the outcome:
   * `pm_card_chargeDeclined*` decline with a 402 `card_error`, anything else succeeds. With no
   * payment method at all the offline server assumes `pm_card_visa` (real Stripe would ask for
   * one; a browser normally supplies it through Stripe.js).
   */
  confirmPaymentIntent(
    id: string,
    paymentMethod: string | null,
    ctx: OperationContext,
  ): Stripe.PaymentIntent {
    const intent = this.require(this.paymentIntents, 'payment_intent', id);
    if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_confirmation') {
      throw new StripeApiError(400, {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message: `You cannot confirm this PaymentIntent because it has a status of ${intent.status}.`,
        payment_intent: copy(intent),
      });
    }
    const saved = typeof intent.payment_method === 'string' ? intent.payment_method : null;
    const method = paymentMethod ?? saved ?? 'pm_card_visa';
    const decline = DECLINING_PAYMENT_METHODS[method];
    if (decline) {
      const error = this.declinePaymentIntent(intent, decline, ctx);
      throw new StripeApiError(402, error);
    }
    this.succeed(intent, ctx);
    return copy(intent);
  }

  /** Control: the customer paid (e.g. through Stripe.js, which tests cannot drive). */
  succeedPaymentIntent(id: string, ctx: OperationContext): Stripe.PaymentIntent {
    const intent = this.require(this.paymentIntents, 'payment_intent', id);
    if (intent.status === 'succeeded') throw new Error(`PaymentIntent ${id} already succeeded`);
    this.succeed(intent, ctx);
    return copy(intent);
  }

  /** Control: the customer's card was declined. */
  failPaymentIntent(id: string, decline: CardDecline, ctx: OperationContext): Stripe.PaymentIntent {
    const intent = this.require(this.paymentIntents, 'payment_intent', id);
    if (intent.status === 'succeeded') throw new Error(`PaymentIntent ${id} already succeeded`);
    this.declinePaymentIntent(intent, decline, ctx);
    return copy(intent);
  }

  private succeed(intent: Stripe.PaymentIntent, ctx: OperationContext): void {
    const charge = this.createCharge(intent, null);
    const fee = Math.round(intent.amount * 0.029) + 30;
    const txn = this.addBalanceTransaction({
      type: 'charge',
      reportingCategory: 'charge',
      amount: intent.amount,
      fee,
      currency: intent.currency,
      source: charge.id,
      description: intent.description,
    });
    charge.balance_transaction = txn.id;
    Object.assign(intent, {
      status: 'succeeded',
      amount_received: intent.amount,
      latest_charge: charge.id,
      payment_method: charge.payment_method,
      last_payment_error: null,
    } satisfies Partial<Stripe.PaymentIntent>);
    this.emit('charge.succeeded', charge, ctx);
    this.emit('payment_intent.succeeded', intent, ctx);
  }

  private declinePaymentIntent(
    intent: Stripe.PaymentIntent,
    decline: CardDecline,
    ctx: OperationContext,
  ): StripeErrorBody {
    const message = DECLINE_MESSAGES[decline.declineCode] ?? 'Your card was declined.';
    const charge = this.createCharge(intent, { ...decline, message });
    intent.status = 'requires_payment_method';
    intent.latest_charge = charge.id;
    intent.payment_method = null;
    intent.last_payment_error = {
      type: 'card_error',
      code: decline.code,
      decline_code: decline.declineCode,
      message,
      charge: charge.id,
      doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
    };
    this.emit('charge.failed', charge, ctx);
    this.emit('payment_intent.payment_failed', intent, ctx);
    return {
      type: 'card_error',
      code: decline.code,
      decline_code: decline.declineCode,
      message,
      charge: charge.id,
      doc_url: intent.last_payment_error.doc_url,
      payment_intent: copy(intent),
    };
  }

  private createCharge(
    intent: Stripe.PaymentIntent,
    failure: (CardDecline & { message: string }) | null,
  ): Stripe.Charge {
    const id = this.newId('ch');
    const charge: Stripe.Charge = {
      id,
      object: 'charge',
      amount: intent.amount,
      amount_captured: failure ? 0 : intent.amount,
      amount_refunded: 0,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      balance_transaction: null,
      billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
      calculated_statement_descriptor: 'QUORUM',
      captured: !failure,
      created: this.nowSeconds(),
      currency: intent.currency,
      customer: intent.customer,
      description: intent.description,
      disputed: false,
      failure_balance_transaction: null,
      failure_code: failure?.code ?? null,
      failure_message: failure?.message ?? null,
      fraud_details: {},
      livemode: false,
      metadata: { ...intent.metadata },
      on_behalf_of: null,
      outcome: {
        advice_code: null,
        network_advice_code: null,
        network_decline_code: null,
        network_status: failure ? 'declined_by_network' : 'approved_by_network',
        reason: failure?.declineCode ?? null,
        risk_level: 'normal',
        seller_message: failure
          ? 'The bank did not return any further details with this decline.'
          : 'Payment complete.',
        type: failure ? 'issuer_declined' : 'authorized',
      },
      paid: !failure,
      payment_intent: intent.id,
      payment_method: this.newId('pm'),
      payment_method_details: null,
      receipt_email: intent.receipt_email,
      receipt_number: null,
      receipt_url: null,
      refunded: false,
      review: null,
      shipping: null,
      source: null,
      source_transfer: null,
      statement_descriptor: intent.statement_descriptor,
      statement_descriptor_suffix: intent.statement_descriptor_suffix,
      status: failure ? 'failed' : 'succeeded',
      transfer_data: null,
      transfer_group: intent.transfer_group,
    };
    this.charges.set(id, charge);
    return charge;
  }

  retrieveCharge(id: string): Stripe.Charge {
    return copy(this.require(this.charges, 'charge', id));
  }

  // ---------------------------------------------------------------- Checkout Sessions

  createCheckoutSession(
    input: CheckoutSessionInput,
    ctx: OperationContext,
  ): Stripe.Checkout.Session {
    const currency = input.lines[0].currency;
    const mixed = input.lines.findIndex(line => line.currency !== currency);
    if (mixed >= 0) {
      throw invalidParam(
        `line_items[${mixed}][price_data][currency]`,
        'All prices on a Checkout Session must have the same currency.',
      );
    }
    const created = this.nowSeconds();
    const id = this.newId('cs_test');
    const lineItems = input.lines.map(line => this.lineItem(line, created));
    const total = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
    const session: Stripe.Checkout.Session = {
      id,
      object: 'checkout.session',
      adaptive_pricing: null,
      after_expiration: null,
      allow_promotion_codes: null,
      allowed_payment_method_types: null,
      amount_subtotal: total,
      amount_total: total,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      billing_address_collection: null,
      cancel_url: input.cancelUrl,
      client_reference_id: input.clientReferenceId,
      client_secret: null,
      collected_information: null,
      consent: null,
      consent_collection: null,
      created,
      currency,
      currency_conversion: null,
      custom_fields: [],
      custom_text: {
        after_submit: null,
        shipping_address: null,
        submit: null,
        terms_of_service_acceptance: null,
      },
      customer: input.customer,
      customer_account: null,
      customer_creation: input.customer ? null : 'if_required',
      customer_details: null,
      customer_email: input.customerEmail,
      discounts: [],
      expires_at: input.expiresAt ?? created + DAY_SECONDS,
      integration_identifier: null,
      invoice: null,
      invoice_creation: null,
      livemode: false,
      locale: null,
      managed_payments: null,
      metadata: input.metadata,
      mode: input.mode,
      origin_context: null,
      payment_intent: null,
      payment_link: null,
      payment_method_collection: 'if_required',
      payment_method_configuration_details: null,
      payment_method_options: {},
      payment_method_types: input.paymentMethodTypes,
      payment_status: 'unpaid',
      permissions: null,
      recovered_from: null,
      saved_payment_method_options: null,
      setup_intent: null,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_options: [],
      status: 'open',
      submit_type: null,
      subscription: null,
      success_url: input.successUrl,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: 'hosted',
      url: `https://checkout.stripe.com/c/pay/${id}`,
      wallet_options: null,
    };
    this.checkoutSessions.set(id, session);
    this.sessionLineItems.set(id, lineItems);
    this.sessionPaymentIntentData.set(id, input.paymentIntentData);
    void ctx; // Stripe emits no event when a session is created.
    return copy(session);
  }

  private lineItem(line: CheckoutLineInput, created: number): Stripe.LineItem {
    const amount = line.unitAmount * line.quantity;
    return {
      id: this.newId('li'),
      object: 'item',
      adjustable_quantity: null,
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: line.currency,
      description: line.productName,
      metadata: {},
      price: {
        id: this.newId('price'),
        object: 'price',
        active: false,
        billing_scheme: 'per_unit',
        created,
        currency: line.currency,
        custom_unit_amount: null,
        livemode: false,
        lookup_key: null,
        metadata: {},
        nickname: null,
        product: line.productId ?? this.newId('prod'),
        recurring: null,
        tax_behavior: 'unspecified',
        tiers_mode: null,
        transform_quantity: null,
        type: 'one_time',
        unit_amount: line.unitAmount,
        unit_amount_decimal: null,
      },
      quantity: line.quantity,
    };
  }

  retrieveCheckoutSession(id: string): Stripe.Checkout.Session {
    return copy(this.require(this.checkoutSessions, 'checkout.session', id));
  }

  /** The session's line items, which Stripe returns only when asked (`expand[]=line_items`). */
  checkoutSessionLineItems(id: string): Stripe.LineItem[] {
    this.require(this.checkoutSessions, 'checkout.session', id);
    return copy(this.sessionLineItems.get(id) ?? []);
  }

  /**
   * Control: the customer paid on the hosted page. Creates the PaymentIntent Stripe creates at
   * that moment (amount_total, `payment_intent_data` metadata), its charge and balance
   * transaction, and emits the events in Stripe's order: payment_intent.created,
   * charge.succeeded, payment_intent.succeeded, checkout.session.completed.
   */
  completeCheckoutSession(id: string, ctx: OperationContext): Stripe.Checkout.Session {
    const session = this.require(this.checkoutSessions, 'checkout.session', id);
    if (session.status !== 'open') {
      throw new Error(`Checkout Session ${id} is ${session.status}, not open`);
    }
    const data = this.sessionPaymentIntentData.get(id)!;
    const intent = this.paymentIntents.get(
      this.createPaymentIntent(
        {
          amount: session.amount_total ?? 0,
          currency: session.currency ?? 'usd',
          metadata: data.metadata,
          customer: typeof session.customer === 'string' ? session.customer : null,
          description: data.description,
          receiptEmail: session.customer_email,
          transferGroup: data.transferGroup,
          automaticPaymentMethods: null,
          paymentMethodTypes: session.payment_method_types,
          paymentMethod: null,
          captureMethod: 'automatic_async',
          statementDescriptor: null,
          statementDescriptorSuffix: null,
        },
        ctx,
      ).id,
    )!;
    this.succeed(intent, ctx);
    Object.assign(session, {
      status: 'complete',
      payment_status: 'paid',
      payment_intent: intent.id,
      url: null,
      customer_details: {
        address: null,
        business_name: null,
        email: session.customer_email,
        individual_name: null,
        name: null,
        phone: null,
        tax_exempt: 'none',
        tax_ids: [],
      },
    } satisfies Partial<Stripe.Checkout.Session>);
    this.emit('checkout.session.completed', session, ctx);
    return copy(session);
  }

  /** Expires an open session (`POST /v1/checkout/sessions/:id/expire`, or a test's control call). */
  expireCheckoutSession(id: string, ctx: OperationContext): Stripe.Checkout.Session {
    const session = this.require(this.checkoutSessions, 'checkout.session', id);
    if (session.status !== 'open') {
      throw invalidRequest(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
      );
    }
    session.status = 'expired';
    session.url = null;
    this.emit('checkout.session.expired', session, ctx);
    return copy(session);
  }

  // ---------------------------------------------------------------- Accounts (Connect)

  createAccount(input: AccountInput, ctx: OperationContext): Stripe.Account {
    const id = this.newId('acct');
    const controller = input.controller ?? controllerForType(input.type ?? 'standard');
    const capabilities: Record<string, 'inactive'> = {};
    for (const name of input.requestedCapabilities) capabilities[name] = 'inactive';
    const dueFields = [
      'business_type',
      'external_account',
      'representative.first_name',
      'tos_acceptance.date',
      'tos_acceptance.ip',
    ];
    const account: Stripe.Account = {
      id,
      object: 'account',
      business_profile: {
        mcc: null,
        minority_owned_business_designation: null,
        name: null,
        specified_commercial_transactions_act_url: null,
        support_address: null,
        support_email: null,
        support_phone: null,
        support_url: null,
        url: null,
      },
      business_type: input.businessType,
      capabilities,
      charges_enabled: false,
      controller: {
        fees: {
          payer:
            controller.feesPayer === 'account'
              ? 'account'
              : controller.dashboard === 'express'
                ? 'application_express'
                : controller.dashboard === 'none'
                  ? 'application_custom'
                  : 'application',
        },
        is_controller: true,
        losses: { payments: controller.lossesPayments },
        requirement_collection: controller.requirementCollection,
        stripe_dashboard: { type: controller.dashboard },
        type: 'application',
      },
      country: input.country,
      created: this.nowSeconds(),
      default_currency: input.defaultCurrency ?? (input.country === 'US' ? 'usd' : 'eur'),
      details_submitted: false,
      email: input.email,
      external_accounts: {
        object: 'list',
        data: [],
        has_more: false,
        url: `/v1/accounts/${id}/external_accounts`,
      },
      future_requirements: emptyRequirements(),
      metadata: input.metadata,
      payouts_enabled: false,
      requirements: {
        ...emptyRequirements(),
        currently_due: dueFields,
        eventually_due: dueFields,
        past_due: dueFields,
        disabled_reason: 'requirements.past_due',
      },
      settings: null,
      tos_acceptance: { date: null, ip: null, user_agent: null },
      type: input.type ?? typeForController(controller),
    };
    this.accounts.set(id, account);
    void ctx; // Connect emits no event to the platform when it creates an account.
    return copy(account);
  }

  retrieveAccount(id: string, param?: string): Stripe.Account {
    return copy(this.require(this.accounts, 'account', id, param));
  }

  /** `POST /v1/accounts/:id` for the fields a platform sets itself; emits account.updated. */
  updateAccount(
    id: string,
    patch: { email?: string; metadata?: Record<string, string> },
    ctx: OperationContext,
  ): Stripe.Account {
    const account = this.require(this.accounts, 'account', id);
    const previous: Record<string, unknown> = {};
    if (patch.email !== undefined && patch.email !== account.email) {
      previous.email = account.email;
      account.email = patch.email;
    }
    if (patch.metadata && JSON.stringify(patch.metadata) !== JSON.stringify(account.metadata)) {
      previous.metadata = copy(account.metadata);
      account.metadata = patch.metadata;
    }
    if (Object.keys(previous).length > 0) {
      this.emit('account.updated', account, ctx, { previousAttributes: previous, account: id });
    }
    return copy(account);
  }

  /**
   * Control: onboarding finished, or was undone. Sets the three flags, marks requested
   * capabilities (and `transfers`, which a connected account needs to receive transfers) active
   * when charges are enabled, clears or restores requirements, and emits account.updated with
   * `previous_attributes`, as Connect does.
   */
  setAccountStatus(
    id: string,
    status: { chargesEnabled: boolean; payoutsEnabled: boolean; detailsSubmitted: boolean },
    ctx: OperationContext,
  ): Stripe.Account {
    const account = this.require(this.accounts, 'account', id);
    const previous = {
      charges_enabled: account.charges_enabled,
      payouts_enabled: account.payouts_enabled,
      details_submitted: account.details_submitted,
      capabilities: copy(account.capabilities),
      requirements: copy(account.requirements),
    };
    account.charges_enabled = status.chargesEnabled;
    account.payouts_enabled = status.payoutsEnabled;
    account.details_submitted = status.detailsSubmitted;
    const capabilityState = status.chargesEnabled ? 'active' : 'inactive';
    const capabilities: Record<string, string> = { ...account.capabilities, transfers: '' };
    for (const name of Object.keys(capabilities)) capabilities[name] = capabilityState;
    account.capabilities = capabilities as Stripe.Account.Capabilities;
    const fullyEnabled = status.chargesEnabled && status.payoutsEnabled && status.detailsSubmitted;
    account.requirements = fullyEnabled
      ? emptyRequirements()
      : { ...previous.requirements!, disabled_reason: 'requirements.past_due' };
    if (fullyEnabled) account.tos_acceptance = { date: this.nowSeconds(), ip: '127.0.0.1' };
    this.emit('account.updated', account, ctx, { previousAttributes: previous, account: id });
    return copy(account);
  }

  createAccountLink(
    input: { account: string; type: string; refreshUrl: string | null; returnUrl: string | null },
    ctx: OperationContext,
  ): Stripe.AccountLink {
    this.require(this.accounts, 'account', input.account, 'account');
    const created = this.nowSeconds();
    void ctx;
    return {
      object: 'account_link',
      created,
      expires_at: created + 300,
      url: `https://connect.stripe.com/setup/e/${input.account}/${this.newId('x').slice(2)}`,
    };
  }

  // ---------------------------------------------------------------- Transfers

  createTransfer(input: TransferInput, ctx: OperationContext): Stripe.Transfer {
    const destination = this.accounts.get(input.destination);
    if (!destination) throw resourceMissing('destination', input.destination, 'destination');
    const capabilities = (destination.capabilities ?? {}) as Record<string, string>;
    if (capabilities.transfers !== 'active') {
      throw invalidParam(
        'destination',
        'Your destination account needs to have at least one of the following capabilities ' +
          'enabled: transfers, crypto_transfers, legacy_payments',
        'insufficient_capabilities_for_transfer',
      );
    }
    if (input.sourceTransaction && !this.charges.has(input.sourceTransaction)) {
      throw resourceMissing('charge', input.sourceTransaction, 'source_transaction');
    }
    if (this.options.enforceBalance && this.available(input.currency) < input.amount) {
      throw invalidRequest(
        'You have insufficient available funds in your Stripe account. Try adding funds ' +
          'directly to your available balance by creating Charges using the 4000000000000077 ' +
          'test card. See: https://stripe.com/docs/testing#available-balance',
        'balance_insufficient',
      );
    }
    const id = this.newId('tr');
    const txn = this.addBalanceTransaction({
      type: 'transfer',
      reportingCategory: 'transfer',
      amount: -input.amount,
      fee: 0,
      currency: input.currency,
      source: id,
      description: input.description,
    });
    const transfer: Stripe.Transfer = {
      id,
      object: 'transfer',
      amount: input.amount,
      amount_reversed: 0,
      balance_transaction: txn.id,
      created: this.nowSeconds(),
      currency: input.currency,
      description: input.description,
      destination: input.destination,
      destination_payment: this.newId('py'),
      livemode: false,
      metadata: input.metadata,
      reversals: {
        object: 'list',
        data: [],
        has_more: false,
        url: `/v1/transfers/${id}/reversals`,
      },
      reversed: false,
      source_transaction: input.sourceTransaction,
      source_type: 'card',
      transfer_group: input.transferGroup,
    };
    (transfer.reversals as { total_count?: number }).total_count = 0;
    this.transfers.set(id, transfer);
    this.emit('transfer.created', transfer, ctx);
    return copy(transfer);
  }

  retrieveTransfer(id: string): Stripe.Transfer {
    return copy(this.require(this.transfers, 'transfer', id));
  }

  /**
   * Reverses all of a transfer, or `amount` of it. Money comes back to the platform balance
   * (a `transfer_refund` balance transaction) and transfer.reversed is emitted, for partial
   * reversals too, as Stripe documents.
   */
  reverseTransfer(
    id: string,
    input: { amount: number | null; description: string | null; metadata: Record<string, string> },
    ctx: OperationContext,
  ): Stripe.TransferReversal {
    const transfer = this.require(this.transfers, 'transfer', id);
    const reversible = transfer.amount - transfer.amount_reversed;
    const amount = input.amount ?? reversible;
    if (reversible === 0) {
      throw invalidRequest(
        `Transfer ${id} has already been reversed.`,
        'transfer_already_reversed',
      );
    }
    if (amount > reversible) {
      throw invalidParam(
        'amount',
        `Amount (${amount}) is greater than the amount that can be reversed (${reversible}).`,
        'parameter_invalid_integer',
      );
    }
    const reversalId = this.newId('trr');
    const txn = this.addBalanceTransaction({
      type: 'transfer_refund',
      reportingCategory: 'transfer_reversal',
      amount,
      fee: 0,
      currency: transfer.currency,
      source: reversalId,
      description: input.description,
    });
    const reversal: Stripe.TransferReversal = {
      id: reversalId,
      object: 'transfer_reversal',
      amount,
      balance_transaction: txn.id,
      created: this.nowSeconds(),
      currency: transfer.currency,
      destination_payment_refund: this.newId('pyr'),
      metadata: input.metadata,
      source_refund: null,
      transfer: id,
    };
    this.transferReversals.set(reversalId, reversal);
    transfer.amount_reversed += amount;
    transfer.reversed = transfer.amount_reversed === transfer.amount;
    transfer.reversals.data.unshift(copy(reversal));
    const list = transfer.reversals as { total_count?: number };
    list.total_count = (list.total_count ?? 0) + 1;
    this.emit('transfer.reversed', transfer, ctx, {
      previousAttributes: {
        amount_reversed: transfer.amount_reversed - amount,
        reversed: false,
      },
    });
    return copy(reversal);
  }

  // ---------------------------------------------------------------- Balance

  /** Control: adds funds to the platform's available balance (an `adjustment`). */
  fundBalance(amount: number, currency: string): Stripe.BalanceTransaction {
    return copy(
      this.addBalanceTransaction({
        type: 'adjustment',
        reportingCategory: 'other_adjustment',
        amount,
        fee: 0,
        currency,
        source: null,
        description: 'Offline test funding',
      }),
    );
  }

  /**
   * The platform balance: the sum of balance transactions' `net`, per currency. Every
   * transaction is available at once (as with Stripe's 4000000000000077 test card); the
   * offline server has no pending period and no payouts from the platform balance.
   */
  balance(): Stripe.Balance {
    const byCurrency = new Map<string, number>();
    for (const txn of this.balanceTransactions.values()) {
      byCurrency.set(txn.currency, (byCurrency.get(txn.currency) ?? 0) + txn.net);
    }
    if (byCurrency.size === 0) byCurrency.set('usd', 0);
    const entries = [...byCurrency].map(([currency, amount]) => ({
      amount,
      currency,
      source_types: { card: amount },
    }));
    return {
      object: 'balance',
      available: entries,
      connect_reserved: entries.map(({ currency }) => ({ amount: 0, currency })),
      livemode: false,
      pending: entries.map(({ currency }) => ({ amount: 0, currency, source_types: { card: 0 } })),
    };
  }

  retrieveBalanceTransaction(id: string): Stripe.BalanceTransaction {
    return copy(this.require(this.balanceTransactions, 'balance transaction', id));
  }

  private available(currency: string): number {
    let sum = 0;
    for (const txn of this.balanceTransactions.values()) {
      if (txn.currency === currency) sum += txn.net;
    }
    return sum;
  }

  private addBalanceTransaction(input: {
    type: Stripe.BalanceTransaction.Type;
    reportingCategory: string;
    amount: number;
    fee: number;
    currency: string;
    source: string | null;
    description: string | null;
  }): Stripe.BalanceTransaction {
    const id = this.newId('txn');
    const created = this.nowSeconds();
    const txn: Stripe.BalanceTransaction = {
      id,
      object: 'balance_transaction',
      amount: input.amount,
      available_on: created,
      balance_type: 'payments',
      created,
      currency: input.currency,
      description: input.description,
      exchange_rate: null,
      fee: input.fee,
      fee_details:
        input.fee > 0
          ? [
              {
                amount: input.fee,
                application: null,
                currency: input.currency,
                description: 'Stripe processing fees',
                type: 'stripe_fee',
              },
            ]
          : [],
      net: input.amount - input.fee,
      reporting_category: input.reportingCategory,
      source: input.source,
      status: 'available',
      type: input.type,
    };
    this.balanceTransactions.set(id, txn);
    return txn;
  }

  // ---------------------------------------------------------------- Payouts (connected accounts)

  /**
   * Control: a payout from a connected account to its bank failed. Stripe has no
   * `transfer.failed`; this is how a worker's money fails to arrive. Emits payout.failed as a
   * Connect event (`account` set to the connected account).
   */
  failPayout(
    input: { account: string; amount: number; currency: string; failureCode: string },
    ctx: OperationContext,
  ): Stripe.Payout {
    this.require(this.accounts, 'account', input.account);
    const created = this.nowSeconds();
    const id = this.newId('po');
    const payout: Stripe.Payout = {
      id,
      object: 'payout',
      amount: input.amount,
      application_fee: null,
      application_fee_amount: null,
      arrival_date: created + 2 * DAY_SECONDS,
      automatic: true,
      balance_transaction: this.newId('txn'),
      created,
      currency: input.currency,
      description: 'STRIPE PAYOUT',
      destination: this.newId('ba'),
      failure_balance_transaction: this.newId('txn'),
      failure_code: input.failureCode,
      failure_message:
        PAYOUT_FAILURE_MESSAGES[input.failureCode] ?? 'The payout could not be completed.',
      livemode: false,
      metadata: {},
      method: 'standard',
      original_payout: null,
      payout_method: null,
      reconciliation_status: 'not_applicable',
      reversed_by: null,
      source_type: 'card',
      statement_descriptor: null,
      status: 'failed',
      trace_id: null,
      type: 'bank_account',
    };
    this.payouts.set(id, payout);
    this.emit('payout.failed', payout, ctx, { account: input.account });
    return copy(payout);
  }

  // ---------------------------------------------------------------- Events

  /**
   * Records an event with a snapshot of `object` and hands it to `onEvent` (the webhook queue).
   * `createdOffsetSeconds` back-dates or post-dates `created`, for tests of stale events.
   */
  emit(
    type: string,
    object: unknown,
    ctx: OperationContext,
    extra: {
      previousAttributes?: Record<string, unknown>;
      account?: string;
      createdOffsetSeconds?: number;
    } = {},
  ): Stripe.Event {
    const event = {
      id: this.newId('evt'),
      object: 'event',
      ...(extra.account ? { account: extra.account } : {}),
      api_version: this.options.apiVersion,
      created: this.nowSeconds() + (extra.createdOffsetSeconds ?? 0),
      data: {
        object: copy(object),
        ...(extra.previousAttributes
          ? { previous_attributes: copy(extra.previousAttributes) }
          : {}),
      },
      livemode: false,
      pending_webhooks: 1,
      request: { id: ctx.requestId, idempotency_key: ctx.idempotencyKey },
      type,
    } as unknown as Stripe.Event;
    this.events.set(event.id, event);
    this.options.onEvent(copy(event));
    return copy(event);
  }

  retrieveEvent(id: string): Stripe.Event {
    return copy(this.require(this.events, 'event', id));
  }

  private require<T>(store: Map<string, T>, kind: string, id: string, param?: string): T {
    const found = store.get(id);
    if (!found) throw resourceMissing(kind, id, param);
    return found;
  }
}

function controllerForType(
  type: 'custom' | 'express' | 'standard',
): NonNullable<AccountInput['controller']> {
  switch (type) {
    case 'express':
      return {
        feesPayer: 'application',
        lossesPayments: 'application',
        dashboard: 'express',
        requirementCollection: 'stripe',
      };
    case 'custom':
      return {
        feesPayer: 'application',
        lossesPayments: 'application',
        dashboard: 'none',
        requirementCollection: 'application',
      };
    case 'standard':
      return {
        feesPayer: 'account',
        lossesPayments: 'stripe',
        dashboard: 'full',
        requirementCollection: 'stripe',
      };
  }
}

/**
 * The legacy `type` Stripe reports for controller settings: the three classic combinations
 * map back to their names, any other combination is `none`.
 */
function typeForController(
  controller: NonNullable<AccountInput['controller']>,
): Stripe.Account.Type {
  for (const type of ['express', 'custom', 'standard'] as const) {
    const classic = controllerForType(type);
    if (
      classic.feesPayer === controller.feesPayer &&
      classic.lossesPayments === controller.lossesPayments &&
      classic.dashboard === controller.dashboard &&
      classic.requirementCollection === controller.requirementCollection
    ) {
      return type;
    }
  }
  return 'none';
}

function emptyRequirements(): Stripe.Account.Requirements {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: [],
    disabled_reason: null,
    errors: [],
    eventually_due: [],
    past_due: [],
    pending_verification: [],
  };
}

/** A deep copy through JSON: what a client would get after the object crossed the wire. */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
