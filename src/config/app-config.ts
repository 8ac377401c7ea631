/**
 * The whole configuration of a Quorum process: plain values, validated once by `loadConfig`.
 * Tests build one with `testConfig()` overrides instead of touching `process.env`.
 */
export interface AppConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Largest accepted request body, in bytes (GraphQL and webhooks). */
    readonly bodyLimitBytes: number;
    /** Largest body of an `importTasks` request (its 10,000-task batch), in bytes. */
    readonly importBodyLimitBytes: number;
    /** On SIGTERM: how long in-flight requests may finish before connections are closed. */
    readonly shutdownGraceMs: number;
    /** Value for express' `trust proxy`, so rate limits see the client's address behind a proxy. */
    readonly trustProxy: boolean | number | string;
  };
  readonly database: DatabaseConfig;
  readonly auth: {
    readonly jwtSecret: string;
    readonly jwtExpiresInSeconds: number;
    readonly jwtIssuer: string;
    readonly jwtAudience: string;
    /** Failed logins allowed per account in `loginWindowSeconds` before RATE_LIMITED. */
    readonly loginMaxFailuresPerAccount: number;
    /** Login attempts allowed per client address in `loginWindowSeconds`. */
    readonly loginMaxAttemptsPerAddress: number;
    readonly loginWindowSeconds: number;
    /** Accounts one client address may create in `signUpWindowSeconds` (sign-up farming). */
    readonly signUpMaxPerAddress: number;
    readonly signUpWindowSeconds: number;
    /**
     * How long one process trusts what it read about a user or API key (roles, existence,
     * revocation) before reading it again: the window in which a change made through another
     * process is not yet seen. Changes made through this process apply at once.
     */
    readonly credentialCacheSeconds: number;
  };
  readonly graphql: {
    readonly maxDepth: number;
    readonly maxAliases: number;
    readonly maxCost: number;
    /** Subscriptions one WebSocket connection may hold at once (`/graphql` over graphql-ws). */
    readonly maxSubscriptionsPerConnection: number;
    readonly introspection: boolean;
    /** Where `schema:emit` and start-up in development write the SDL; null to skip. */
    readonly emitSchemaPath: string | null;
  };
  readonly stripe: {
    /** Unset: offline mode (payments recorded in the ledger by hand). */
    readonly secretKey: string | null;
    readonly webhookSecret: string | null;
    /** Overrides for pointing the SDK at a Stripe-compatible server (tests). */
    readonly apiHost: string | null;
    readonly apiPort: number | null;
    readonly apiProtocol: 'http' | 'https' | null;
  };
  /** Money rules (see docs/money.md). */
  readonly payments: {
    /** Platform fee on rewards and bonuses, in basis points (2000 = 20 %), rounded half up. */
    readonly platformFeeBps: number;
    /** Workers whose earned balance is below this (minor units) are left out of payout runs. */
    readonly payoutMinimumAmount: number;
    /** Interval of the scheduled payout run; 0 turns it off (admins run payouts by hand). */
    readonly payoutScheduleSeconds: number;
    /** Interval of the safety sweep: unpaid approvals, unreleased escrow, unsent payouts. */
    readonly sweepSeconds: number;
    /** Client timeout for one Stripe API call. */
    readonly stripeTimeoutMs: number;
  };
  readonly log: {
    readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  };
  /** Background work over the `jobs` table (see `DatabaseJobQueue`, `Scheduler`). */
  readonly jobs: {
    /** Run the in-process scheduler; off in tests, which drain the queue by hand. */
    readonly enabled: boolean;
    /** How often the scheduler looks for due jobs. */
    readonly pollIntervalMs: number;
    /** Interval of the lease-expiry sweep (leases also expire lazily at selection). */
    readonly leaseSweepSeconds: number;
    /** Interval of the auto-approval sweep. */
    readonly autoApproveSweepSeconds: number;
  };
  /** Outbound webhooks (src/modules/webhooks): which URLs, how long to retry, when to give up. */
  readonly webhooks: WebhooksConfig;
}

/** See README "Webhooks" for the matching environment variables. */
export interface WebhooksConfig {
  /** Allow plain http URLs (development only). */
  readonly allowHttp: boolean;
  /** Hosts or addresses exempt from the private/loopback rule. */
  readonly allowedHosts: readonly string[];
  /** Timeout of one delivery attempt. */
  readonly timeoutMs: number;
  /** A delivery is retried with exponential backoff for this long, then dead-lettered. */
  readonly retryWindowMs: number;
  /** An endpoint is disabled after this many failed attempts in a row. */
  readonly disableAfterFailures: number;
  /** How often the outbox is polled for due deliveries. */
  readonly pollIntervalMs: number;
  /** `project.budget_low` fires when a spend leaves less than this percent of the escrow. */
  readonly budgetLowPercent: number;
}

/** `url` set: a PostgreSQL server. Unset: embedded PGlite persisted in `dataDir` (or memory). */
export interface DatabaseConfig {
  readonly url: string | null;
  /** PGlite data directory; `memory://` for a throwaway database. */
  readonly dataDir: string;
  /** Connection pool size on PostgreSQL (PGlite always has one connection). */
  readonly poolSize: number;
  /** Run pending migrations when the app starts. */
  readonly migrationsRun: boolean;
  /** Log SQL (debugging only). */
  readonly logging: boolean;
}
