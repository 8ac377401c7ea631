/** The union of an enum object's values: the type its values are annotated with. */
export type EnumValue<E> = E[keyof E];

/**
 * A string enum whose values equal their names, each name written once (not `KEY = 'KEY'`);
 * pair it with `export type X = EnumValue<typeof X>`. For enums GraphQL never sees.
 */
export function stringEnum<const K extends string>(keys: readonly K[]): { readonly [P in K]: P } {
  return Object.fromEntries(keys.map(key => [key, key])) as { [P in K]: P };
}
