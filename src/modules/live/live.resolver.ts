import { Arg, Authorized, ID, Resolver, Root, Subscription } from 'type-graphql';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../../common/request-context';
import { checkFieldArguments } from '../../graphql/input-guard';
import { Role } from '../auth/role';
import { LEASE_WARNINGS_TOPIC, type LiveSubscriber, NEW_WORK_TOPIC } from './live-updates.service';
import { LeaseWarning, NewWorkEvent } from './live.types';

/**
 * The worker app's live updates. Subscriptions are served over WebSocket only (graphql-ws at
 * `/graphql`); the subscriber's context reaches `LiveUpdates.subscribe` as the topic id.
 */
@Resolver()
export class LiveResolver {
  @Authorized(Role.WORKER)
  @Subscription(() => NewWorkEvent, {
    topics: NEW_WORK_TOPIC,
    topicId: ({ context, args, info }): LiveSubscriber => {
      checkFieldArguments(args, info);
      return {
        ctx: context as RequestContext,
        projectIds: (args as { projectIds?: string[] | null }).projectIds,
      };
    },
    description:
      'New work in projects open to you (the catalogue’s projects, or only `projectIds`): per project, never per task. WebSocket only (graphql-ws).',
  })
  newWork(
    @Root() event: NewWorkEvent | undefined,
    @Arg('projectIds', () => [ID], { nullable: true }) _projectIds?: string[],
  ): NewWorkEvent {
    return delivered(event);
  }

  @Authorized(Role.WORKER)
  @Subscription(() => LeaseWarning, {
    topics: LEASE_WARNINGS_TOPIC,
    topicId: ({ context }): LiveSubscriber => ({ ctx: context as RequestContext }),
    description:
      'Warnings about your own leases: before one runs out, and when it has. WebSocket only (graphql-ws).',
  })
  leaseWarnings(@Root() event: LeaseWarning | undefined): LeaseWarning {
    return delivered(event);
  }
}

/** An event, or a subscription sent as a plain HTTP request (which has none to deliver). */
function delivered<T>(event: T | undefined): T {
  if (event === undefined) {
    throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) at /graphql', {
      extensions: { code: 'BAD_REQUEST' },
    });
  }
  return event;
}
