/**
 * Outbound webhooks: endpoints, the outbox and its delivery.
 *
 * `emit` writes one `webhook_deliveries` row per subscribed endpoint in the caller's
 * transaction (the outbox), so a delivery exists exactly when the change committed. The job
 * queue's `webhooks.deliver` job sends due rows: it claims them by pushing `next_attempt_at`
 * past the attempt (a crashed sender's rows come back after that lease: at least once), posts
 * the stored body signed with the endpoint's secret(s), and records the outcome. Failures are
 * retried with exponential backoff (30 s doubling, at most 6 h apart) until the retry window
 * (at least 24 h) has passed, then the delivery is DEAD. An endpoint failing
 * `disableAfterFailures` attempts in a row is disabled with a reason.
 */
import { randomUUID } from 'node:crypto';

import { AppError, BadUserInputError, ErrorCode, NotFoundError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import type { WebhooksConfig } from '../../config/app-config';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Role } from '../auth/role';
import { webhookRetryDelayMs } from './webhook-retry';
import type { WebhookTransport } from './webhook-sender';
import { newWebhookSecret, SIGNATURE_HEADER, signatureHeader } from './webhook-signature';
import { urlProblem } from './webhook-url-policy';
import {
  ADMIN_ONLY_WEBHOOK_EVENTS,
  type CreateWebhookEndpointInput,
  type ReplayWebhookDeliveriesInput,
  WEBHOOK_EVENTS,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
  type WebhookEventType,
} from './webhook.types';

/** Endpoints one user may register. */
const MAX_ENDPOINTS_PER_USER = 20;
const MAX_URL_LENGTH = 2_048;
/** Deliveries sent per job run. */
const DELIVERY_BATCH = 50;
/** Longest overlap of a rotated secret. */
const MAX_ROTATION_OVERLAP_SECONDS = 7 * 86_400;

const ENDPOINT_COLUMNS = `id, url, events, project_id AS "projectId", enabled,
  disabled_reason AS "disabledReason", consecutive_failures AS "consecutiveFailures",
  previous_secret_expires_at AS "previousSecretExpiresAt", created_at AS "createdAt"`;

const DELIVERY_COLUMNS = `id, event_id AS "eventId", event_type AS "eventType", status, attempts,
  next_attempt_at AS "nextAttemptAt", last_attempt_at AS "lastAttemptAt",
  last_status_code AS "lastStatusCode", last_error AS "lastError",
  delivered_at AS "deliveredAt", created_at AS "createdAt", body`;

interface ClaimedDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly body: string;
  readonly attempts: number;
  readonly retryWindowStart: Date;
  readonly url: string;
  readonly secrets: string[];
}

