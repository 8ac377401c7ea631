import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { Role } from '../auth/role';
import { WebhookService } from './webhook.service';
import {
  CreateWebhookEndpointInput,
  ReplayWebhookDeliveriesInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from './webhook.types';

/** Outbound webhook endpoints and their delivery logs: each user manages their own. */
@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Mutation(() => WebhookEndpointWithSecret, {
    description: 'Registers a webhook endpoint; its signing secret is shown once.',
  })
  createWebhookEndpoint(
    @Arg('input') input: CreateWebhookEndpointInput,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.createEndpoint(ctx, input);
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Query(() => [WebhookEndpoint], { description: 'Your webhook endpoints, oldest first.' })
  webhookEndpoints(@Ctx() ctx: RequestContext): Promise<WebhookEndpoint[]> {
    return this.webhooks.listEndpoints(ctx);
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Mutation(() => WebhookEndpoint, {
    description: 'Enables (clearing the failure count) or disables one of your endpoints.',
  })
  setWebhookEndpointEnabled(
    @Arg('id', () => ID) id: string,
    @Arg('enabled') enabled: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookEndpoint> {
    return this.webhooks.setEnabled(ctx, id, enabled);
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Mutation(() => WebhookEndpointWithSecret, {
    description:
      'A new signing secret (shown once); the old one also signs for overlapSeconds (at most 7 days).',
  })
  rotateWebhookSecret(
    @Arg('id', () => ID) id: string,
    @Arg('overlapSeconds', () => Int, { defaultValue: 86_400 }) overlapSeconds: number,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.rotateSecret(ctx, id, overlapSeconds);
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Query(() => [WebhookDelivery], { description: 'An endpoint’s delivery log, newest first.' })
  webhookDeliveries(
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('limit', () => Int, { defaultValue: 100, description: '1 to 500.' }) limit: number,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookDelivery[]> {
    return this.webhooks.listDeliveries(ctx, endpointId, limit);
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Mutation(() => Int, {
    description:
      'Sends deliveries again, same body and event id: one, or those created in [from, to). Returns how many.',
  })
  replayWebhookDeliveries(
    @Arg('input') input: ReplayWebhookDeliveriesInput,
    @Ctx() ctx: RequestContext,
  ): Promise<number> {
    return this.webhooks.replay(ctx, input);
  }
}
