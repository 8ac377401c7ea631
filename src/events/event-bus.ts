import type { RequestContext } from '../common/request-context';
import type { Logger } from '../common/logger';

/** A domain event: a past-tense fact (`AssignmentApprovedEvent`), published by a service. */
export abstract class DomainEvent {
  abstract readonly type: string;
}

type Handler<E extends DomainEvent> = (ctx: RequestContext, event: E) => Promise<void> | void;
type EventClass<E extends DomainEvent> = abstract new (...args: never[]) => E;

/**
 * Typed publish/subscribe. When `ctx` is in a transaction, delivery waits for COMMIT
 * (`ctx.afterCommit`), so subscribers only ever see committed data and a rolled-back mutation
 * publishes nothing (Vendure's guarantee). Subscribers run one after another, each in its own
 * context without the (finished) transaction; their failures are logged, never thrown back at
 * the publisher, whose work is already committed. Heavy work belongs in a job.
 */
export class EventBus {
  private readonly handlers = new Map<EventClass<DomainEvent>, Handler<DomainEvent>[]>();
  private readonly observers = new Map<EventClass<DomainEvent>, Handler<DomainEvent>[]>();

  constructor(private readonly logger: Logger) {}

  subscribe<E extends DomainEvent>(type: EventClass<E>, handler: Handler<E>): () => void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as Handler<DomainEvent>);
    this.handlers.set(type, list);
    return () => list.splice(list.indexOf(handler as Handler<DomainEvent>), 1);
  }

  /**
   * Runs `handler` inside the publisher's transaction, before COMMIT: its writes commit or roll
   * back with the change, and a failure rolls the change back. For the webhook outbox only;
   * everything else subscribes.
   */
  observeInTransaction<E extends DomainEvent>(type: EventClass<E>, handler: Handler<E>): void {
    const list = this.observers.get(type) ?? [];
    list.push(handler as Handler<DomainEvent>);
    this.observers.set(type, list);
  }

  async publish(ctx: RequestContext, event: DomainEvent): Promise<void> {
    const observers = this.observers.get(event.constructor as EventClass<DomainEvent>) ?? [];
    for (const observer of observers) await observer(ctx, event);
    await ctx.afterCommit(() => this.deliver(ctx, event));
  }

  private async deliver(ctx: RequestContext, event: DomainEvent): Promise<void> {
    const handlers = this.handlers.get(event.constructor as EventClass<DomainEvent>) ?? [];
    const outside = ctx.withUser(ctx.user);
    for (const handler of handlers) {
      try {
        await handler(outside, event);
      } catch (error) {
        this.logger.error({ err: error, event: event.type }, 'event handler failed');
      }
    }
  }
}
