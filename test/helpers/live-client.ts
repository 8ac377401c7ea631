import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** One message a subscription got: a result, an error list, or the socket's close code. */
export type LiveOutcome =
  | { readonly kind: 'next'; readonly data?: Record<string, any> | null; readonly errors?: any[] }
  | { readonly kind: 'error'; readonly errors?: any[]; readonly closeCode?: number }
  | { readonly kind: 'complete' };

/** A subscription seen from a client: its messages in order. */
export interface LiveSubscription {
  /** The next message (waits for it). */
  next(): Promise<LiveOutcome>;
  unsubscribe(): void;
}

/**
 * A graphql-ws client against the test server's `/graphql`, authenticated as the web app is
 * (`connectionParams.authorization`), with no retries so a refusal shows as its close code.
 */
export function liveClient(
  baseUrl: string,
  token?: string,
): {
  subscribe(query: string, variables?: Record<string, unknown>): LiveSubscription;
  close(): Promise<void>;
} {
  const client: Client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
  return {
    subscribe(query, variables) {
      const received: LiveOutcome[] = [];
      const waiting: Array<(outcome: LiveOutcome) => void> = [];
      const deliver = (outcome: LiveOutcome) => {
        const waiter = waiting.shift();
        if (waiter) waiter(outcome);
        else received.push(outcome);
      };
      const unsubscribe = client.subscribe(
        { query, variables },
        {
          next: result =>
            deliver({
              kind: 'next',
              data: result.data as Record<string, any> | null | undefined,
              errors: result.errors as any[] | undefined,
            }),
          error: error => {
            if (Array.isArray(error)) deliver({ kind: 'error', errors: error });
            else deliver({ kind: 'error', closeCode: (error as { code?: number }).code });
          },
          complete: () => deliver({ kind: 'complete' }),
        },
      );
      return {
        next: () =>
          received.length > 0
            ? Promise.resolve(received.shift()!)
            : new Promise(resolve => waiting.push(resolve)),
        unsubscribe,
      };
    },
    close: () => client.dispose() as Promise<void>,
  };
}

/** The first error code of an outcome, or its close code as `CLOSED_<code>`. */
export function liveErrorCode(outcome: LiveOutcome): string | undefined {
  if (outcome.kind === 'complete') return undefined;
  if (outcome.kind === 'error' && outcome.closeCode !== undefined) {
    return `CLOSED_${outcome.closeCode}`;
  }
  return outcome.errors?.[0]?.extensions?.code as string | undefined;
}
