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
  /** When its credential is next re-checked while idle (app clock, ms). */
  checkAt?: number;
  /** A re-check is running: the sweep does not start another. */
  checking?: boolean;
  readonly running: Set<string>;
}

/** WebSocket close code "Try Again Later": the credential could not be checked just now. */
const TRY_AGAIN_LATER = 1013;

/** The longest the idle-check timer is armed for; a later deadline is re-armed when it fires. */
const MAX_TIMER_MS = 60 * 60 * 1000;

/** What the app holds of the live socket: its idle-credential sweep and its close. */
export interface LiveSocket {
  /**
   * Re-checks every open socket whose check is due by the app clock, closes those refused, and
   * arms the timer for the next due one. Runs on its own from that timer; tests that move a
   * manual clock call it after moving it (as `LiveUpdates.checkLeases`).
   */
  checkIdleCredentials(): Promise<void>;
  close(): Promise<void>;
}

/**
 * GraphQL subscriptions over WebSocket (graphql-ws, the Apollo convention) on the HTTP server's
 * `/graphql`. The same rules as HTTP: the credential is the app's bearer token, sent as
 * `connectionParams.authorization` ("Bearer …"), checked in `onConnect` (none, or a bad one,
 * closes the socket with 4403 Forbidden) and again before every event is sent (`onNext`),
 * through the same per-process cache HTTP uses (`AUTH_CACHE_SECONDS`), so an API key revoked, a
 * JWT expired or a user deleted since the connect closes the socket with 4401 Unauthorized, and
 * a caller who lost a role held at the connect with 4403 Forbidden,
 * instead of listening on for as long as the socket stays open. A socket that gets no event is
 * re-checked too, by one sweep for all sockets: every `credentialCheckMs` (`AUTH_CACHE_SECONDS`:
 * checking more often would read the same cached answer) and at its JWT's expiry to the
 * millisecond, with the same check and close codes. Each operation passes the depth, alias and cost
 * limits; subscriptions only (queries and mutations go over HTTP, where CSRF prevention is);
 * at most `maxSubscriptionsPerConnection` at once; and every subscription's own authorization
 * and argument gate run in its `subscribe` step, as a query's do.
 */
export function attachLiveSocket(options: {
  httpServer: http.Server;
  schema: GraphQLSchema;
  passport: passportModule.Authenticator;
  config: AppConfig['graphql'];
  /** How often an idle socket's credential is re-checked (the credential cache's window). */
  credentialCheckMs: number;
  db: TransactionalConnection;
  clock: Clock;
  logger: Logger;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}): LiveSocket {
  const { schema, config, clock, logger, formatError } = options;
  const wsServer = new WebSocketServer({ server: options.httpServer, path: '/graphql' });
  const states = new WeakMap<object, SocketState>();
  const stateOf = (extra: object): SocketState => {
    let state = states.get(extra);
    if (!state) states.set(extra, (state = { running: new Set() }));
    return state;
  };
  /** The sockets whose credential was accepted and that are still open. */
  const open = new Map<SocketState, WebSocket>();
  let timer: NodeJS.Timeout | null = null;
  /** When the armed timer is due (app clock, ms). */
  let timerAt = Infinity;
  let disposed = false;
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
        const state = stateOf(ctx.extra);
        const socket = (ctx.extra as { socket: WebSocket }).socket;
        // The client may have gone while its credential was checked: graphql-ws has then run
        // onClose already, so registering it now would keep a closed socket in the sweep.
        if (socket.readyState !== socket.OPEN) return false;
        Object.assign(state, { user: outcome.user, authorization: header });
        state.checkAt = nextCheckAt(state, clock.now().getTime());
        open.set(state, socket);
        if (state.checkAt < timerAt) arm();
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
      onClose: ctx => {
        open.delete(stateOf(ctx.extra));
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
  /**
   * When a socket checked at `now` is next due: the next multiple of `credentialCheckMs` on the
   * app clock, so every socket's periodic check falls on the same tick and the sweep wakes once
   * per interval however many sockets there are, or the JWT's expiry when that comes first (at
   * most one more wake per second: `exp` is in whole seconds).
   */
  function nextCheckAt(state: SocketState, now: number): number {
    const interval = options.credentialCheckMs;
    const tick = (Math.floor(now / interval) + 1) * interval;
    const expiresAt = state.user?.expiresAt?.getTime();
    return expiresAt !== undefined && expiresAt > now ? Math.min(tick, expiresAt) : tick;
  }

  async function checkIdleCredentials(): Promise<void> {
    if (disposed) return;
    const now = clock.now().getTime();
    // A socket that closed without onClose (it should not happen) leaves the sweep here.
    for (const [state, socket] of open) if (socket.readyState !== socket.OPEN) open.delete(state);
    const due = [...open].filter(([state]) => !state.checking && state.checkAt! <= now);
    await Promise.all(
      due.map(async ([state, socket]) => {
        state.checking = true;
        const refusal = await credentialRefusal(state);
        state.checking = false;
        // An unchecked credential is kept (1013) while idle: nothing is sent on the socket
        // unchecked, the next event re-checks it, and a database outage does not drop every
        // socket at once only for all of them to reconnect into it.
        if (refusal && refusal.code !== TRY_AGAIN_LATER) {
          open.delete(state);
          socket.close(refusal.code, refusal.reason);
        } else {
          state.checkAt = nextCheckAt(state, clock.now().getTime());
        }
      }),
    );
    arm();
  }

  /** Arms the one timer for the earliest due check (the lease warnings' pattern, live-updates). */
  function arm(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    timerAt = Infinity;
    if (disposed) return;
    for (const state of open.keys()) {
      if (!state.checking) timerAt = Math.min(timerAt, state.checkAt!);
    }
    if (timerAt === Infinity) return;
    const delay = Math.min(Math.max(timerAt - clock.now().getTime(), 0), MAX_TIMER_MS);
    timer = setTimeout(
      () =>
        void checkIdleCredentials().catch(error =>
          logger.error({ err: error }, 'idle live credential check'),
        ),
      delay,
    );
    timer.unref();
  }

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
    checkIdleCredentials,
    async close() {
      disposed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      open.clear();
      await server.dispose();
      await new Promise<void>(resolve => wsServer.close(() => resolve()));
    },
  };
}

function coded(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}
