import { Arg, Authorized, FieldResolver, ID, Mutation, Query, type ArgOptions } from 'type-graphql';
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
 * The second argument is the description, or the options type-graphql takes.
 */
type ReturnTypeFunc = Parameters<typeof Query>[0];
type AdvancedOptions = NonNullable<Parameters<typeof Query>[1]>;
type ArgDecorator = ReturnType<typeof Arg>;
type Operation = (returns: ReturnTypeFunc, options?: AdvancedOptions) => MethodDecorator;
type GuardedOperation = (
  returns: ReturnTypeFunc,
  options?: string | AdvancedOptions,
) => MethodDecorator;

function guarded(operation: Operation, roles: readonly Role[]): GuardedOperation {
  return (returns, options) => (target, propertyKey, descriptor) => {
    const advanced = typeof options === 'string' ? { description: options } : options;
    operation(returns, advanced)(target, propertyKey, descriptor);
    Authorized(roles)(target, propertyKey, descriptor);
  };
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

/** An `ID!` argument (`ID` with `{ nullable: true }`), named `id` unless told. */
export function IdArg(name = 'id', options?: ArgOptions): ArgDecorator {
  return Arg(name, () => ID, options);
}

/** A `[ID!]!` argument, named `ids` unless told. */
export function IdsArg(name = 'ids', options?: ArgOptions): ArgDecorator {
  return Arg(name, () => [ID], options);
}
