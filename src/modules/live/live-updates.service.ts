import type { PubSub } from 'type-graphql';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import type { RequestContext } from '../../common/request-context';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { queryRows } from '../../db/query-rows';
import type { EventBus } from '../../events/event-bus';
import {
  AssignmentExpiredEvent,
  AssignmentLeasedEvent,
  AssignmentReturnedEvent,
  AssignmentSubmittedEvent,
} from '../marketplace/assignment.events';
import { TasksImportedEvent } from '../marketplace/task.events';
import { ProjectStatusChangedEvent } from '../projects/project.events';
import { ProjectStatus } from '../projects/project.types';
import type { WorkerCatalogueService } from '../workers/worker-catalogue.service';
import type { LiveChannel, LiveMessage } from './live-channel';
import { LiveQueue } from './live-queue';
import { LeaseWarning, NewWorkEvent } from './live.types';

/** The topics of the schema's subscriptions (type-graphql asks `subscribe` for them). */
export const NEW_WORK_TOPIC = 'NEW_WORK';
export const LEASE_WARNINGS_TOPIC = 'LEASE_WARNINGS';

/** What a subscription hands `subscribe`: its caller's context and its arguments. */
export interface LiveSubscriber {
  readonly ctx: RequestContext;
  readonly projectIds?: readonly string[] | null;
}

/** Warn this long before a lease ends, or a quarter of a shorter lease (as the task screen). */
export const LEASE_WARNING_MS = 60_000;

/** The longest a timer is armed for; later deadlines are re-armed when it fires. */
const MAX_TIMER_MS = 60 * 60 * 1000;

interface WatchedLease {
  readonly assignmentId: string;
  readonly projectId: string;
  readonly expiresAt: number;
  readonly warnAt: number;
  warned: boolean;
}

interface LeaseWatcher {
  readonly workerId: string;
  readonly queue: LiveQueue<LeaseWarning>;
  readonly leases: Map<string, WatchedLease>;
}

/**
 * Live updates for the worker app (GraphQL subscriptions over graphql-ws, `src/http/live-socket.ts`):
 * - `newWork`: a project open to the worker got work: ordinary tasks imported, it was launched
 *   or resumed, or a lease in it was returned or expired (its slot is free again). Told per
 *   project, never per task; an import of gold alone tells nothing, and a freed gold lease tells
 *   exactly what a freed ordinary one does, so the event never reveals gold. "Open to the worker" is the catalogue's rule, checked at each
 *   event (a block or a qualification failure stops the events).
 * - `leaseWarnings`: the worker's own leases only: one warning when a minute (or a quarter of a
 *   shorter lease) is left and one when it has expired.
 *
 * Domain events become messages on PostgreSQL's LISTEN/NOTIFY channel (`LiveChannel`), so with
 * several API processes the one holding a worker's socket hears what another process did. Each
 * process keeps only its own subscribers; lease deadlines are timed here, against the app clock.
 */
export class LiveUpdates implements PubSub {
  private readonly newWorkQueues = new Set<{
    readonly subscriber: LiveSubscriber;
    readonly queue: LiveQueue<NewWorkEvent>;
  }>();
  private readonly watchers = new Set<LeaseWatcher>();
  private timer: NodeJS.Timeout | null = null;
  private listening = false;
  private readonly countWaiters = new Set<() => void>();

