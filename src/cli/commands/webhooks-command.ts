/**
 * `quorum webhooks create|list|deliveries|replay|rotate|enable|disable`: outbound webhook
 * endpoints over the API. `create` and `rotate` print the signing secret once (on stdout, for
 * the receiver's configuration); everything else prints JSON or one line per item.
 */
import { numberFlag, parseCommand, required, unknownAction, withAction } from './command-args';

/** `quorum webhooks --help`. */
export const WEBHOOKS_USAGE = `Usage: quorum webhooks <action> [options]

Actions:
  create --url URL --events E1,E2 [--project ID]
                         register an endpoint; prints it as JSON with its signing secret,
                         shown once. Events: task.completed, project.completed,
                         project.budget_low, worker.blocked, worker.flagged,
                         assignment.submitted, aggregation.finished,
                         payout.paid and payout.failed (admins)
  list                   one line per endpoint: id, enabled, events, url
  deliveries ID [--limit N]
                         the endpoint's delivery log, newest first (JSON lines)
  replay ID (--delivery DID | --from ISO [--to ISO])
                         send deliveries again, same body and event id
  rotate ID [--overlap SECONDS]
                         a new secret (printed once); the old one also signs for the overlap
                         (default 86400)
  enable ID | disable ID

Options:
  -h, --help   this text
`;

const ENDPOINT_FIELDS =
  'id url events projectId enabled disabledReason consecutiveFailures createdAt';

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Runs `quorum webhooks <action>`. */
export const runWebhooksCommand = withAction(WEBHOOKS_USAGE, async (action, rest, api) => {
  const parsed = parseCommand(
    rest,
    {
      url: { type: 'string' },
      events: { type: 'string' },
      project: { type: 'string', short: 'p' },
      limit: { type: 'string' },
      delivery: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      overlap: { type: 'string' },
    },
    WEBHOOKS_USAGE,
  );
  if (parsed.help) return;
  const { values, positionals } = parsed;
  const id = (): string => required(positionals[0], 'the endpoint id');
  switch (action) {
    case 'create': {
      const events = required(values.events, '--events')
        .split(',')
        .map(e => e.trim());
      const data = await api().request<{ createWebhookEndpoint: unknown }>(
        `mutation ($input: CreateWebhookEndpointInput!) {
          createWebhookEndpoint(input: $input) { secret endpoint { ${ENDPOINT_FIELDS} } } }`,
        { input: { url: required(values.url, '--url'), events, projectId: values.project } },
      );
      return print(data.createWebhookEndpoint);
    }
    case 'list': {
      const data = await api().request<{
        webhookEndpoints: Array<{ id: string; enabled: boolean; events: string[]; url: string }>;
      }>(`query { webhookEndpoints { ${ENDPOINT_FIELDS} } }`);
      for (const e of data.webhookEndpoints) {
        process.stdout.write(
          `${e.id}\t${e.enabled ? 'enabled' : 'disabled'}\t${e.events.join(',')}\t${e.url}\n`,
        );
      }
      return;
    }
    case 'deliveries': {
      const data = await api().request<{ webhookDeliveries: unknown[] }>(
        `query ($id: ID!, $limit: Int!) { webhookDeliveries(endpointId: $id, limit: $limit) {
          id eventId eventType status attempts lastStatusCode lastError lastAttemptAt
          deliveredAt createdAt } }`,
        { id: id(), limit: numberFlag(values.limit, '--limit', 1, 500) ?? 100 },
      );
      for (const d of data.webhookDeliveries) process.stdout.write(`${JSON.stringify(d)}\n`);
      return;
    }
    case 'replay': {
      const data = await api().request<{ replayWebhookDeliveries: number }>(
        `mutation ($input: ReplayWebhookDeliveriesInput!) { replayWebhookDeliveries(input: $input) }`,
        {
          input: {
            endpointId: id(),
            deliveryId: values.delivery,
            from: values.from,
            to: values.to,
          },
        },
      );
      process.stdout.write(`replaying ${data.replayWebhookDeliveries} deliveries\n`);
      return;
    }
    case 'rotate': {
      const data = await api().request<{ rotateWebhookSecret: unknown }>(
        `mutation ($id: ID!, $overlap: Int!) { rotateWebhookSecret(id: $id, overlapSeconds: $overlap) {
          secret endpoint { ${ENDPOINT_FIELDS} previousSecretExpiresAt } } }`,
        { id: id(), overlap: numberFlag(values.overlap, '--overlap', 0, 7 * 86_400) ?? 86_400 },
      );
      return print(data.rotateWebhookSecret);
    }
    case 'enable':
    case 'disable': {
      const data = await api().request<{ setWebhookEndpointEnabled: unknown }>(
        `mutation ($id: ID!, $enabled: Boolean!) {
          setWebhookEndpointEnabled(id: $id, enabled: $enabled) { ${ENDPOINT_FIELDS} } }`,
        { id: id(), enabled: action === 'enable' },
      );
      return print(data.setWebhookEndpointEnabled);
    }
    default:
      throw unknownAction('webhooks', action, WEBHOOKS_USAGE);
  }
});
