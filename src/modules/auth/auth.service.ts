import {
  createHash,
  createSecretKey,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import * as argon2 from 'argon2';
import jwt from 'jsonwebtoken';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppConfig } from '../../config/app-config';
import { type Clock, systemClock } from '../../common/clock';
import {
  BadUserInputError,
  ConflictError,
  NotFoundError,
  RateLimitedError,
} from '../../common/errors';
import type { AuthUser, RequestContext } from '../../common/request-context';
import { rethrowUniqueViolationAs } from '../../db/pg-errors';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { ApiKey } from './api-key.entity';
import { CredentialCache } from './credential-cache';
import { createRateLimiter } from './rate-limiters';
import { InvalidCredentialsError } from './auth.errors';
import type {
  AuthPayload,
  CreateApiKeyInput,
  CreatedApiKey,
  LogInInput,
  SignUpInput,
} from './auth.inputs';
import { Role } from './role';
import { User } from './user.entity';

/** Every API key starts with this, so a bearer token is told apart from a JWT by its shape. */
export const API_KEY_PREFIX = 'qrm_';

/** JWT signing algorithm, pinned on both sides so a token cannot choose its own (`alg: none`). */
export const JWT_ALGORITHM = 'HS256';

/**
 * Argon2id parameters: OWASP's Password Storage Cheat Sheet (2024) recommends m = 19 MiB,
 * t = 2, p = 1 as the baseline for argon2id.
 */
const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * The JWT secret as a prepared key. jsonwebtoken turns a string secret into a key on every call
 * (about 0.75 ms each, measured by bench:serve); a KeyObject made once costs microseconds.
 */
export function jwtKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** What authentication needs of an API key, cached per process (`CredentialCache`). */
interface CachedApiKey {
  readonly id: string;
  readonly userId: string;
  readonly secretHash: string;
  /** The key's scopes narrowed to the roles its owner holds now. */
  readonly roles: readonly Role[];
}

/** Claims Quorum puts in its JWTs. */
export interface TokenClaims {
  sub: string;
  roles: Role[];
}

/**
 * Identity: sign-up, log-in (Argon2id), JWTs, API keys. Login is rate-limited per account
 * (failed attempts) and per client address (all attempts), sign-up per client address; the counts live in PostgreSQL (`rate-limiters.ts`), shared by
 * every API process.
 */
export class AuthService {
  private readonly failuresPerAccount: RateLimiterAbstract;
  private readonly attemptsPerAddress: RateLimiterAbstract;
  private readonly signUpsPerAddress: RateLimiterAbstract;
  /** Verified against when the email is unknown, so both paths cost the same time. */
  private dummyHash?: Promise<string>;
  private readonly signingKey: KeyObject;
  /** User id → roles, or null for a user that no longer exists. */
  private readonly userRoles: CredentialCache<readonly Role[] | null>;
  /** API key prefix → the live key, or null when unknown or revoked. */
  private readonly apiKeys: CredentialCache<CachedApiKey | null>;

  constructor(
    private readonly db: TransactionalConnection,
    private readonly config: AppConfig['auth'],
    clock: Clock = systemClock,
  ) {
    this.signingKey = jwtKey(config.jwtSecret);
    this.userRoles = new CredentialCache(clock, config.credentialCacheSeconds);
    this.apiKeys = new CredentialCache(clock, config.credentialCacheSeconds);
    this.failuresPerAccount = createRateLimiter(db.dataSource, {
      keyPrefix: 'login-account',
      points: config.loginMaxFailuresPerAccount,
      durationSeconds: config.loginWindowSeconds,
    });
    this.attemptsPerAddress = createRateLimiter(db.dataSource, {
      keyPrefix: 'login-address',
      points: config.loginMaxAttemptsPerAddress,
      durationSeconds: config.loginWindowSeconds,
    });
    this.signUpsPerAddress = createRateLimiter(db.dataSource, {
      keyPrefix: 'signup-address',
      points: config.signUpMaxPerAddress,
      durationSeconds: config.signUpWindowSeconds,
    });
  }

