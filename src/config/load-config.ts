import { z } from 'zod';
import type { AppConfig } from './app-config';

/**
 * The development JWT secret. Fine on a laptop, refused in production (see `loadConfig`), so a
 * deployment can never run with a secret published in this repository.
 */
export const DEFAULT_DEV_JWT_SECRET = 'quorum-development-secret-change-me-0000000000';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform(v => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

/**
 * The environment variables Quorum reads, with their defaults. README's configuration table
 * documents the same list; keep both in step.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(4000),
  BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  IMPORT_BODY_LIMIT_BYTES: positiveInt.default(4_194_304),
  SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
  TRUST_PROXY: z.string().default('false'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_POOL_SIZE: positiveInt.max(200).default(10),
  DATABASE_LOGGING: bool.default(false),
  MIGRATIONS_RUN: bool.default(true),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEFAULT_DEV_JWT_SECRET),
  JWT_EXPIRES_IN_SECONDS: positiveInt.max(30 * 24 * 3600).default(3600),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(5),
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS: positiveInt.default(30),
  LOGIN_WINDOW_SECONDS: positiveInt.default(900),
  SIGNUP_MAX_PER_ADDRESS: positiveInt.default(10),
  SIGNUP_WINDOW_SECONDS: positiveInt.default(3600),
  AUTH_CACHE_SECONDS: positiveInt.default(5),
  GRAPHQL_MAX_DEPTH: positiveInt.default(8),
  GRAPHQL_MAX_ALIASES: positiveInt.default(15),
  GRAPHQL_MAX_COST: positiveInt.default(20_000),
  GRAPHQL_MAX_SUBSCRIPTIONS: positiveInt.default(10),
  GRAPHQL_INTROSPECTION: bool.optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_/, 'must start with sk_test_, sk_live_, rk_test_ or rk_live_')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_/, 'must start with whsec_')
    .optional(),
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: port.optional(),
  STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(2000),
  PAYOUT_MINIMUM_AMOUNT: positiveInt.default(500),
  PAYOUT_SCHEDULE_SECONDS: z.coerce.number().int().min(0).default(0),
  PAYMENTS_SWEEP_SECONDS: positiveInt.default(60),
  STRIPE_TIMEOUT_MS: positiveInt.default(30_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JOBS_ENABLED: bool.default(true),
  JOBS_POLL_INTERVAL_MS: positiveInt.min(50).default(1000),
  JOBS_LEASE_SWEEP_SECONDS: positiveInt.default(15),
  JOBS_AUTO_APPROVE_SWEEP_SECONDS: positiveInt.default(60),
  WEBHOOKS_ALLOW_HTTP: bool.default(false),
  WEBHOOKS_ALLOWED_HOSTS: z.string().default(''),
  WEBHOOKS_TIMEOUT_MS: positiveInt.default(10_000),
  WEBHOOKS_RETRY_HOURS: positiveInt.min(24).default(25),
  WEBHOOKS_DISABLE_AFTER_FAILURES: positiveInt.default(100),
  WEBHOOKS_POLL_INTERVAL_MS: positiveInt.min(100).default(5_000),
  WEBHOOKS_BUDGET_LOW_PERCENT: positiveInt.max(99).default(10),
});

/** Thrown when the environment is invalid; `problems` lists every one, not just the first. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the configuration from an environment once, validates it and fails fast listing every
 * problem. Safe defaults for local use; production refuses the default secret and a Stripe key
 * without its webhook secret.
 */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): AppConfig {
  // Empty strings count as unset, as a `.env` line `FOO=` would mean.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === 'production';
  if (production && e.JWT_SECRET === DEFAULT_DEV_JWT_SECRET) {
    problems.push('JWT_SECRET: the development default cannot be used when NODE_ENV=production');
  }
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET) {
    problems.push('STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set');
  }
  if (
    production &&
    e.STRIPE_SECRET_KEY &&
    (e.STRIPE_API_HOST || e.STRIPE_API_PROTOCOL === 'http')
  ) {
    problems.push('STRIPE_API_HOST/STRIPE_API_PROTOCOL: overrides are for tests, not production');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      importBodyLimitBytes: e.IMPORT_BODY_LIMIT_BYTES,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      trustProxy: parseTrustProxy(e.TRUST_PROXY),
    },
    database: {
      url: e.DATABASE_URL ?? null,
      dataDir: e.DATA_DIR,
      poolSize: e.DATABASE_POOL_SIZE,
      migrationsRun: e.MIGRATIONS_RUN,
      logging: e.DATABASE_LOGGING,
    },
    auth: {
      jwtSecret: e.JWT_SECRET,
      jwtExpiresInSeconds: e.JWT_EXPIRES_IN_SECONDS,
      jwtIssuer: 'quorum',
      jwtAudience: 'quorum-api',
      loginMaxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      loginMaxAttemptsPerAddress: e.LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
      loginWindowSeconds: e.LOGIN_WINDOW_SECONDS,
      signUpMaxPerAddress: e.SIGNUP_MAX_PER_ADDRESS,
      signUpWindowSeconds: e.SIGNUP_WINDOW_SECONDS,
      credentialCacheSeconds: e.AUTH_CACHE_SECONDS,
    },
    graphql: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxCost: e.GRAPHQL_MAX_COST,
      maxSubscriptionsPerConnection: e.GRAPHQL_MAX_SUBSCRIPTIONS,
      introspection: e.GRAPHQL_INTROSPECTION ?? !production,
      emitSchemaPath: null,
    },
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY ?? null,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET ?? null,
      apiHost: e.STRIPE_API_HOST ?? null,
      apiPort: e.STRIPE_API_PORT ?? null,
      apiProtocol: e.STRIPE_API_PROTOCOL ?? null,
    },
    payments: {
      platformFeeBps: e.PLATFORM_FEE_BPS,
      payoutMinimumAmount: e.PAYOUT_MINIMUM_AMOUNT,
      payoutScheduleSeconds: e.PAYOUT_SCHEDULE_SECONDS,
      sweepSeconds: e.PAYMENTS_SWEEP_SECONDS,
      stripeTimeoutMs: e.STRIPE_TIMEOUT_MS,
    },
    log: { level: e.LOG_LEVEL },
    jobs: {
      enabled: e.JOBS_ENABLED,
      pollIntervalMs: e.JOBS_POLL_INTERVAL_MS,
      leaseSweepSeconds: e.JOBS_LEASE_SWEEP_SECONDS,
      autoApproveSweepSeconds: e.JOBS_AUTO_APPROVE_SWEEP_SECONDS,
    },
    webhooks: {
      allowHttp: e.WEBHOOKS_ALLOW_HTTP,
      allowedHosts: e.WEBHOOKS_ALLOWED_HOSTS.split(',')
        .map(host => host.trim())
        .filter(Boolean),
      timeoutMs: e.WEBHOOKS_TIMEOUT_MS,
      retryWindowMs: e.WEBHOOKS_RETRY_HOURS * 3_600_000,
      disableAfterFailures: e.WEBHOOKS_DISABLE_AFTER_FAILURES,
      pollIntervalMs: e.WEBHOOKS_POLL_INTERVAL_MS,
      budgetLowPercent: e.WEBHOOKS_BUDGET_LOW_PERCENT,
    },
  };
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
