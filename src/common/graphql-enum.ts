import { registerEnumType } from 'type-graphql';

/** The union of an enum object's values: the type its values are annotated with. */
export type EnumValue<E> = E[keyof E];

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
  const values = Object.fromEntries(keys.map(key => [key, key])) as { [P in K]: P };
  registerEnumType(values, description === undefined ? { name } : { name, description });
  return values;
}
