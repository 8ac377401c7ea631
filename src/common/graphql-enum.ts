import { registerEnumType } from 'type-graphql';
import { stringEnum } from './string-enum';

export { stringEnum, type EnumValue } from './string-enum';

/**
 * A string enum whose values equal their names, registered with GraphQL as `name`. One line per
 * enum instead of a `KEY = 'KEY'` line per value plus the registration; pair it with
 * `export type X = EnumValue<typeof X>` so `X` still names both the values and their type.
 */
export function graphqlEnum<const K extends string>(
  name: string,
  keys: readonly K[],
  description?: string,
): { readonly [P in K]: P } {
  const values = stringEnum(keys);
  registerEnumType(values, description === undefined ? { name } : { name, description });
  return values;
}
