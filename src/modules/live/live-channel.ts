import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { Logger } from '../../common/logger';
import { embeddedDatabase } from '../../db/data-source';

/** The one PostgreSQL channel live updates travel on, between all API processes. */
export const LIVE_CHANNEL = 'quorum_live';

/** Wait before reconnecting a LISTEN connection that dropped. */
const RECONNECT_MS = 1_000;

/**
 * What crosses processes: no task ids beyond the worker's own lease, and never whether a task is
 * gold. `work`: new work in a project; `lease`: a worker's lease began; `lease-end`: it ended
 * (`expired` when it ran out rather than being answered or returned).
 */
export type LiveMessage =
  | { readonly t: 'work'; readonly projectId: string; readonly at: number }
  | {
      readonly t: 'lease';
      readonly workerId: string;
      readonly assignmentId: string;
      readonly projectId: string;
      readonly leasedAt: number;
      readonly expiresAt: number;
    }
  | {
      readonly t: 'lease-end';
      readonly workerId: string;
      readonly assignmentId: string;
      readonly expired: boolean;
    };

/**
 * PostgreSQL LISTEN/NOTIFY as the bus for live updates, so every process under
 * QUORUM_PROCESSES sees what any of them published. `notify` goes through the pool; `listen`
 * holds one dedicated connection (reconnected when it drops). On the embedded database (one
 * process) PGlite's own `listen` serves the same channel.
 */
export class LiveChannel {
  private client: Client | null = null;
  private stopPglite: (() => Promise<void>) | null = null;
  private closed = false;
  private readonly pending: string[] = [];
  /** Projects with a `work` message in `pending`: one per project per send is enough. */
  private readonly pendingWork = new Set<string>();
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly url: string | null,
    private readonly logger: Logger,
  ) {}

  /**
   * Queues `message` and returns at once: messages are sent together, one statement per turn of
   * the event loop, off the request's path (a lease or a submit never waits for them). A failed
   * send is logged; live updates are a courtesy, the task screen keeps its own countdown.
   */
  notify(message: LiveMessage): void {
    if (this.closed) return;
    // A sweep that expires a thousand leases of one project says "new work" once, not a
    // thousand times (each one costs every subscriber a catalogue read).
    if (message.t === 'work') {
      if (this.pendingWork.has(message.projectId)) return;
      this.pendingWork.add(message.projectId);
    }
    this.pending.push(JSON.stringify(message));
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  /** Sends the queued messages after the previous send: one sender at a time keeps their order. */
  private flush(): Promise<void> {
    const batch = this.pending.splice(0);
    this.pendingWork.clear();
    if (batch.length > 0) {
      this.sending = this.sending.then(() =>
        this.dataSource
          .query('SELECT pg_notify($1, message) FROM unnest($2::text[]) AS message', [
            LIVE_CHANNEL,
            batch,
          ])
          .then(
            () => undefined,
            error => this.logger.error({ err: error }, 'live updates not sent'),
          ),
      );
    }
    return this.sending;
  }

  async listen(onMessage: (message: LiveMessage) => void): Promise<void> {
    const deliver = (payload: string | undefined) => {
      if (!payload) return;
      try {
        onMessage(JSON.parse(payload) as LiveMessage);
      } catch (error) {
        this.logger.error({ err: error }, 'live update not delivered');
      }
    };
    const pglite = embeddedDatabase(this.dataSource);
    if (pglite) {
      this.stopPglite = await pglite.listen(LIVE_CHANNEL, deliver);
      return;
    }
    if (!this.url) throw new Error('LiveChannel needs a database URL or an embedded database');
    await this.connect(deliver, true);
  }

  /** Connects and LISTENs; the first attempt fails loudly, later ones retry until `close`. */
  private async connect(
    deliver: (payload: string | undefined) => void,
    first: boolean,
  ): Promise<void> {
    const client = new Client({ connectionString: this.url!, application_name: 'quorum-live' });
    const reconnect = (error?: unknown) => {
      if (this.closed || this.client !== client) return;
      this.client = null;
      this.logger.warn({ err: error }, 'live-update connection lost; reconnecting');
      client.removeAllListeners();
      void client.end().catch(() => undefined);
      setTimeout(() => {
        if (!this.closed) void this.connect(deliver, false);
      }, RECONNECT_MS).unref();
    };
    client.on('notification', message => deliver(message.payload));
    client.on('error', reconnect);
    client.on('end', () => reconnect());
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
    } catch (error) {
      if (!first) return reconnect(error);
      this.client = null;
      client.removeAllListeners();
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  /** Sends what is queued and stops; before the database closes. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
    await this.stopPglite?.().catch(() => undefined);
  }
}
