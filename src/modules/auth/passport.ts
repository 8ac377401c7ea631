import type { NextFunction, Request, RequestHandler, Response } from 'express';
import passportModule from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import type { AppConfig } from '../../config/app-config';
import type { Clock } from '../../common/clock';
import { ErrorCode } from '../../common/errors';
import { isUuid } from '../../common/uuid';
import { RequestContext, type AuthUser } from '../../common/request-context';
import {
  API_KEY_PREFIX,
  type AuthService,
  JWT_ALGORITHM,
  jwtKey,
  type TokenClaims,
} from './auth.service';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `authenticate` when a valid bearer token or API key came with the request. */
    auth?: AuthUser;
  }
}

/**
 * Builds a passport instance (not the global singleton, so several apps can live in one test
 * process) with two strategies: `jwt` for people, `api-key` for machine clients. Both read the
 * `Authorization: Bearer …` header; the token's shape says which one applies.
 */
export function createPassport(auth: AuthService, config: AppConfig['auth'], clock: Clock) {
  const passport = new passportModule.Passport();

  const jwtStrategy = new JwtStrategy(
    {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: jwtKey(config.jwtSecret) as unknown as string,
      algorithms: [JWT_ALGORITHM],
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
    },
    (claims: TokenClaims, done: (error: unknown, user?: AuthUser | false) => void) => {
      // A token Quorum did not shape (no expiry, a subject that is not a user id) is refused
      // like a bad signature, never looked up: a token without `exp` would never expire.
      if (!hasQuorumClaims(claims)) return done(null, false);
      const expiresAt = new Date(claims.exp * 1000);
      auth
        .userForToken(RequestContext.create({ clock }), claims)
        .then(user => done(null, user ? { ...user, expiresAt } : false), done);
    },
  );
  // jsonwebtoken checks `exp` against Date.now() unless given `clockTimestamp`. passport-jwt
  // copies its options once, so a getter on the copy is the one place to make expiry follow the
  // app's injected clock (and so tests move time instead of sleeping).
  Object.defineProperty(
    (jwtStrategy as unknown as { _verifOpts: object })._verifOpts,
    'clockTimestamp',
    { get: () => Math.floor(clock.now().getTime() / 1000), enumerable: true },
  );
  passport.use('jwt', jwtStrategy);

  passport.use(
    'api-key',
    new BearerStrategy((secret, done) => {
      auth
        .userForApiKey(RequestContext.create({ clock }), secret)
        .then(user => done(null, user ?? false), done);
    }),
  );
  return passport;
}

/** What an `Authorization` header proved: a user, nobody (no header), or a refusal. */
export type BearerOutcome =
  | { readonly user: AuthUser | undefined }
  | { readonly refused: ErrorCode; readonly message: string };

/**
 * Checks an `Authorization: Bearer …` value the way every entry point must (HTTP requests and
 * WebSocket connections): none → anonymous; a valid JWT or API key → its user; an invalid,
 * expired, revoked or malformed one → refused, because a client sending a bad credential must
 * learn it rather than silently act as anonymous.
 */
export function verifyBearer(
  passport: passportModule.Authenticator,
  header: string | undefined,
): Promise<BearerOutcome> {
  if (!header) return Promise.resolve({ user: undefined });
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (!token) {
    return Promise.resolve({
      refused: ErrorCode.UNAUTHENTICATED,
      message: 'Malformed Authorization header',
    });
  }
  const strategy = token.startsWith(API_KEY_PREFIX) ? 'api-key' : 'jwt';
  return new Promise((resolve, reject) => {
    const req = { headers: { authorization: header } } as Request;
    passport.authenticate(
      strategy,
      { session: false },
      (error: unknown, user: AuthUser | false, info: unknown) => {
        if (error) return reject(error);
        if (user) return resolve({ user });
        if (strategy === 'api-key') {
          return resolve({
            refused: ErrorCode.UNAUTHENTICATED,
            message: 'Unknown or revoked API key',
          });
        }
        if ((info as { name?: string } | undefined)?.name === 'TokenExpiredError') {
          return resolve({
            refused: ErrorCode.TOKEN_EXPIRED,
            message: 'The token has expired; log in again',
          });
        }
        return resolve({ refused: ErrorCode.UNAUTHENTICATED, message: 'Invalid token' });
      },
    )(req, {} as Response, reject);
  });
}

/**
 * Express middleware over `verifyBearer`: a user → `req.auth`; a refusal → 401 with a
 * GraphQL-shaped error.
 */
export function authenticate(passport: passportModule.Authenticator): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    verifyBearer(passport, req.headers.authorization).then(outcome => {
      if ('refused' in outcome) return reject(res, outcome.refused, outcome.message);
      if (outcome.user) req.auth = outcome.user;
      next();
    }, next);
  };
}

function reject(res: Response, code: ErrorCode, message: string): void {
  res
    .status(401)
    .set('WWW-Authenticate', 'Bearer')
    .json({ errors: [{ message, extensions: { code } }] });
}

/** Whether verified claims have the shape `issueToken` gives them. */
function hasQuorumClaims(claims: unknown): claims is TokenClaims & { exp: number } {
  const { sub, exp, roles } = (claims ?? {}) as { sub?: unknown; exp?: unknown; roles?: unknown };
  return (
    typeof sub === 'string' &&
    isUuid(sub) &&
    typeof exp === 'number' &&
    Number.isFinite(exp) &&
    Array.isArray(roles)
  );
}
