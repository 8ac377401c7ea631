/**
 * The CLI's GraphQL client: `fetch` and JSON, nothing of the server (the command stays lean).
 *
 * Server errors become `ApiError` with the server's `extensions.code` and message, so the CLI
 * prints `CODE: message` and exits non-zero. The API key travels only in the Authorization
 * header; `redactSecret` scrubs it from anything printed, in case a message ever echoed it.
 */
import { CliError } from '../cli-error';

/** Exit code for errors the server reported (2 stays "bad usage or input" on our side). */
export const SERVER_ERROR_EXIT_CODE = 3;

/** One GraphQL error as the server sends it. */
export interface GraphQLErrorBody {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Record<string, unknown>;
}

/** A GraphQL error from the server, with its stable code. */
export class ApiError extends CliError {
  constructor(
    readonly code: string,
    readonly serverMessage: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(`${code}: ${serverMessage}`, SERVER_ERROR_EXIT_CODE);
    this.name = 'ApiError';
  }
}

/** Where the server is and the key to act with. */
export interface ApiCredentials {
  readonly url: string;
  readonly apiKey: string;
}

/** Replaces every occurrence of `secret` in `text` (keys are long; short strings are left). */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 8) return text;
  return text.split(secret).join('[redacted]');
}

/** Sends GraphQL operations to one Quorum server as one API key. */
export class QuorumApi {
  private readonly endpoint: string;

  constructor(private readonly credentials: ApiCredentials) {
    this.endpoint = `${credentials.url.replace(/\/+$/, '')}/graphql`;
  }

  /** Runs `query`; resolves to `data`, or throws ApiError / CliError (never with the key). */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${this.credentials.apiKey}`,
        },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      const cause =
        (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(`cannot reach ${this.credentials.url} (${cause})`, SERVER_ERROR_EXIT_CODE);
    }
    const text = await response.text();
    let body: { data?: T | null; errors?: GraphQLErrorBody[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new CliError(
        `the server answered HTTP ${response.status} without a GraphQL body`,
        SERVER_ERROR_EXIT_CODE,
      );
    }
    const first = body.errors?.[0];
    if (first) {
      const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'ERROR';
      throw new ApiError(
        code,
        redactSecret(first.message, this.credentials.apiKey),
        first.extensions ?? {},
      );
    }
    if (body.data == null) {
      throw new CliError(`the server answered HTTP ${response.status} with no data`, 3);
    }
    return body.data;
  }
}

/** A Relay connection page as the server returns it. */
export interface Page<T> {
  readonly nodes: T[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

/**
 * Yields every node of a cursor-paginated list, one page at a time (memory stays one page).
 * `fetchPage(after)` returns the page after the cursor (undefined for the first).
 */
export async function* paginate<T>(
  fetchPage: (after: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T> {
  let after: string | undefined;
  for (;;) {
    const page = await fetchPage(after);
    yield* page.nodes;
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
    after = page.pageInfo.endCursor;
  }
}