/** Endpoints, outbox writes, delivery and replay. */
export class WebhookService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly config: WebhooksConfig,
    private readonly transport: WebhookTransport,
  ) {}

  /** Registers an endpoint of the caller; its secret is in the answer and never again. */
  async createEndpoint(
    ctx: RequestContext,
    input: CreateWebhookEndpointInput,
  ): Promise<WebhookEndpointWithSecret> {
    const ownerId = ctx.requireUserId();
    this.checkUrl(input.url);
    const events = [...new Set(input.events)];
    const unknown = events.filter(event => !WEBHOOK_EVENTS.includes(event as WebhookEventType));
    if (events.length === 0 || unknown.length > 0) {
      throw new BadUserInputError(`events must be some of ${WEBHOOK_EVENTS.join(', ')}`, {
        field: 'events',
      });
    }
    if (!ctx.hasRole(Role.ADMIN) && events.some(e => ADMIN_ONLY_WEBHOOK_EVENTS.includes(e))) {
      throw new BadUserInputError(
        `Only admins subscribe to ${ADMIN_ONLY_WEBHOOK_EVENTS.join(', ')}`,
        {
          field: 'events',
        },
      );
    }
    return this.db.withTransaction(ctx, async tx => {
      const manager = this.db.manager(tx);
      if (input.projectId != null) await this.requireOwnProject(tx, input.projectId);
      const [{ count }] = await queryRows<{ count: number }>(
        manager,
        'SELECT count(*)::int AS count FROM webhook_endpoints WHERE owner_id = $1',
        [ownerId],
      );
      if (count >= MAX_ENDPOINTS_PER_USER) {
        throw new BadUserInputError(`At most ${MAX_ENDPOINTS_PER_USER} endpoints per user`, {
          field: 'url',
        });
      }
      const secret = newWebhookSecret();
      const [endpoint] = await queryRows<WebhookEndpoint>(
        manager,
        `INSERT INTO webhook_endpoints (owner_id, project_id, url, events, secret, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ${ENDPOINT_COLUMNS}`,
        [ownerId, input.projectId ?? null, input.url, events, secret, tx.now()],
      );
      return { endpoint, secret };
    });
  }

  /** The caller's endpoints, oldest first. */
  async listEndpoints(ctx: RequestContext): Promise<WebhookEndpoint[]> {
    return queryRows<WebhookEndpoint>(
      this.db.manager(ctx),
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE owner_id = $1 ORDER BY created_at, id`,
      [ctx.requireUserId()],
    );
  }

  /** Enables (resetting the failure count) or disables one of the caller's endpoints. */
  async setEnabled(ctx: RequestContext, id: string, enabled: boolean): Promise<WebhookEndpoint> {
    await this.requireOwnEndpoint(ctx, id);
    const [endpoint] = await queryRows<WebhookEndpoint>(
      this.db.manager(ctx),
      `UPDATE webhook_endpoints SET enabled = $2, consecutive_failures = 0,
         disabled_reason = NULL, updated_at = $3 WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [id, enabled, ctx.now()],
    );
    return endpoint;
  }

  /**
   * A new secret for one of the caller's endpoints; deliveries are signed with both the new and
   * the old secret for `overlapSeconds`, so receivers can switch without losing events.
   */
  async rotateSecret(
    ctx: RequestContext,
    id: string,
    overlapSeconds: number,
  ): Promise<WebhookEndpointWithSecret> {
    if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0) {
      throw new BadUserInputError('overlapSeconds must be a whole number ≥ 0', {
        field: 'overlapSeconds',
      });
    }
    const overlap = Math.min(overlapSeconds, MAX_ROTATION_OVERLAP_SECONDS);
    await this.requireOwnEndpoint(ctx, id);
    const secret = newWebhookSecret();
    const [endpoint] = await queryRows<WebhookEndpoint>(
      this.db.manager(ctx),
      `UPDATE webhook_endpoints SET previous_secret = secret, secret = $2,
         previous_secret_expires_at = $3, updated_at = $4 WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [id, secret, new Date(ctx.now().getTime() + overlap * 1000), ctx.now()],
    );
    return { endpoint, secret };
  }

  /** The delivery log of one of the caller's endpoints, newest first. */
  async listDeliveries(
    ctx: RequestContext,
    endpointId: string,
    limit: number,
  ): Promise<WebhookDelivery[]> {
    await this.requireOwnEndpoint(ctx, endpointId);
    return queryRows<WebhookDelivery>(
      this.db.manager(ctx),
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1
       ORDER BY created_at DESC, id LIMIT $2`,
      [endpointId, Math.min(Math.max(limit, 1), 500)],
    );
  }

  /**
   * Sends deliveries again (same body, same event id): one by id, or all created in
   * [from, to). They are due now and get a fresh retry window. Returns how many.
   */
  async replay(ctx: RequestContext, input: ReplayWebhookDeliveriesInput): Promise<number> {
    await this.requireOwnEndpoint(ctx, input.endpointId);
    const byId = input.deliveryId != null;
    if (byId === (input.from != null || input.to != null) || (!byId && !input.from)) {
      throw new BadUserInputError('Give deliveryId, or from (and optionally to)', {
        field: 'deliveryId',
      });
    }
    if (byId && !isUuid(input.deliveryId!))
      throw new NotFoundError('WebhookDelivery', input.deliveryId!);
    const now = ctx.now();
    const rows = await queryRows<{ id: string }>(
      this.db.manager(ctx),
      `UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = $2,
         retry_window_start = $2
       WHERE endpoint_id = $1
         AND ($3::uuid IS NULL OR id = $3::uuid)
         AND ($4::timestamptz IS NULL OR created_at >= $4)
         AND ($5::timestamptz IS NULL OR created_at < $5)
       RETURNING id`,
      [input.endpointId, now, input.deliveryId ?? null, input.from ?? null, input.to ?? null],
    );
    if (byId && rows.length === 0) throw new NotFoundError('WebhookDelivery', input.deliveryId!);
    return rows.length;
  }

  /**
   * Writes `type` with `data` to the outbox of every enabled endpoint subscribed to it: the
   * project's owner's (all-project or this project's) and admins' all-project endpoints. Runs
   * in `tx`'s transaction, so it commits or rolls back with the change.
   */
  async emit(
    tx: RequestContext,
    type: WebhookEventType,
    projectId: string | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    const now = tx.now();
    const eventId = randomUUID();
    const body = JSON.stringify({ id: eventId, type, created: now.toISOString(), data });
    // Held for the transaction's last statement (a submit's writes go together).
    await this.db.defer(tx, {
      sql: `INSERT INTO webhook_deliveries
         (created_at, endpoint_id, event_id, event_type, body, next_attempt_at, retry_window_start)
       SELECT $1, e.id, $2, $3, $4, $1, $1
       FROM webhook_endpoints e JOIN users u ON u.id = e.owner_id
       WHERE e.enabled AND $3 = ANY (e.events)
         AND (e.project_id = $5::uuid OR (e.project_id IS NULL AND ('ADMIN' = ANY (u.roles)
              OR e.owner_id = (SELECT owner_id FROM projects WHERE id = $5::uuid))))`,
      params: [now, eventId, type, body, projectId],
    });
  }

  /** Sends the deliveries due at `ctx.now()` (one batch); returns how many were attempted. */
  async deliverDue(ctx: RequestContext): Promise<number> {
    const claimed = await this.claimDue(ctx);
    for (const delivery of claimed) await this.attempt(ctx, delivery);
    return claimed.length;
  }

  private async claimDue(ctx: RequestContext): Promise<ClaimedDelivery[]> {
    const now = ctx.now();
    // The claim outlives an attempt's timeout, so only a crashed sender's rows come back.
    const leaseUntil = new Date(now.getTime() + 4 * this.config.timeoutMs);
    return queryRows<ClaimedDelivery>(
      this.db.manager(ctx),
      `WITH due AS (
         SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
         WHERE d.status = 'PENDING' AND d.next_attempt_at <= $1 AND e.enabled
         ORDER BY d.next_attempt_at LIMIT $3 FOR UPDATE OF d SKIP LOCKED)
       UPDATE webhook_deliveries d SET next_attempt_at = $2
       FROM due, webhook_endpoints e
       WHERE d.id = due.id AND e.id = d.endpoint_id
       RETURNING d.id, d.endpoint_id AS "endpointId", d.event_id AS "eventId",
         d.event_type AS "eventType", d.body, d.attempts,
         d.retry_window_start AS "retryWindowStart", e.url,
         CASE WHEN e.previous_secret IS NOT NULL AND e.previous_secret_expires_at > $1
              THEN ARRAY[e.secret, e.previous_secret] ELSE ARRAY[e.secret] END AS secrets`,
      [now, leaseUntil, DELIVERY_BATCH],
    );
  }

  private async attempt(ctx: RequestContext, delivery: ClaimedDelivery): Promise<void> {
    const now = ctx.now();
    const timestamp = Math.floor(now.getTime() / 1000);
    const outcome = await this.transport.post(
      delivery.url,
      {
        'content-type': 'application/json',
        'user-agent': 'Quorum-Webhooks/1',
        'quorum-event-id': delivery.eventId,
        'quorum-event-type': delivery.eventType,
        'quorum-delivery-id': delivery.id,
        [SIGNATURE_HEADER]: signatureHeader(delivery.body, timestamp, delivery.secrets),
      },
      delivery.body,
    );
    const ok =
      outcome.statusCode !== undefined && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const attempts = delivery.attempts + 1;
    const expired =
      now.getTime() - delivery.retryWindowStart.getTime() >= this.config.retryWindowMs;
    const status = ok ? 'DELIVERED' : expired ? 'DEAD' : 'PENDING';
    const manager = this.db.manager(ctx);
    await manager.query(
      `UPDATE webhook_deliveries SET status = $2, attempts = $3, last_attempt_at = $4,
         last_status_code = $5, last_error = $6, delivered_at = $7, next_attempt_at = $8
       WHERE id = $1`,
      [
        delivery.id,
        status,
        attempts,
        now,
        outcome.statusCode ?? null,
        outcome.error ?? null,
        ok ? now : null,
        new Date(now.getTime() + webhookRetryDelayMs(attempts)),
      ],
    );
    await manager.query(
      `UPDATE webhook_endpoints SET
         consecutive_failures = CASE WHEN $2 THEN 0 ELSE consecutive_failures + 1 END,
         enabled = enabled AND ($2 OR consecutive_failures + 1 < $3),
         disabled_reason = CASE WHEN NOT $2 AND consecutive_failures + 1 >= $3
           THEN $4 ELSE disabled_reason END
       WHERE id = $1`,
      [
        delivery.endpointId,
        ok,
        this.config.disableAfterFailures,
        `Disabled after ${this.config.disableAfterFailures} failed attempts in a row (last: ${
          outcome.error ?? `HTTP ${outcome.statusCode}`
        })`,
      ],
    );
  }

  private checkUrl(url: string): void {
    const problem =
      url.length > MAX_URL_LENGTH
        ? `longer than ${MAX_URL_LENGTH} characters`
        : urlProblem(url, this.config);
    if (problem) {
      throw new AppError(`Webhook URL refused: ${problem}`, ErrorCode.WEBHOOK_URL_REFUSED, {
        field: 'url',
      });
    }
  }

  private async requireOwnProject(ctx: RequestContext, projectId: string): Promise<void> {
    const rows = isUuid(projectId)
      ? await queryRows<{ ownerId: string }>(
          this.db.manager(ctx),
          'SELECT owner_id AS "ownerId" FROM projects WHERE id = $1',
          [projectId],
        )
      : [];
    if (rows.length === 0 || !(ctx.hasRole(Role.ADMIN) || rows[0].ownerId === ctx.user?.id)) {
      throw new NotFoundError('Project', projectId);
    }
  }

  private async requireOwnEndpoint(ctx: RequestContext, id: string): Promise<void> {
    const rows = isUuid(id)
      ? await queryRows<{ id: string }>(
          this.db.manager(ctx),
          'SELECT id FROM webhook_endpoints WHERE id = $1 AND owner_id = $2',
          [id, ctx.requireUserId()],
        )
      : [];
    if (rows.length === 0) throw new NotFoundError('WebhookEndpoint', id);
  }
}
