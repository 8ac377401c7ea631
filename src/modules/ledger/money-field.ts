import { GraphQLSafeInt } from 'graphql-scalars';
import { Field } from 'type-graphql';

/**
 * A GraphQL field holding an amount of money in minor units of its currency (cents), typed
 * `SafeInt` because sums of amounts outgrow a 32-bit `Int`. Takes the description, or options.
 */
export function MoneyField(
  options: string | { description?: string; nullable?: boolean } = {},
): PropertyDecorator {
  return Field(
    () => GraphQLSafeInt,
    typeof options === 'string' ? { description: options } : options,
  );
}
