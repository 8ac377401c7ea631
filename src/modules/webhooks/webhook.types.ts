import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';

/** Events an endpoint may subscribe to (README "Webhooks" documents each payload). */
export const WEBHOOK_EVENTS = [
  'task.completed',
  'project.completed',
  'project.budget_low',
  'worker.blocked',
  'worker.flagged',
  'assignment.submitted',
  'aggregation.finished',
  'payout.paid',
  'payout.failed',
] as const;

/** Events only admins may subscribe to (they concern workers' money, not a project). */
export const ADMIN_ONLY_WEBHOOK_EVENTS: readonly string[] = ['payout.paid', 'payout.failed'];

/** One of WEBHOOK_EVENTS. */
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** A registered receiver of webhook events. */
@ObjectType({ description: 'A URL that receives signed webhook events.' })
export class WebhookEndpoint {
  @Field(() => ID)
  id: string;

  @Field()
  url: string;

  @Field(() => [String], { description: 'Subscribed event types.' })
  events: string[];

  @Field(() => ID, { nullable: true, description: 'Only this project; null: all of yours.' })
  projectId: string | null;

  @Field({ description: 'False after repeated failures or by hand; nothing is sent then.' })
  enabled: boolean;

  @Field(() => String, { nullable: true, description: 'Why it was disabled automatically.' })
  disabledReason: string | null;

  @Field(() => Int, { description: 'Failed attempts in a row (reset by a success).' })
  consecutiveFailures: number;

  @Field(() => Date, {
    nullable: true,
    description: 'Until then deliveries are also signed with the previous secret.',
  })
  previousSecretExpiresAt: Date | null;

  @Field()
  createdAt: Date;
}

/** An endpoint with its signing secret, returned once on creation and rotation. */
@ObjectType()
export class WebhookEndpointWithSecret {
  @Field(() => WebhookEndpoint)
  endpoint: WebhookEndpoint;

  @Field({ description: 'The signing secret. Shown once: store it now.' })
  secret: string;
}

/** One event sent (or to be sent) to one endpoint: the delivery log. */
@ObjectType()
export class WebhookDelivery {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Stable across retries and replays: deduplicate on it.' })
  eventId: string;

  @Field()
  eventType: string;

  @Field({ description: 'PENDING, DELIVERED or DEAD (retries exhausted).' })
  status: string;

  @Field(() => Int)
  attempts: number;

  @Field()
  nextAttemptAt: Date;

  @Field(() => Date, { nullable: true })
  lastAttemptAt: Date | null;

  @Field(() => Int, { nullable: true, description: "The receiver's last HTTP status." })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true, description: 'Transport error of the last attempt.' })
  lastError: string | null;

  @Field(() => Date, { nullable: true })
  deliveredAt: Date | null;

  @Field()
  createdAt: Date;

  @Field({ description: 'The exact JSON body that is signed and sent.' })
  body: string;
}

/** A new endpoint. */
@InputType()
export class CreateWebhookEndpointInput {
  @Field({ description: 'https URL (http and private addresses only if the server allows).' })
  url: string;

  @Field(() => [String], { description: `Some of: ${WEBHOOK_EVENTS.join(', ')}.` })
  events: string[];

  @Field(() => ID, { nullable: true, description: 'Only events of this project of yours.' })
  projectId?: string | null;
}

/** Which deliveries to send again. */
@InputType()
export class ReplayWebhookDeliveriesInput {
  @Field(() => ID)
  endpointId: string;

  @Field(() => ID, { nullable: true, description: 'One delivery; or give from and to.' })
  deliveryId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Deliveries created at or after this.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Deliveries created before this.' })
  to?: Date | null;
}