  constructor(
    private readonly db: TransactionalConnection,
    private readonly channel: LiveChannel,
    private readonly catalogue: WorkerCatalogueService,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Turns committed domain events into channel messages. */
  forwardEvents(events: EventBus): void {
    // Each handler only queues its message: nothing here delays the request that caused it.
    const send = (message: LiveMessage) => this.channel.notify(message);
    events.subscribe(TasksImportedEvent, (_ctx, event) => {
      if (event.createdTaskIds.length > event.goldCreated) {
        return send({ t: 'work', projectId: event.projectId, at: this.clock.now().getTime() });
      }
    });
    events.subscribe(ProjectStatusChangedEvent, (_ctx, event) => {
      if (event.to === ProjectStatus.ACTIVE) {
        return send({ t: 'work', projectId: event.projectId, at: event.at.getTime() });
      }
    });
    events.subscribe(AssignmentLeasedEvent, (_ctx, event) =>
      send({
        t: 'lease',
        workerId: event.ref.workerId,
        assignmentId: event.ref.assignmentId,
        projectId: event.ref.projectId,
        leasedAt: this.clock.now().getTime(),
        expiresAt: event.expiresAt.getTime(),
      }),
    );
    // A lease that ends unanswered frees its slot: new work as much as an import is. The message
    // names the project and the time only, so a returned or expired gold lease sends exactly
    // what an ordinary one does (the event never says which it was).
    const freed = (_ctx: RequestContext, event: { ref: { projectId: string } }) =>
      send({ t: 'work', projectId: event.ref.projectId, at: this.clock.now().getTime() });
    events.subscribe(AssignmentReturnedEvent, freed);
    events.subscribe(AssignmentExpiredEvent, freed);
    const ended =
      (expired: boolean) =>
      (_ctx: RequestContext, event: { ref: { workerId: string; assignmentId: string } }) =>
        send({
          t: 'lease-end',
          workerId: event.ref.workerId,
          assignmentId: event.ref.assignmentId,
          expired,
        });
    events.subscribe(AssignmentSubmittedEvent, ended(false));
    events.subscribe(AssignmentReturnedEvent, ended(false));
    events.subscribe(AssignmentExpiredEvent, ended(true));
  }

  /** Starts hearing the channel (once per process). */
  async start(): Promise<void> {
    if (this.listening) return;
    this.listening = true;
    await this.channel.listen(message => this.receive(message));
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const entry of this.newWorkQueues) void entry.queue.return();
    for (const watcher of this.watchers) void watcher.queue.return();
    await this.channel.close();
  }

  /** type-graphql's PubSub: events come from the channel only, never from a resolver. */
  publish(): void {
    throw new Error('LiveUpdates publishes from domain events only');
  }

  subscribe(topic: string, subscriber: unknown): AsyncIterable<unknown> {
    const { ctx, projectIds } = subscriber as LiveSubscriber;
    if (topic === NEW_WORK_TOPIC) return this.newWork({ ctx, projectIds });
    if (topic === LEASE_WARNINGS_TOPIC) return this.leaseWarnings(ctx);
    throw new Error(`Unknown live topic ${topic}`);
  }

  /** Subscriptions this process serves now. */
  get subscriberCount(): number {
    return this.newWorkQueues.size + this.watchers.size;
  }

  /**
   * Resolves once the number of subscriptions this process serves passes `test`: graphql-ws does
   * not tell a client when its subscription is in place (or gone), so tests and the benchmark
   * wait here before causing the event they expect.
   */
  whenSubscribers(test: (count: number) => boolean): Promise<void> {
    return new Promise(resolve => {
      const check = () => {
        if (!test(this.subscriberCount)) return;
        this.countWaiters.delete(check);
        resolve();
      };
      this.countWaiters.add(check);
      check();
    });
  }

  private countChanged(): void {
    for (const check of [...this.countWaiters]) check();
  }

  /** New work in projects open to the caller (narrowed to `projectIds` when given). */
  newWork(subscriber: LiveSubscriber): AsyncIterableIterator<NewWorkEvent> {
    const entry = {
      subscriber,
      queue: new LiveQueue<NewWorkEvent>(() => {
        this.newWorkQueues.delete(entry);
        this.countChanged();
      }),
    };
    this.newWorkQueues.add(entry);
    this.countChanged();
    return entry.queue;
  }

  /** Warnings about the caller's own leases, from the ones held now and every new one. */
  leaseWarnings(ctx: RequestContext): AsyncIterableIterator<LeaseWarning> {
    const watcher: LeaseWatcher = {
      workerId: ctx.requireUserId(),
      queue: new LiveQueue<LeaseWarning>(() => {
        this.watchers.delete(watcher);
        this.countChanged();
      }),
      leases: new Map(),
    };
    this.watchers.add(watcher);
    this.countChanged();
    void this.loadHeldLeases(ctx, watcher).catch(error =>
      this.logger.error({ err: error }, 'could not load the leases a worker holds'),
    );
    return watcher.queue;
  }

