import express, { type RequestHandler } from 'express';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';

/** Operations allowed a body beyond the general limit, up to the import limit. */
const BULK_OPERATIONS = new Set(['importTasks']);

/**
 * The `/graphql` body parser with two limits: `bodyLimitBytes` for every request, and the larger
 * `importBodyLimitBytes` for a request whose operation is only bulk mutations (`importTasks`:
 * its documented batch of 10,000 tweet-length tasks is about 1.2 MB). The body is read up to
 * the larger limit; a body over the general limit that is not such an operation is refused with
 * the same 413 PAYLOAD_TOO_LARGE as one over the larger limit.
 */
export function graphqlBodyParser(limits: {
  bodyLimitBytes: number;
  importBodyLimitBytes: number;
}): RequestHandler[] {
  const sizes = new WeakMap<object, number>();
  const parser = express.json({
    limit: Math.max(limits.bodyLimitBytes, limits.importBodyLimitBytes),
    verify: (req, _res, buffer) => void sizes.set(req, buffer.length),
  });
  const perOperation: RequestHandler = (req, _res, next) => {
    const size = sizes.get(req) ?? 0;
    if (size <= limits.bodyLimitBytes || isBulkOperation(req.body)) return next();
    next(
      Object.assign(new Error('request entity too large'), {
        type: 'entity.too.large',
        status: 413,
      }),
    );
  };
  return [parser, perOperation];
}

/** Whether the body's operation selects nothing but bulk mutations. */
function isBulkOperation(body: unknown): boolean {
  const { query, operationName } = (body ?? {}) as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return false;
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(query, { noLocation: true }).definitions.filter(
      (definition): definition is OperationDefinitionNode =>
        definition.kind === Kind.OPERATION_DEFINITION,
    );
  } catch {
    return false;
  }
  const operation =
    typeof operationName === 'string'
      ? operations.find(candidate => candidate.name?.value === operationName)
      : operations.length === 1
        ? operations[0]
        : undefined;
  return (
    operation?.operation === 'mutation' &&
    operation.selectionSet.selections.every(
      selection => selection.kind === Kind.FIELD && BULK_OPERATIONS.has(selection.name.value),
    )
  );
}