  /**
   * Creates a user with REQUESTER and/or WORKER roles and logs them in. Rate-limited per client
   * address, so one machine cannot farm accounts (to see gold from many workers, say).
   */
  async signUp(ctx: RequestContext, input: SignUpInput): Promise<AuthPayload> {
    await consumeOrThrow(this.signUpsPerAddress, ctx.ip ?? 'unknown');
    const email = normalizeEmail(input.email);
    const roles = uniqueRoles(input.roles);
    const passwordHash = await argon2.hash(input.password, ARGON2_OPTIONS);
    const user = await this.db.withTransaction(ctx, tx =>
      this.db
        .repo(tx, User)
        .save({ email, displayName: input.displayName.trim(), passwordHash, roles })
        .catch(
          rethrowUniqueViolationAs(
            () =>
              new ConflictError('An account with this email already exists', { field: 'email' }),
          ),
        ),
    );
    return this.issueToken(ctx, user);
  }

  /** Checks a password and returns a token. Rate-limited; one error for every wrong guess. */
  async logIn(ctx: RequestContext, input: LogInInput): Promise<AuthPayload> {
    const email = normalizeEmail(input.email);
    await consumeOrThrow(this.attemptsPerAddress, ctx.ip ?? 'unknown');
    const accountState = await this.failuresPerAccount.get(email);
    if (accountState && accountState.remainingPoints <= 0) {
      throw new RateLimitedError(Math.ceil(accountState.msBeforeNext / 1000));
    }

    const user = await this.db.repo(ctx, User).findOneBy({ email });
    const valid = user?.passwordHash
      ? await argon2.verify(user.passwordHash, input.password)
      : await this.verifyDummy(input.password);
    if (!user || !valid) {
      await this.failuresPerAccount.penalty(email, 1);
      throw new InvalidCredentialsError();
    }
    await this.failuresPerAccount.delete(email);
    return this.issueToken(ctx, user);
  }

  /** A signed JWT for `user`, expiring after the configured lifetime (times from ctx's clock). */
  issueToken(ctx: RequestContext, user: User): AuthPayload {
    const issuedAt = Math.floor(ctx.now().getTime() / 1000);
    const expiresAt = issuedAt + this.config.jwtExpiresInSeconds;
    const claims: TokenClaims & { iat: number; exp: number } = {
      sub: user.id,
      roles: user.roles,
      iat: issuedAt,
      exp: expiresAt,
    };
    const token = jwt.sign(claims, this.signingKey, {
      algorithm: JWT_ALGORITHM,
      issuer: this.config.jwtIssuer,
      audience: this.config.jwtAudience,
    });
    return { token, expiresAt: new Date(expiresAt * 1000), user };
  }

  /**
   * The caller behind a verified JWT, or null when the user no longer exists. Roles come from
   * the user's row, not the token, read at most once per `credentialCacheSeconds` per process:
   * a role removed by an admin takes effect within that window (at once in the process that
   * removed it), and most requests cost no SQL.
   */
  async userForToken(ctx: RequestContext, claims: TokenClaims): Promise<AuthUser | null> {
    const roles = await this.userRoles.get(claims.sub, async () => {
      const user = await this.db
        .repo(ctx, User)
        .findOne({ where: { id: claims.sub }, select: { id: true, roles: true } });
      return user ? user.roles : null;
    });
    return roles ? { id: claims.sub, roles, via: 'jwt' } : null;
  }

  /**
   * The caller behind an API key, or null when the key is unknown, malformed or revoked. The
   * key's row is read at most once per `credentialCacheSeconds` per process (a revocation made
   * through another process is seen within that window), and `lastUsedAt` is written on those
   * reads only, so it is exact to the window.
   */
  async userForApiKey(ctx: RequestContext, secret: string): Promise<AuthUser | null> {
    const prefix = apiKeyPrefix(secret);
    if (!prefix) return null;
    const key = await this.apiKeys.get(prefix, () => this.loadApiKey(ctx, prefix));
    if (!key || !safeEqualHex(key.secretHash, hashSecret(secret))) return null;
    return { id: key.userId, roles: key.roles, via: 'api-key', apiKeyId: key.id };
  }

  private async loadApiKey(ctx: RequestContext, prefix: string): Promise<CachedApiKey | null> {
    const key = await this.db
      .repo(ctx, ApiKey)
      .findOne({ where: { prefix }, relations: { user: true } });
    if (!key || key.revokedAt || !key.user) return null;
    await this.db.repo(ctx, ApiKey).update({ id: key.id }, { lastUsedAt: ctx.now() });
    const roles = key.scopes.filter(role => key.user!.roles.includes(role));
    return { id: key.id, userId: key.userId, secretHash: key.secretHash, roles };
  }

