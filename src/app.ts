import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { pinoHttp } from 'pino-http';
import type { DataSource } from 'typeorm';
import type { AppConfig } from './config/app-config';
import { type Clock, systemClock } from './common/clock';
import { createLogger, type Logger } from './common/logger';
import { RequestContext } from './common/request-context';
import { buildContainer, type Services } from './container';
import { closeDataSource, createDataSource } from './db/data-source';
import { buildAppSchema } from './graphql/build-schema';
import { errorStatusPlugin } from './graphql/error-status-plugin';
import { createFormatError } from './graphql/format-error';
import { queryCostPlugin, queryLimitRules } from './graphql/limits';
import { createLoaders } from './graphql/loaders';
import { graphqlBodyParser } from './http/graphql-body-limit';
import { httpErrorHandler } from './http/http-error-handler';
import { attachLiveSocket, type LiveSocket } from './http/live-socket';
import { createMetrics } from './http/metrics';
import { createWebAppRouter } from './http/web-app';
import { authenticate, createPassport } from './modules/auth/passport';
import {
  createStripeWebhookRouter,
  STRIPE_WEBHOOK_PATH,
} from './modules/payments/stripe-webhook.route';

/** Things tests and embedders may swap; production uses the defaults. */
export interface AppOverrides {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** An already-initialised DataSource (tests share one per suite). */
  readonly dataSource?: DataSource;
  /** Uniform [0, 1) draws for gold mixing (default: crypto-secure), so tests can fix them. */
  readonly rng?: () => number;
}

/** A built application: not yet listening. */
export interface QuorumApp {
  readonly config: AppConfig;
  readonly express: express.Express;
  readonly httpServer: http.Server;
  readonly dataSource: DataSource;
  readonly schema: GraphQLSchema;
  readonly services: Services;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The WebSocket endpoint (subscriptions); tests drive its idle-credential sweep. */
  readonly liveSocket: LiveSocket;
  /** Starts listening (port 0 picks a free one) and returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting requests, drains in-flight ones, closes the database. */
  close(): Promise<void>;
}

/**
 * The composition root: config → DataSource (+ migrations) → services → schema → Apollo → express.
 * It does not listen; `main.ts` and tests decide where.
 */
export async function createApp(
  config: AppConfig,
  overrides: AppOverrides = {},
): Promise<QuorumApp> {
  const logger = overrides.logger ?? createLogger(config.log.level);
  const clock = overrides.clock ?? systemClock;
  const ownsDataSource = !overrides.dataSource;
  const dataSource = overrides.dataSource ?? (await createDataSource(config.database));
  if (!dataSource.isInitialized) await dataSource.initialize();
  if (config.database.migrationsRun) {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0)
      logger.info({ migrations: applied.map(m => m.name) }, 'migrations applied');
  }

  const { container, services } = buildContainer(config, dataSource, logger, clock, overrides.rng);
  const schema = await buildAppSchema(container, services.live);
  const metrics = createMetrics();
  const production = config.env === 'production';

  const app = express();
  const httpServer = http.createServer(app);
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id =
          typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: req => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );
  app.use(metrics.httpMiddleware);
  // Stripe signs the exact bytes it sends: this route reads the raw body, so it is mounted
  // before any JSON parser can consume it.
  app.use(
    STRIPE_WEBHOOK_PATH,
    createStripeWebhookRouter(services.stripeWebhooks, {
      clock,
      logger,
      bodyLimitBytes: config.http.bodyLimitBytes,
    }),
  );

  app.get('/healthz', async (_req, res) => {
    try {
      await dataSource.query('SELECT 1');
      res.json({ status: 'ok', database: 'ok' });
    } catch (error) {
      logger.error({ err: error }, 'health check failed');
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const formatError = createFormatError(logger);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: config.graphql.introspection,
    includeStacktraceInErrorResponses: !production,
    hideSchemaDetailsFromClientErrors: production,
    csrfPrevention: true,
    // main.ts owns SIGINT/SIGTERM and stops everything in order through close() below. Apollo's
    // own handlers would start a second stop() at the same signal, and ours, arriving second,
    // then awaited a barrier Apollo never resolves: Ctrl-C took the whole grace period and more,
    // ended in "shutdown timed out" and left the database unclosed.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    validationRules: queryLimitRules(config.graphql),
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: config.http.shutdownGraceMs,
      }),
      queryCostPlugin(config.graphql),
      metrics.apolloPlugin,
      errorStatusPlugin,
    ],
    logger,
  });
  await apollo.start();

  const passport = createPassport(services.auth, config.auth, clock);
  app.use(
    '/graphql',
    ...graphqlBodyParser(config.http),
    passport.initialize(),
    authenticate(passport),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        RequestContext.create({
          requestId: String(req.id),
          user: req.auth,
          ip: req.ip,
          clock,
          createLoaders: ctx => createLoaders(services.db, ctx),
        }),
    }),
  );
  // Subscriptions: graphql-ws on the same server and path, events over LISTEN/NOTIFY.
  const liveSocket = attachLiveSocket({
    httpServer,
    schema,
    passport,
    config: config.graphql,
    credentialCheckMs: config.auth.credentialCacheSeconds * 1000,
    db: services.db,
    clock,
    logger,
    formatError,
  });
  await services.live.start();
  // The worker app (web/dist) at `/`, after every API route.
  app.use(createWebAppRouter());
  app.use(httpErrorHandler(logger));
  if (config.jobs.enabled) services.scheduler.start();

  let closed = false;
  return {
    config,
    express: app,
    httpServer,
    dataSource,
    schema,
    services,
    logger,
    clock,
    liveSocket,
    listen(port = config.http.port, host = config.http.host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      // No job may start on a database that is about to close; a running one finishes first.
      await services.scheduler.stop();
      // Open sockets would hold the drain below for its whole grace period.
      await liveSocket.close();
      await services.live.close();
      // Apollo's drain plugin closes the HTTP server and waits for in-flight requests.
      await apollo.stop();
      if (httpServer.listening) await new Promise(resolve => httpServer.close(resolve));
      if (ownsDataSource) await closeDataSource(dataSource);
    },
  };
}
