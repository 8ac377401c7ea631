import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Role } from '../modules/auth/role';
import { type Clock, systemClock } from './clock';
import { UnauthenticatedError } from './errors';

/** The authenticated caller: a person with a JWT, or a machine with an API key. */
export interface AuthUser {
  readonly id: string;
  /** Effective roles: the user's roles, narrowed to an API key's scopes when one was used. */
  readonly roles: readonly Role[];
  readonly via: 'jwt' | 'api-key';
  readonly apiKeyId?: string;
  /**
   * When the JWT it was proved with expires (its `exp`); none for an API key. A live socket
   * re-checks its credential at this moment, not only at its next event.
   */
  readonly expiresAt?: Date;
}

/**
 * The per-request DataLoaders. Declared empty here and filled in by `graphql/loaders.ts`
 * (declaration merging), so the `Loaders` type lives in graphql/ and common/ imports nothing
 * from graphql/ (no common ↔ graphql cycle).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RequestLoaders {}

type Loaders = RequestLoaders;

type AfterCommit = () => Promise<void> | void;

interface ContextState {
  readonly requestId: string;
  readonly user?: AuthUser;
  readonly ip?: string;
  readonly clock: Clock;
  readonly transactionManager?: EntityManager;
  readonly afterCommit?: AfterCommit[];
  readonly createLoaders?: (ctx: RequestContext) => Loaders;
}

/**
 * Everything a service needs to know about the call it serves: who is calling, the open
 * transaction (if any), per-request DataLoaders and the clock. Built once per request (or per
 * job) and passed first to every service method (Vendure's RequestContext).
 */
export class RequestContext {
  private loadersCache?: Loaders;

  private constructor(private readonly state: ContextState) {}

  /** A context for an HTTP request, a job or a command. */
  static create(
    options: Partial<Omit<ContextState, 'transactionManager' | 'afterCommit'>> = {},
  ): RequestContext {
    return new RequestContext({ requestId: randomUUID(), clock: systemClock, ...options });
  }

  get requestId(): string {
    return this.state.requestId;
  }

  get user(): AuthUser | undefined {
    return this.state.user;
  }

  get ip(): string | undefined {
    return this.state.ip;
  }

  get clock(): Clock {
    return this.state.clock;
  }

  now(): Date {
    return this.state.clock.now();
  }

  /** The caller, or UNAUTHENTICATED. */
  requireUser(): AuthUser {
    if (!this.state.user) throw new UnauthenticatedError();
    return this.state.user;
  }

  requireUserId(): string {
    return this.requireUser().id;
  }

  hasRole(role: Role): boolean {
    return this.state.user?.roles.includes(role) ?? false;
  }

  /** A copy bound to the caller's identity (for jobs acting on behalf of a user). */
  withUser(user: AuthUser | undefined): RequestContext {
    return new RequestContext({ ...this.state, user, transactionManager: undefined });
  }

  get transactionManager(): EntityManager | undefined {
    return this.state.transactionManager;
  }

  get isInTransaction(): boolean {
    return this.state.transactionManager !== undefined;
  }

  /**
   * A copy of this context bound to an open transaction. Loaders are not shared with the parent:
   * on the embedded database there is one connection, and a loader querying outside the
   * transaction would wait for it forever.
   */
  inTransaction(manager: EntityManager, afterCommit: AfterCommit[]): RequestContext {
    return new RequestContext({ ...this.state, transactionManager: manager, afterCommit });
  }

  /** Runs `callback` after the surrounding transaction commits, or now if there is none. */
  async afterCommit(callback: AfterCommit): Promise<void> {
    if (this.state.afterCommit) this.state.afterCommit.push(callback);
    else await callback();
  }

  /** Per-request DataLoaders, created on first use. */
  get loaders(): Loaders {
    if (!this.loadersCache) {
      if (!this.state.createLoaders) throw new Error('This context was created without loaders');
      this.loadersCache = this.state.createLoaders(this);
    }
    return this.loadersCache;
  }
}
