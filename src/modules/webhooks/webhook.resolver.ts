import { Arg, Int, Resolver } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import { WebhookService } from './webhook.service';
import {
  CreateWebhookEndpointInput,
  ReplayWebhookDeliveriesInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from './webhook.types';
import { IdArg, InputArg, OwnerMutation, OwnerQuery } from '../../graphql/operations';

/** Outbound webhook endpoints and their delivery logs: each user manages their own. */
@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @OwnerMutation(
    () => WebhookEndpointWithSecret,
    'Registers a webhook endpoint; its signing secret is shown once.',
  )
  createWebhookEndpoint(
    @InputArg() input: CreateWebhookEndpointInput,
    ctx: RequestContext,
  ): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.createEndpoint(ctx, input);
  }

  @OwnerQuery(() => [WebhookEndpoint], 'Your webhook endpoints, oldest first.')
  webhookEndpoints(ctx: RequestContext): Promise<WebhookEndpoint[]> {
    return this.webhooks.listEndpoints(ctx);
  }

  @OwnerMutation(
    () => WebhookEndpoint,
    'Enables (clearing the failure count) or disables one of your endpoints.',
  )
  setWebhookEndpointEnabled(
    @IdArg() id: string,
    @Arg('enabled') enabled: boolean,
    ctx: RequestContext,
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
    ctx: RequestContext,
  ): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.rotateSecret(ctx, id, overlapSeconds);
  }

  @OwnerQuery(() => [WebhookDelivery], 'An endpoint’s delivery log, newest first.')
  webhookDeliveries(
    @IdArg('endpointId') endpointId: string,
    @Arg('limit', () => Int, { defaultValue: 100, description: '1 to 500.' }) limit: number,
    ctx: RequestContext,
  ): Promise<WebhookDelivery[]> {
    return this.webhooks.listDeliveries(ctx, endpointId, limit);
  }

  @OwnerMutation(
    () => Int,
    'Sends deliveries again, same body and event id: one, or those created in [from, to). Returns how many.',
  )
  replayWebhookDeliveries(
    @InputArg() input: ReplayWebhookDeliveriesInput,
    ctx: RequestContext,
  ): Promise<number> {
    return this.webhooks.replay(ctx, input);
  }
}
