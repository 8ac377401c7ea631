import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, type ContainerType, type NonEmptyArray, type PubSub } from 'type-graphql';
import { AuthResolver } from '../modules/auth/auth.resolver';
import { AdminUsersResolver } from '../modules/auth/admin-users.resolver';
import { ProjectResolver } from '../modules/projects/project.resolver';
import { ProjectTasksResolver, TaskResolver } from '../modules/marketplace/task.resolver';
import { AssignmentResolver } from '../modules/marketplace/assignment.resolver';
import { WorkerTaskResolver } from '../modules/marketplace/worker-task.resolver';
import { GoldExposureResolver } from '../modules/marketplace/gold-exposure.resolver';
import { ProjectProgressResolver } from '../modules/marketplace/project-progress.resolver';
import { WorkerBlockResolver } from '../modules/workers/worker-block.resolver';
import { WorkerCatalogueResolver } from '../modules/workers/worker-catalogue.resolver';
import {
  AggregationResolver,
  ProjectAggregationResolver,
} from '../modules/aggregation/aggregation.resolver';
import { PaymentsResolver } from '../modules/payments/payments.resolver';
import { PrelabelResolver } from '../modules/prelabel/prelabel.resolver';
import { QualityResolver } from '../modules/quality/quality.resolver';
import { AuditResolver } from '../modules/quality/audit.resolver';
import { QualificationResolver } from '../modules/workers/qualification.resolver';
import { WebhookResolver } from '../modules/webhooks/webhook.resolver';
import { ReviewResolver } from '../modules/review/review.resolver';
import { MoneyPreviewResolver } from '../modules/payments/money-preview.resolver';
import { LiveResolver } from '../modules/live/live.resolver';
import { authChecker } from './auth-checker';
import { guardArguments } from './input-guard';

/** Every resolver class of the API. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [
  AuthResolver,
  AdminUsersResolver,
  ProjectResolver,
  TaskResolver,
  ProjectTasksResolver,
  AssignmentResolver,
  WorkerTaskResolver,
  GoldExposureResolver,
  ProjectProgressResolver,
  WorkerBlockResolver,
  WorkerCatalogueResolver,
  AggregationResolver,
  ProjectAggregationResolver,
  PaymentsResolver,
  PrelabelResolver,
  QualityResolver,
  AuditResolver,
  QualificationResolver,
  WebhookResolver,
  ReviewResolver,
  MoneyPreviewResolver,
  LiveResolver,
];

/** For a schema built without an app (SDL emission, tests): its subscriptions never deliver. */
const NO_LIVE_UPDATES: PubSub = {
  publish: () => undefined,
  subscribe: () => {
    throw new Error('This schema was built without live updates');
  },
};

/**
 * Builds the executable schema once per app. `validate` runs class-validator on every input,
 * and type-graphql reports its failures as BAD_USER_INPUT; `guardArguments` first refuses what
 * PostgreSQL or JSON could not hold (NUL, lone surrogates, deep JSON, malformed ids).
 * `pubSub` is where subscriptions get their events (the app's `LiveUpdates`).
 */
export function buildAppSchema(
  container?: ContainerType,
  pubSub: PubSub = NO_LIVE_UPDATES,
): Promise<GraphQLSchema> {
  return buildSchema({
    pubSub,
    resolvers: RESOLVERS,
    authChecker,
    container,
    globalMiddlewares: [guardArguments],
    validate: { forbidUnknownValues: false },
  });
}

/** The SDL committed in `schema/schema.graphql`: sorted, so it only changes when the API does. */
export function printAppSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
