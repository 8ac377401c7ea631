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
      auth
        .userForToken(RequestContext.create({ clock }), claims)
        .then(user => done(null, user ?? false), done);
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

/**
 * Express middleware: no Authorization header → anonymous; a valid one → `req.auth`; an
 * invalid, expired, revoked or malformed one → 401 with a GraphQL-shaped error, because a
 * client sending a bad credential must learn it rather than silently act as anonymous.
 */
export function authenticate(passport: passportModule.Authenticator): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    if (!header) return next();
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) return reject(res, ErrorCode.UNAUTHENTICATED, 'Malformed Authorization header');
    const strategy = token.startsWith(API_KEY_PREFIX) ? 'api-key' : 'jwt';
    passport.authenticate(
      strategy,
      { session: false },
      (error: unknown, user: AuthUser | false, info: unknown) => {
        if (error) return next(error);
        if (user) {
          req.auth = user;
          return next();
        }
        if (strategy === 'api-key') {
          return reject(res, ErrorCode.UNAUTHENTICATED, 'Unknown or revoked API key');
        }
        if ((info as { name?: string } | undefined)?.name === 'TokenExpiredError') {
          return reject(res, ErrorCode.TOKEN_EXPIRED, 'The token has expired; log in again');
        }
        return reject(res, ErrorCode.UNAUTHENTICATED, 'Invalid token');
      },
    )(req, res, next);
  };
}

function reject(res: Response, code: ErrorCode, message: string): void {
  res
    .status(401)
    .set('WWW-Authenticate', 'Bearer')
    .json({ errors: [{ message, extensions: { code } }] });
}

/** Whether verified claims have the shape `issueToken` gives them. */
function hasQuorumClaims(claims: unknown): claims is TokenClaims {
  const { sub, exp, roles } = (claims ?? {}) as { sub?: unknown; exp?: unknown; roles?: unknown };
  return (
    typeof sub === 'string' &&
    isUuid(sub) &&
    typeof exp === 'number' &&
    Number.isFinite(exp) &&
    Array.isArray(roles)
  );
}
