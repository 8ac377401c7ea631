/**
 * One HTTP POST of a webhook delivery, with the safety the issue asks for: the connection's
 * address is checked by the URL policy at DNS lookup (so a name that resolves to a private
 * address is refused even if it was public at registration), one overall timeout, and at most
 * `MAX_RESPONSE_BYTES` of the response read (the rest is dropped with the connection).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

import {
  isHostAllowed,
  isPrivateAddress,
  urlProblem,
  type WebhookUrlPolicyConfig,
} from './webhook-url-policy';

/** Bytes of a receiver's response kept (for the delivery log); the rest is not read. */
export const MAX_RESPONSE_BYTES = 4_096;

/** What one attempt got: an HTTP status, or a transport error. */
export type SendOutcome =
  | { readonly statusCode: number; readonly error?: undefined }
  | { readonly statusCode?: undefined; readonly error: string };

/** Sends webhook requests. Tests use the real one against a loopback receiver. */
export interface WebhookTransport {
  post(url: string, headers: Record<string, string>, body: string): Promise<SendOutcome>;
}

/** The Node http(s) transport with the policy, timeout and response bound. */
export class HttpWebhookTransport implements WebhookTransport {
  constructor(
    private readonly policy: WebhookUrlPolicyConfig,
    private readonly timeoutMs: number,
  ) {}

  post(url: string, headers: Record<string, string>, body: string): Promise<SendOutcome> {
    const problem = urlProblem(url, this.policy);
    if (problem) return Promise.resolve({ error: `refused: ${problem}` });
    const target = new URL(url);
    const hostAllowed = isHostAllowed(target.hostname.replace(/^\[|\]$/g, ''), this.policy);
    const guardedLookup: LookupFunction = (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '', 0);
        const refused = addresses.find(
          ({ address }) =>
            !hostAllowed && !isHostAllowed(address, this.policy) && isPrivateAddress(address),
        );
        if (refused) {
          return callback(new Error(`refused: ${refused.address} is a private address`), '', 0);
        }
        if (options.all) return callback(null, addresses);
        return callback(null, addresses[0].address, addresses[0].family);
      });
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise(resolve => {
      let settled = false;
      const finish = (outcome: SendOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const request = send(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          lookup: guardedLookup,
          agent: false,
        },
        response => {
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) response.destroy();
          });
          response.on('end', () => finish({ statusCode: response.statusCode ?? 0 }));
          response.on('close', () => finish({ statusCode: response.statusCode ?? 0 }));
          response.on('error', () => finish({ statusCode: response.statusCode ?? 0 }));
        },
      );
      const timer = setTimeout(() => {
        request.destroy(new Error(`timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      request.on('error', error => finish({ error: error.message.slice(0, 500) }));
      request.end(body);
    });
  }
}
