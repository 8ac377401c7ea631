import type { GraphQLError } from 'graphql';

/** The `extensions` of the error `promise` rejects with; fails when it does not reject. */
export async function extensionsOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return (error as GraphQLError).extensions ?? { message: String(error) };
  }
  throw new Error('expected the call to fail');
}
