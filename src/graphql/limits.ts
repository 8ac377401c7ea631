import type { ApolloServerPlugin } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import type { AppConfig } from '../config/app-config';
import { ErrorCode } from '../common/errors';
import { isPricedList, listSize, SIZE_ARGUMENTS } from './list-sizes';

/**
 * A root field's page is priced as at most this many rows. Every page that nests (a Project's
 * tasks, results…) is capped at 100 or 200 by its resolver, so it is priced exactly as written;
 * only the root export pages (`resultsPage`, `projectAssignments`: up to 5,000 flat rows, bounded
 * by their resolvers and, in number, by the alias limit) reach past it. Without the cap a 5,000-row
 * page of a dozen scalars (~231,000) would cost more than a page of pages (~214,000), and no single
 * maxCost could let the one through and stop the other.
 */
export const ROOT_PAGE_PRICED_ROWS = 200;

const PAGE_ARGUMENTS = new Set(['first', 'last']);

type GraphqlLimits = AppConfig['graphql'];

function onReject(ctx: ValidationContext | null, error: GraphQLError) {
  ctx?.reportError(
    new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
      extensions: { code: ErrorCode.QUERY_TOO_COMPLEX },
    }),
  );
}

/**
 * Depth and alias limits (GraphQL Armor's rules), run as validation rules and reported with our
 * own code so clients can tell "your query is too big" from other validation failures. The cost
 * limit needs the request's variable values, which validation does not have: see
 * {@link createQueryCostCheck}.
 */
export function queryLimitRules(config: GraphqlLimits): ValidationRule[] {
  const common = { onReject: [onReject], propagateOnRejection: false };
  return [
    maxDepthRule({ n: config.maxDepth, ...common }),
    maxAliasesRule({ n: config.maxAliases, ...common }),
  ] as ValidationRule[];
}

export interface CostCheckRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Readonly<Record<string, unknown>> | null;
}

/**
 * The cost limit, priced with the request's variable values: `projects(first: $n)` costs what
 * `projects(first: 100)` costs when n = 100 (a variable's default counts when it is not sent).
 * Returns the QUERY_TOO_COMPLEX error to send, or undefined. One function for every transport:
 * the HTTP plugin below, and a subscription server's onSubscribe after it validated the document.
 * Variables that do not coerce are left to execution, which reports them as BAD_USER_INPUT.
 */
export function createQueryCostCheck(config: GraphqlLimits) {
  const rule = costLimitRule({
    maxCost: config.maxCost,
    onReject: [onReject],
    propagateOnRejection: false,
  }) as ValidationRule;
  return (request: CostCheckRequest): GraphQLError | undefined => {
    const operation = getOperationAST(request.document, request.operationName);
    if (!operation) return undefined;
    const priced = pricingDocument(request, operation);
    return priced ? validate(request.schema, priced, [rule])[0] : undefined;
  };
}

/**
 * The operation (and every fragment) with each integer variable replaced by its coerced value
 * as a literal, every list field given its effective size as a `first` literal (list-sizes.ts:
 * GraphQL Armor's rule reads only `first`/`last`, so a `limit`, an omitted default or an
 * argument-less list would otherwise cost one row), and root page sizes capped at
 * {@link ROOT_PAGE_PRICED_ROWS}: the document GraphQL Armor's cost rule prices. Undefined when
 * the variables do not coerce.
 */
