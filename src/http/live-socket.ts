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
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type passportModule from 'passport';
import { type WebSocket, WebSocketServer } from 'ws';
import type { AppConfig } from '../config/app-config';
import type { Clock } from '../common/clock';
import { ErrorCode } from '../common/errors';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import type { Logger } from '../common/logger';
import { type AuthUser, RequestContext } from '../common/request-context';
import { createQueryCostCheck, queryLimitRules } from '../graphql/limits';
import { createLoaders } from '../graphql/loaders';
import { verifyBearer } from '../modules/auth/passport';
import type { TransactionalConnection } from '../db/transactional-connection';

/** Per connection: its caller, the credential it proved it with, its running subscriptions. */
interface SocketState {
  user?: AuthUser;
  authorization?: string;
  readonly running: Set<string>;
}

/** WebSocket close code "Try Again Later": the credential could not be checked just now. */
const TRY_AGAIN_LATER = 1013;

/**
 * GraphQL subscriptions over WebSocket (graphql-ws, the Apollo convention) on the HTTP server's
 * `/graphql`. The same rules as HTTP: the credential is the app's bearer token, sent as
 * `connectionParams.authorization` ("Bearer …"), checked in `onConnect` (none, or a bad one,
 * closes the socket with 4403 Forbidden) and again before every event is sent (`onNext`),
 * through the same per-process cache HTTP uses (`AUTH_CACHE_SECONDS`), so an API key revoked, a
 * JWT expired or a user deleted since the connect closes the socket with 4401 Unauthorized, and
 * a caller who lost a role held at the connect with 4403 Forbidden,
 * instead of listening on for as long as the socket stays open; each operation passes the depth, alias and cost
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
        Object.assign(stateOf(ctx.extra), { user: outcome.user, authorization: header });
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
      onNext: async (ctx, _id, _payload, _args, result) => {
        // A socket closed here sends nothing more: graphql-ws skips a send on a closing socket.
        const refusal = await credentialRefusal(stateOf(ctx.extra));
        if (refusal) {
          (ctx.extra as { socket: WebSocket }).socket.close(refusal.code, refusal.reason);
          return undefined;
        }
        return result.errors ? { ...result, errors: format(result.errors) } : undefined;
      },
    },
    wsServer,
  );
  /** Why the connection's credential no longer holds, or null when it still does. */
  async function credentialRefusal(
    state: SocketState,
  ): Promise<{ code: number; reason: string } | null> {
    try {
      const outcome = await verifyBearer(options.passport, state.authorization);
      if ('refused' in outcome) return { code: CloseCode.Unauthorized, reason: outcome.refused };
      if (!outcome.user || outcome.user.id !== state.user?.id) {
        return { code: CloseCode.Unauthorized, reason: ErrorCode.UNAUTHENTICATED };
      }
      // The roles were checked against the subscription when it started: one lost since (an
      // admin removed it, a key's scope no longer held) ends the socket; the client reconnects
      // with what it holds now.
      const held = outcome.user.roles;
      if (state.user.roles.some(role => !held.includes(role))) {
        return { code: CloseCode.Forbidden, reason: ErrorCode.UNAUTHORIZED };
      }
      return null;
    } catch (error) {
      // Unchecked is not delivered: the client reconnects (and is checked) once it can be.
      if (!isDatabaseUnavailable(error)) logger.error({ err: error }, 'live credential check');
      return { code: TRY_AGAIN_LATER, reason: ErrorCode.SERVICE_UNAVAILABLE };
    }
  }

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