  /**
   * Sends every warning that is due by the app clock and arms a timer for the next one. Runs on
   * its own from that timer; tests that move a manual clock call it after moving it.
   */
  checkLeases(): void {
    const now = this.clock.now().getTime();
    let next = Infinity;
    for (const watcher of this.watchers) {
      for (const lease of watcher.leases.values()) {
        if (now >= lease.expiresAt) {
          watcher.leases.delete(lease.assignmentId);
          watcher.queue.push(warning(lease, now, true));
          continue;
        }
        if (!lease.warned && now >= lease.warnAt) {
          lease.warned = true;
          watcher.queue.push(warning(lease, now, false));
        }
        next = Math.min(next, lease.warned ? lease.expiresAt : lease.warnAt);
      }
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (next !== Infinity) {
      this.timer = setTimeout(() => this.checkLeases(), Math.min(next - now, MAX_TIMER_MS));
      this.timer.unref();
    }
  }

  private receive(message: LiveMessage): void {
    if (message.t === 'work') {
      for (const entry of this.newWorkQueues) void this.offerWork(entry, message);
      return;
    }
    for (const watcher of this.watchers) {
      if (watcher.workerId !== message.workerId) continue;
      if (message.t === 'lease') {
        watcher.leases.set(message.assignmentId, watched(message));
      } else {
        const lease = watcher.leases.get(message.assignmentId);
        watcher.leases.delete(message.assignmentId);
        // Expired by the sweep before this process's timer said so: say it now.
        if (lease && message.expired) {
          watcher.queue.push(warning(lease, this.clock.now().getTime(), true));
        }
      }
    }
    this.checkLeases();
  }

  private async offerWork(
    entry: { subscriber: LiveSubscriber; queue: LiveQueue<NewWorkEvent> },
    message: Extract<LiveMessage, { t: 'work' }>,
  ): Promise<void> {
    const { ctx, projectIds } = entry.subscriber;
    if (projectIds && !projectIds.includes(message.projectId)) return;
    try {
      const open = await this.catalogue.catalogue(ctx);
      if (!open.some(project => project.projectId === message.projectId)) return;
      entry.queue.push(
        Object.assign(new NewWorkEvent(), {
          projectId: message.projectId,
          at: new Date(message.at),
        }),
      );
    } catch (error) {
      this.logger.error({ err: error }, 'new-work event not delivered');
    }
  }

  private async loadHeldLeases(ctx: RequestContext, watcher: LeaseWatcher): Promise<void> {
    const rows = await queryRows<{
      id: string;
      project_id: string;
      leased_at: Date;
      expires_at: Date;
    }>(
      this.db.manager(ctx),
      `SELECT id, project_id, leased_at, expires_at FROM assignments
        WHERE worker_id = $1 AND status = 'LEASED'`,
      [watcher.workerId],
    );
    for (const row of rows) {
      if (watcher.leases.has(row.id)) continue;
      watcher.leases.set(
        row.id,
        watched({
          assignmentId: row.id,
          projectId: row.project_id,
          leasedAt: new Date(row.leased_at).getTime(),
          expiresAt: new Date(row.expires_at).getTime(),
        }),
      );
    }
    this.checkLeases();
  }
}

function watched(lease: {
  assignmentId: string;
  projectId: string;
  leasedAt: number;
  expiresAt: number;
}): WatchedLease {
  const lead = Math.min(LEASE_WARNING_MS, (lease.expiresAt - lease.leasedAt) / 4);
  return {
    assignmentId: lease.assignmentId,
    projectId: lease.projectId,
    expiresAt: lease.expiresAt,
    warnAt: lease.expiresAt - lead,
    warned: false,
  };
}

function warning(lease: WatchedLease, now: number, expired: boolean): LeaseWarning {
  return Object.assign(new LeaseWarning(), {
    assignmentId: lease.assignmentId,
    projectId: lease.projectId,
    expiresAt: new Date(lease.expiresAt),
    secondsLeft: expired ? 0 : Math.max(0, Math.floor((lease.expiresAt - now) / 1000)),
    expired,
  });
}
