import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
} from 'graphql';

/**
 * How many rows the cost limit prices each list field at (limits.ts): every field whose type is
 * a list of objects, or a connection (a type with `pageInfo`), gets its effective size from, in
 * order, its size argument as written or sent as a variable, that argument's default, or the
 * declared size below. A list whose size no argument gives must be declared here: the unit test
 * `list-sizes.spec.ts` walks the schema and fails on one that is not, so a new list field cannot
 * be priced as a single row by omission (issue #11 priced `first` only; `limit`, omitted
 * arguments and argument-less lists went through at one row).
 */

/** The arguments that size a page, in the order they are read. */
export const SIZE_ARGUMENTS = ['first', 'last', 'limit'] as const;

/**
 * Declared sizes, `Type.field` → rows: the bound the resolver or the data enforces where there is
 * one (named next to it), else the size it is priced as.
 */
export const DECLARED_LIST_SIZES: Readonly<Record<string, number>> = {
  // One entry per label key, read with the row (a JSON or array column: no query per element),
  // so only serialising them costs; priced as a typical schema's keys, not the 200 a schema may
  // hold (PROJECT_LIMITS.maxLabels), or the CLI's results export page (200 priced rows, each
  // with its posterior) could not pass.
  'LabelSchema.labels': 5,
  'ConfusionRow.answered': 5,
  'ReviewTask.posterior': 5,
  'TaskResult.posterior': 5,
  'WorkerQuality.confusion': 5,
  'WorkerQuality.keyConfusions': 5,
  // A task's assignments: its answers (maxOverlap, 10 or fewer in practice, at most
  // PROJECT_LIMITS.maxOverlap) plus the expired and returned leases, read for a whole page in
  // one batched query; priced as a typical task's 10, like the in-row lists above, so a
  // requester's page of 100 tasks with their assignments passes (at 100 it cost 124,000).
  'Task.assignments': 10,
  'ReviewTask.answers': 100,
  // Bulk mutations take at most 500 ids (BATCH_TOO_LARGE beyond).
  'Mutation.approveAssignments': 500,
  'Mutation.rejectAssignments': 500,
  'Mutation.retireGoldTasks': 500,
  // GOLD_EXPOSURE_LIMIT tasks per report.
  'GoldExposureReport.tasks': 1000,
  // MAX_RULES_PER_PROJECT.
  'Query.qualityRules': 20,
  'ProjectQualityAudit.rules': 20,
  // A dry run lists at most this many firings and workers (priced as).
  'DryRunResult.firings': 500,
  'DryRunResult.workers': 500,
  // MAX_LISTED_BLOCKS, MAX_AUDIT_ENTRIES.
  'Query.workerBlocks': 500,
  'MyQuality.blocks': 500,
  'WorkerQualityAudit.blocks': 500,
  'WorkerQualityAudit.events': 500,
  // `limit` without a default: MAX_AUDIT_ENTRIES when omitted.
  'Query.qualityAuditLog': 500,
  // MAX_QUEUE_PAGE.
  'ReviewQueue.items': 200,
  // CATALOGUE_LIMIT.
  'Query.workerCatalogue': 100,
  // MAX_ENDPOINTS_PER_USER.
  'Query.webhookEndpoints': 20,
  // One row per currency or account kind the caller holds (priced as).
  'Query.myBalances': 20,
  'Query.myEarnings': 20,
  'TrialBalance.currencies': 20,
  'TrialBalanceCurrency.lines': 50,
  // Per user or project, small by nature (priced as).
  'Query.apiKeys': 100,
  'Query.modelVersions': 100,
  'Query.projectReviewers': 100,
  'Query.reviewableProjects': 100,
  'Query.aggregationMethods': 20,
  'ResultsExport.files': 10,
  // One payout run, one reconciliation report (priced as).
  'PayoutRun.payouts': 500,
  'PayoutRun.skipped': 500,
  'ReconciliationReportType.differences': 500,
};

/** Whether the cost limit treats `field` as a list (of objects, or a connection). */
export function isPricedList(field: GraphQLField<unknown, unknown>): boolean {
  const named = getNamedType(field.type);
  if (!isCompositeType(named)) return false;
  return isListType(getNullableType(field.type)) || isConnection(named);
}

/** A Relay connection type: its `edges` and `nodes` are the page its field's argument sizes. */
export function isConnection(type: GraphQLNamedType | null | undefined): boolean {
  return isObjectType(type) && 'pageInfo' in type.getFields();
}

/**
 * The rows `parent.field` is priced at, given the integer literal of its size argument in the
 * query (undefined when absent); undefined = no size known (the schema test forbids it).
 */
export function listSize(
  parent: GraphQLNamedType,
  field: GraphQLField<unknown, unknown>,
  written: number | undefined,
): number | undefined {
  // The page of a connection is priced at the connection's own field.
  if (isConnection(parent) && (field.name === 'edges' || field.name === 'nodes')) return 1;
  if (written !== undefined) return written;
  for (const name of SIZE_ARGUMENTS) {
    const argument = field.args.find(arg => arg.name === name);
    if (argument && Number.isInteger(argument.defaultValue)) return argument.defaultValue as number;
  }
  return DECLARED_LIST_SIZES[`${parent.name}.${field.name}`];
}
