import { Arg, Ctx, Int, Resolver } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { WebhookService } from './webhook.service';
import {
  CreateWebhookEndpointInput,
  ReplayWebhookDeliveriesInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from './webhook.types';
import { IdArg, OwnerMutation, OwnerQuery } from '../../graphql/operations';

/** Outbound webhook endpoints and their delivery logs: each user manages their own. */
@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @OwnerMutation(
    () => WebhookEndpointWithSecret,
    'Registers a webhook endpoint; its signing secret is shown once.',
  )
  createWebhookEndpoint(
    @Arg('input') input: CreateWebhookEndpointInput,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.createEndpoint(ctx, input);
  }

  @OwnerQuery(() => [WebhookEndpoint], 'Your webhook endpoints, oldest first.')
  webhookEndpoints(@Ctx() ctx: RequestContext): Promise<WebhookEndpoint[]> {
    return this.webhooks.listEndpoints(ctx);
  }

  @OwnerMutation(
    () => WebhookEndpoint,
    'Enables (clearing the failure count) or disables one of your endpoints.',
  )
  setWebhookEndpointEnabled(
    @IdArg() id: string,
    @Arg('enabled') enabled: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookEndpoint> {
    return this.webhooks.setEnabled(ctx, id, enabled);
  }

  @OwnerMutation(
    () => WebhookEndpointWithSecret,
    'A new signing secret (shown once); the old one also signs for overlapSeconds (at most 7 days).',
  )
  rotateWebhookSecret(
    @IdArg() id: string,
    @Arg('overlapSeconds', () => Int, { defaultValue: 86_400 }) overlapSeconds: number,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.rotateSecret(ctx, id, overlapSeconds);
  }

  @OwnerQuery(() => [WebhookDelivery], 'An endpoint’s delivery log, newest first.')
  webhookDeliveries(
    @IdArg('endpointId') endpointId: string,
    @Arg('limit', () => Int, { defaultValue: 100, description: '1 to 500.' }) limit: number,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookDelivery[]> {
    return this.webhooks.listDeliveries(ctx, endpointId, limit);
  }

  @OwnerMutation(
    () => Int,
    'Sends deliveries again, same body and event id: one, or those created in [from, to). Returns how many.',
  )
  replayWebhookDeliveries(
    @Arg('input') input: ReplayWebhookDeliveriesInput,
    @Ctx() ctx: RequestContext,
  ): Promise<number> {
    return this.webhooks.replay(ctx, input);
  }
}
