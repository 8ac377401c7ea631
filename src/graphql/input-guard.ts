import {
  type GraphQLInputType,
  type GraphQLResolveInfo,
  GraphQLID,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { AppError, BadUserInputError, ErrorCode } from '../common/errors';
import { isStorableText, isWellFormedText } from '../common/text';
import { isUuid } from '../common/uuid';

/**
 * Deepest nesting a JSON argument (payload, rule, featurizer) may have: arrays and objects
 * count one level each. Real payloads are a few levels deep; thousands of levels only exhaust
 * the stack of whatever walks them next (canonical JSON, JSON.stringify, jsonb).
 */
export const MAX_JSON_DEPTH = 32;

/** Argument names that are page sizes: a page holds at least one item. */
const PAGE_SIZE_ARGUMENTS = new Set(['first', 'limit']);

/**
 * One gate for every argument of every field, driven by the argument's GraphQL type, so no
 * resolver or input class has to remember it. It runs after the auth check and before
 * type-graphql's conversion and validation, and refuses what PostgreSQL or JSON could not hold
 * faithfully, so the refusal is a stable code and nothing is written:
 * - any string (String, ID, JSON strings and keys) with a NUL character or a lone surrogate;
 * - an ID that is not a UUID: NOT_FOUND, the same answer as an unknown id;
 * - a null inside a list;
 * - JSON nested deeper than MAX_JSON_DEPTH, or holding a number JSON cannot carry exactly
 *   (non-finite, or an integer beyond 2^53);
 * - a page size (`first`, `limit`) below 1.
 */
export const guardArguments: MiddlewareFn = ({ args, info }, next) => {
  checkFieldArguments(args, info);
  return next();
};

/**
 * The same gate for one field's arguments, for where no middleware runs: a subscription's
 * `subscribe` step (global middlewares wrap only its per-event `resolve`).
 */
export function checkFieldArguments(
  args: object,
  info: Pick<GraphQLResolveInfo, 'parentType' | 'fieldName'>,
): void {
  const definitions = info.parentType.getFields()[info.fieldName]?.args;
  if (definitions?.length) {
    for (const definition of definitions) {
      const value = (args as Record<string, unknown>)[definition.name];
      checkValue(value, definition.type, definition.name);
      if (PAGE_SIZE_ARGUMENTS.has(definition.name) && typeof value === 'number' && value < 1) {
        throw new BadUserInputError(`${definition.name} must be at least 1`, {
          field: definition.name,
        });
      }
    }
  }
}

function checkValue(value: unknown, type: GraphQLInputType, field: string): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkValue(value, type.ofType, field);
  if (isListType(type)) {
    if (!Array.isArray(value)) return checkValue(value, type.ofType, field);
    value.forEach((item, index) => {
      if (item === null || item === undefined) {
        throw new BadUserInputError(`${field} must not contain null`, {
          field: `${field}.${index}`,
        });
      }
      checkValue(item, type.ofType, `${field}.${index}`);
    });
    return;
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      const inner = fields[name];
      if (inner) checkValue(item, inner.type, `${field}.${name}`);
    }
    return;
  }
  if (!isScalarType(type)) return; // enums are closed sets graphql-js has already checked
  if (typeof value === 'string') {
    checkText(value, field);
    if (type === GraphQLID && !isUuid(value)) {
      throw new AppError(`No resource has the id given in ${field}`, ErrorCode.NOT_FOUND, {
        field,
      });
    }
    return;
  }
  checkJson(value, field);
}

/** Strings PostgreSQL stores faithfully: no NUL (refused by text and jsonb), no lone surrogate. */
function checkText(text: string, field: string): void {
  if (!isStorableText(text)) {
    throw new BadUserInputError(`${field} must not contain NUL characters`, { field });
  }
  if (!isWellFormedText(text)) {
    throw new BadUserInputError(`${field} must be well-formed Unicode (a lone surrogate)`, {
      field,
    });
  }
}

/**
 * Walks a JSON value (or any other scalar's parsed value) to MAX_JSON_DEPTH and no further, so
 * a hostile depth never reaches a recursive walker.
 */
function checkJson(value: unknown, field: string, depth = 0): void {
  if (typeof value === 'string') return checkText(value, field);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
      throw new BadUserInputError(
        `${field} holds a number JSON cannot carry exactly (at most ±2^53 − 1 for integers)`,
        { field },
      );
    }
    return;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return;
  if (depth >= MAX_JSON_DEPTH) {
    throw new BadUserInputError(`${field} is nested deeper than ${MAX_JSON_DEPTH} levels`, {
      field,
      limit: MAX_JSON_DEPTH,
    });
  }
  for (const [key, item] of Object.entries(value)) {
    checkText(key, field);
    checkJson(item, field, depth + 1);
  }
}