function pricingDocument(
  { schema, document, variableValues }: CostCheckRequest,
  operation: OperationDefinitionNode,
): DocumentNode | undefined {
  const definitions = operation.variableDefinitions ?? [];
  const coerced = getVariableValues(schema, definitions, { ...variableValues });
  if (coerced.errors) return undefined;
  // Only integers size a page (GraphQL Armor reads `first`/`last` as Int literals): other
  // variables stay variables, so no value of a custom scalar (JSON) needs a literal form.
  const literals = new Map<string, ValueNode>();
  for (const [name, value] of Object.entries(coerced.coerced)) {
    if (Number.isInteger(value)) literals.set(name, { kind: Kind.INT, value: String(value) });
  }
  const inlined = visit(
    {
      ...document,
      definitions: document.definitions.filter(
        definition => definition === operation || definition.kind === Kind.FRAGMENT_DEFINITION,
      ),
    },
    {
      // Undefined (left as is) for a variable that was neither sent nor defaulted.
      Variable: node => literals.get(node.name.value),
      VariableDefinition: () => null,
      // `__typename` is free (no resolver, no row): clients such as the web app's urql add it to
      // every selection, and priced as a field it pushed the admin's trial balance page over.
      Field: node => (node.name.value === '__typename' ? null : undefined),
    },
  );
  const sized = withListSizes(schema, inlined);
  return visit(sized, {
    OperationDefinition: node => ({
      ...node,
      selectionSet: { ...node.selectionSet, selections: node.selectionSet.selections.map(capRoot) },
    }),
  });
}

const SIZE_ARGUMENT_NAMES = new Set<string>(SIZE_ARGUMENTS);

/** Every list field of `document` with its effective size as its only size argument, `first`. */
function withListSizes(schema: GraphQLSchema, document: DocumentNode): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: node => {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (!field || !parent) return undefined;
        // A size argument on a field that returns one object (`reviewQueue(first:)` sizes the
        // queue's `items`) is no multiplier of that object: GraphQL Armor would multiply the
        // whole object by it, and its inner list by its own size again. The inner list is
        // priced by its own declared size.
        if (!isPricedList(field)) return withoutSizeArguments(node);
        const written = node.arguments?.find(
          argument =>
            SIZE_ARGUMENT_NAMES.has(argument.name.value) && argument.value.kind === Kind.INT,
        );
        const size = listSize(
          parent,
          field,
          written?.value.kind === Kind.INT ? Number(written.value.value) : undefined,
        );
        if (size === undefined) return undefined;
        const first: ArgumentNode = {
          kind: Kind.ARGUMENT,
          name: { kind: Kind.NAME, value: 'first' },
          value: { kind: Kind.INT, value: String(size) },
        };
        return {
          ...node,
          arguments: [
            ...(node.arguments ?? []).filter(arg => !SIZE_ARGUMENT_NAMES.has(arg.name.value)),
            first,
          ],
        };
      },
    }),
  );
}

/** `node` without first/last/limit, or undefined (unchanged) when it has none. */
function withoutSizeArguments(node: FieldNode): FieldNode | undefined {
  const kept = node.arguments?.filter(arg => !SIZE_ARGUMENT_NAMES.has(arg.name.value));
  return kept && kept.length !== node.arguments?.length ? { ...node, arguments: kept } : undefined;
}

/** A root field with its page size priced as at most ROOT_PAGE_PRICED_ROWS. */
function capRoot(selection: SelectionNode): SelectionNode {
  if (selection.kind === Kind.INLINE_FRAGMENT) {
    return {
      ...selection,
      selectionSet: {
        ...selection.selectionSet,
        selections: selection.selectionSet.selections.map(capRoot),
      },
    };
  }
  // A fragment spread at the root keeps its written page size: priced in full, never less.
  if (selection.kind !== Kind.FIELD) return selection;
  const field: FieldNode = selection;
  return {
    ...field,
    arguments: field.arguments?.map(argument =>
      PAGE_ARGUMENTS.has(argument.name.value) &&
      argument.value.kind === Kind.INT &&
      Number(argument.value.value) > ROOT_PAGE_PRICED_ROWS
        ? { ...argument, value: { kind: Kind.INT, value: String(ROOT_PAGE_PRICED_ROWS) } }
        : argument,
    ),
  };
}

/** Apollo plugin: the cost check on every HTTP operation, once its variables are known. */
export function queryCostPlugin<T extends object>(config: GraphqlLimits): ApolloServerPlugin<T> {
  const check = createQueryCostCheck(config);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const error = check({
            schema,
            document,
            operationName,
            variableValues: request.variables,
          });
          // HTTP 400, as the depth and alias refusals (validation errors) get.
          if (error) {
            throw new GraphQLError(error.message, {
              extensions: { ...error.extensions, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
