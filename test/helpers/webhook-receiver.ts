import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a `WebhookReceiver` got. */
export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly answeredWith: number;
}

/**
 * A loopback HTTP receiver for outbound webhooks, answering with the scripted `statuses` in turn,
 * then 200. The app under test must allow it: `WEBHOOKS_ALLOW_HTTP=true`,
 * `WEBHOOKS_ALLOWED_HOSTS=127.0.0.1`.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  statuses: number[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', chunk => chunks.push(chunk));
      request.on('end', () => {
        const status = this.statuses.shift() ?? 200;
        this.received.push({
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          answeredWith: status,
        });
        response.writeHead(status).end('ok');
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    this.server?.close();
  }
}

/** Environment that lets the app deliver to a `WebhookReceiver` on loopback. */
export const LOOPBACK_WEBHOOKS_ENV = {
  WEBHOOKS_ALLOW_HTTP: 'true',
  WEBHOOKS_ALLOWED_HOSTS: '127.0.0.1',
} as const;
