import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { AppConfig } from '../config/app-config';
import { ErrorCode } from '../common/errors';

/**
 * Depth, alias and cost limits (GraphQL Armor's rules), reported with our own code so clients
 * can tell "your query is too big" from other validation failures.
 */
export function queryLimitRules(config: AppConfig['graphql']): ValidationRule[] {
  const onReject = [
    (ctx: ValidationContext | null, error: GraphQLError) =>
      ctx?.reportError(
        new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
          extensions: { code: ErrorCode.QUERY_TOO_COMPLEX },
        }),
      ),
  ];
  const common = { onReject, propagateOnRejection: false };
  return [
    maxDepthRule({ n: config.maxDepth, ...common }),
    maxAliasesRule({ n: config.maxAliases, ...common }),
    costLimitRule({ maxCost: config.maxCost, ...common }),
  ] as ValidationRule[];
}