  /** The calling user's row. */
  async me(ctx: RequestContext): Promise<User> {
    const userId = ctx.requireUserId();
    const user = await this.db.repo(ctx, User).findOneBy({ id: userId });
    if (!user) throw new NotFoundError('User', userId);
    return user;
  }

  /** Creates an API key scoped to some of the caller's roles. The secret is returned once. */
  async createApiKey(ctx: RequestContext, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const caller = ctx.requireUser();
    if (caller.via === 'api-key') {
      // A leaked key must not be able to mint fresh ones that outlive its revocation.
      throw new BadUserInputError('API keys can only be created after logging in with a password');
    }
    const scopes = uniqueRoles(input.scopes);
    const notHeld = scopes.filter(role => !caller.roles.includes(role));
    if (notHeld.length > 0) {
      throw new BadUserInputError(`You do not hold the role(s) ${notHeld.join(', ')}`, {
        field: 'scopes',
      });
    }
    const prefix = `${API_KEY_PREFIX}${randomBytes(6).toString('hex')}`;
    const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
    const apiKey = await this.db.withTransaction(ctx, tx =>
      this.db.repo(tx, ApiKey).save({
        userId: caller.id,
        name: input.name.trim(),
        prefix,
        secretHash: hashSecret(secret),
        scopes,
        lastUsedAt: null,
        revokedAt: null,
      }),
    );
    return { apiKey, secret };
  }

  /** Revokes one of the caller's keys; at once, for every later request. Idempotent. */
  async revokeApiKey(ctx: RequestContext, id: string): Promise<ApiKey> {
    const userId = ctx.requireUserId();
    const revoked = await this.db.withTransaction(ctx, async tx => {
      const keys = this.db.repo(tx, ApiKey);
      const key = await keys.findOneBy({ id, userId });
      if (!key) throw new NotFoundError('ApiKey', id);
      if (!key.revokedAt) {
        key.revokedAt = tx.now();
        await keys.save(key);
      }
      return key;
    });
    // After commit: a request racing the transaction could have cached the unrevoked row.
    this.apiKeys.forget(revoked.prefix);
    return revoked;
  }

  /** The caller's keys, newest first. */
  async listApiKeys(ctx: RequestContext): Promise<ApiKey[]> {
    const userId = ctx.requireUserId();
    return this.db.repo(ctx, ApiKey).find({ where: { userId }, order: { createdAt: 'DESC' } });
  }

  /**
   * Creates an admin, or grants ADMIN to an existing account (`npm run admin:create`). The
   * password is chosen by the operator: Quorum never ships a default one.
   */
  async createAdmin(
    ctx: RequestContext,
    input: { email: string; password: string; displayName?: string },
  ): Promise<{ user: User; created: boolean }> {
    if (input.password.length < 12) {
      throw new BadUserInputError('Admin passwords need at least 12 characters', {
        field: 'password',
      });
    }
    const email = normalizeEmail(input.email);
    const passwordHash = await argon2.hash(input.password, ARGON2_OPTIONS);
    return this.db.withTransaction(ctx, async tx => {
      const users = this.db.repo(tx, User);
      const existing = await users.findOneBy({ email });
      if (existing) {
        existing.roles = uniqueRoles([...existing.roles, Role.ADMIN]);
        existing.passwordHash = passwordHash;
        this.userRoles.forget(existing.id);
        return { user: await users.save(existing), created: false };
      }
      const user = await users.save({
        email,
        displayName: input.displayName ?? email.split('@')[0],
        passwordHash,
        roles: [Role.ADMIN],
      });
      return { user, created: true };
    });
  }

  private verifyDummy(password: string): Promise<boolean> {
    this.dummyHash ??= argon2.hash(randomBytes(16).toString('hex'), ARGON2_OPTIONS);
    return this.dummyHash.then(hash => argon2.verify(hash, password)).then(() => false);
  }
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function uniqueRoles(roles: readonly Role[]): Role[] {
  return Object.values(Role).filter(role => roles.includes(role));
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `qrm_<12 hex>_<secret>` → `qrm_<12 hex>`, or null when the shape is wrong. */
function apiKeyPrefix(secret: string): string | null {
  const match = /^(qrm_[0-9a-f]{12})_[A-Za-z0-9_-]{43}$/.exec(secret);
  return match ? match[1] : null;
}

async function consumeOrThrow(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      throw new RateLimitedError(Math.ceil(rejection.msBeforeNext / 1000));
    }
    throw rejection;
  }
}
