import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  type ArgOptions,
} from 'type-graphql';
import { RequestContext } from '../common/request-context';
import { Role } from '../modules/auth/role';

/**
 * A query, mutation or field resolver together with who may call it, in one decorator:
 * `@OwnerMutation(() => Project, 'PAUSED → ACTIVE.')` is `@Authorized(Role.REQUESTER,
 * Role.ADMIN)` + `@Mutation(() => Project, { description: 'PAUSED → ACTIVE.' })`.
 *
 * The roles are the coarse check at the schema edge (see auth-checker.ts); whether the object is
 * the caller's own is the service's check, as before:
 * - Worker: workers, on their own assignments and tasks.
 * - Owner: requesters (on their own projects) and admins (on any).
 * - Requester / Admin: that role only.
 * - SignedIn: any signed-in user.
 *
 * - Public / Parent: no role check (sign-up and log-in; a field anyone who may see its parent
 *   object may see).
 *
 * The second argument is the description, or the options type-graphql takes.
 *
 * Each of them also hands the request context to the method's parameter typed `RequestContext`,
 * so a resolver declares `ctx: RequestContext` instead of repeating `@Ctx()` on every method.
 * The parameter is found by its type in the method's `design:paramtypes` metadata, so the
 * resolver must import `RequestContext` as a value (`import type` leaves no class to find).
 */
type ReturnTypeFunc = Parameters<typeof Query>[0];
type AdvancedOptions = NonNullable<Parameters<typeof Query>[1]>;
type ArgDecorator = ReturnType<typeof Arg>;
type Operation = (returns: ReturnTypeFunc, options?: AdvancedOptions) => MethodDecorator;
type GuardedOperation = (
  returns: ReturnTypeFunc,
  options?: string | AdvancedOptions,
) => MethodDecorator;

function guarded(operation: Operation, roles: readonly Role[] | null): GuardedOperation {
  return (returns, options) => (target, propertyKey, descriptor) => {
    const advanced = typeof options === 'string' ? { description: options } : options;
    operation(returns, advanced)(target, propertyKey, descriptor);
    if (roles) Authorized(roles)(target, propertyKey, descriptor);
    injectContext(target, propertyKey);
  };
}

/** `@Ctx()` on every parameter whose declared type is `RequestContext`. */
function injectContext(target: object, propertyKey: string | symbol): void {
  const types = (Reflect.getMetadata('design:paramtypes', target, propertyKey) ?? []) as unknown[];
  types.forEach((type, index) => {
    if (type === RequestContext) Ctx()(target, propertyKey, index);
  });
}

const WORKER = [Role.WORKER];
const OWNER = [Role.REQUESTER, Role.ADMIN];
const REQUESTER = [Role.REQUESTER];
const ADMIN = [Role.ADMIN];
const SIGNED_IN: Role[] = [];

export const WorkerQuery = guarded(Query, WORKER);
export const WorkerMutation = guarded(Mutation, WORKER);
export const OwnerQuery = guarded(Query, OWNER);
export const OwnerMutation = guarded(Mutation, OWNER);
export const OwnerField = guarded(FieldResolver, OWNER);
export const RequesterQuery = guarded(Query, REQUESTER);
export const RequesterMutation = guarded(Mutation, REQUESTER);
export const AdminQuery = guarded(Query, ADMIN);
export const AdminMutation = guarded(Mutation, ADMIN);
export const AdminField = guarded(FieldResolver, ADMIN);
export const SignedInQuery = guarded(Query, SIGNED_IN);
export const SignedInMutation = guarded(Mutation, SIGNED_IN);
export const SignedInField = guarded(FieldResolver, SIGNED_IN);
export const PublicMutation = guarded(Mutation, null);
export const ParentField = guarded(FieldResolver, null);

/** An `ID!` argument (`ID` with `{ nullable: true }`), named `id` unless told. */
export function IdArg(name = 'id', options?: ArgOptions): ArgDecorator {
  return Arg(name, () => ID, options);
}

/** The `input` argument every mutation with an input object takes (`input: XInput!`). */
export function InputArg(): ArgDecorator {
  return Arg('input');
}

/** A `[ID!]!` argument, named `ids` unless told. */
export function IdsArg(name = 'ids', options?: ArgOptions): ArgDecorator {
  return Arg(name, () => [ID], options);
}
