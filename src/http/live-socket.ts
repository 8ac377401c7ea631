import type http from 'node:http';
import {
  type DocumentNode,
  getOperationAST,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type passportModule from 'passport';
import { WebSocketServer } from 'ws';
import type { AppConfig } from '../config/app-config';
import type { Clock } from '../common/clock';
import { ErrorCode } from '../common/errors';
import type { Logger } from '../common/logger';
import { type AuthUser, RequestContext } from '../common/request-context';
import { createQueryCostCheck, queryLimitRules } from '../graphql/limits';
import { createLoaders } from '../graphql/loaders';
import { verifyBearer } from '../modules/auth/passport';
import type { TransactionalConnection } from '../db/transactional-connection';

/** Per connection: its caller and its running subscriptions. */
interface SocketState {
  user?: AuthUser;
  readonly running: Set<string>;
}

/**
 * GraphQL subscriptions over WebSocket (graphql-ws, the Apollo convention) on the HTTP server's
 * `/graphql`. The same rules as HTTP: the credential is the app's bearer token, sent as
 * `connectionParams.authorization` ("Bearer …"), checked once in `onConnect` (none, or a bad
 * one, closes the socket with 4403 Forbidden); each operation passes the depth, alias and cost
 * limits; subscriptions only (queries and mutations go over HTTP, where CSRF prevention is);
 * at most `maxSubscriptionsPerConnection` at once; and every subscription's own authorization
 * and argument gate run in its `subscribe` step, as a query's do.
 */
export function attachLiveSocket(options: {
  httpServer: http.Server;
  schema: GraphQLSchema;
  passport: passportModule.Authenticator;
  config: AppConfig['graphql'];
  db: TransactionalConnection;
  clock: Clock;
  logger: Logger;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}): { close(): Promise<void> } {
  const { schema, config, clock, logger, formatError } = options;
  const wsServer = new WebSocketServer({ server: options.httpServer, path: '/graphql' });
  const states = new WeakMap<object, SocketState>();
  const stateOf = (extra: object): SocketState => {
    let state = states.get(extra);
    if (!state) states.set(extra, (state = { running: new Set() }));
    return state;
  };
  const rules = [...specifiedRules, ...queryLimitRules(config)];
  // The cost is priced with the subscription's variables, as over HTTP (limits.ts).
  const checkCost = createQueryCostCheck(config);
  const format = (errors: readonly GraphQLError[]) =>
    errors.map(error => formatError(error.toJSON(), error));

  const server = useServer(
    {
      schema,
      onConnect: async ctx => {
        const header = ctx.connectionParams?.authorization;
        const outcome = await verifyBearer(
          options.passport,
          typeof header === 'string' ? header : undefined,
        );
        if ('refused' in outcome || !outcome.user) return false;
        stateOf(ctx.extra).user = outcome.user;
        return true;
      },
      onSubscribe: (ctx, id, payload) => {
        const state = stateOf(ctx.extra);
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [coded((error as Error).message, 'GRAPHQL_PARSE_FAILED')];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length > 0) return invalid;
        const tooCostly = checkCost({
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables ?? undefined,
        });
        if (tooCostly) return [tooCostly];
        const operation = getOperationAST(document, payload.operationName);
        if (operation?.operation !== 'subscription') {
          return [coded('Only subscriptions go over WebSocket; use HTTP POST', 'BAD_REQUEST')];
        }
        if (state.running.size >= config.maxSubscriptionsPerConnection) {
          return [
            coded(
              `At most ${config.maxSubscriptionsPerConnection} subscriptions per connection`,
              ErrorCode.RATE_LIMITED,
            ),
          ];
        }
        state.running.add(id);
        const context = RequestContext.create({
          user: state.user,
          clock,
          createLoaders: ctx => createLoaders(options.db, ctx),
        });
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: context,
        };
      },
      onComplete: (ctx, id) => {
        stateOf(ctx.extra).running.delete(id);
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
    },
    wsServer,
  );
  wsServer.on('error', error => logger.error({ err: error }, 'WebSocket server error'));

  return {
    async close() {
      await server.dispose();
      await new Promise<void>(resolve => wsServer.close(() => resolve()));
    },
  };
}

function coded(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}
