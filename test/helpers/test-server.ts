import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createApp, type AppOverrides, type QuorumApp } from '../../src/app';
import type { AppConfig } from '../../src/config/app-config';
import { ManualClock } from '../../src/common/clock';
import { closeDataSource, createDataSource } from '../../src/db/data-source';
import { createTestDatabase, type TestDatabase } from './test-db';
import { testConfig } from './test-config';

/** What a GraphQL call over HTTP returned. */
export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
  headers: Headers;
}

/** A GraphQL client speaking real HTTP to the test server, as one caller. */
export class GraphQLClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  withToken(token: string | undefined): GraphQLClient {
    return new GraphQLClient(this.baseUrl, token);
  }

  async query<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body: { data?: T; errors?: GraphQLResponse['errors'] };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`non-JSON response ${response.status}: ${text.slice(0, 200)}`);
    }
    return {
      status: response.status,
      data: body.data,
      errors: body.errors,
      headers: response.headers,
    };
  }

  /** `data`, failing the test with the errors when there are any. */
  async ok<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<T> {
    const result = await this.query<T>(query, variables);
    if (result.errors?.length) {
      throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
    }
    return result.data as T;
  }
}

/** The first error's `extensions.code`. */
export function errorCode(result: GraphQLResponse<unknown>): unknown {
  return result.errors?.[0]?.extensions?.code;
}

export interface TestServer {
  readonly app: QuorumApp;
  readonly url: string;
  readonly clock: ManualClock;
  readonly db: TestDatabase | null;
  anonymous(): GraphQLClient;
  /** Signs up a fresh user with `roles` and returns a client acting as them. */
  signUp(
    roles: Array<'REQUESTER' | 'WORKER'>,
    options?: { email?: string; password?: string; displayName?: string },
  ): Promise<{
    client: GraphQLClient;
    userId: string;
    email: string;
    password: string;
    token: string;
  }>;
  close(): Promise<void>;
}

const SIGN_UP = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      token
      user {
        id
      }
    }
  }
`;

/**
 * Starts the real app (express + Apollo + services) on a free port, on a fresh PostgreSQL
 * database cloned from the migrated template, or on an in-memory embedded database.
 */
export async function startTestServer(
  options: {
    embedded?: boolean;
    env?: Record<string, string>;
    clock?: ManualClock;
    overrides?: Omit<AppOverrides, 'dataSource' | 'clock'>;
  } = {},
): Promise<TestServer> {
  // Tokens are verified against the injected clock, so the manual clock starts at real time.
  const clock = options.clock ?? new ManualClock(Date.now());
  let db: TestDatabase | null = null;
  let config: AppConfig;
  let app: QuorumApp;
  if (options.embedded) {
    config = testConfig({ ...options.env, MIGRATIONS_RUN: 'true', DATA_DIR: 'memory://' });
    const dataSource = await createDataSource(config.database);
    app = await createApp(config, { ...options.overrides, clock, dataSource });
    const close = app.close.bind(app);
    Object.assign(app, {
      close: async () => {
        await close();
        await closeDataSource(dataSource);
      },
    });
  } else {
    db = await createTestDatabase();
    config = testConfig({ ...options.env, DATABASE_URL: db.url });
    app = await createApp(config, { ...options.overrides, clock, dataSource: db.dataSource });
  }
  const url = await app.listen(0, '127.0.0.1');
  const anonymous = new GraphQLClient(url);

  return {
    app,
    url,
    clock,
    db,
    anonymous: () => anonymous,
    async signUp(roles, signUpOptions = {}) {
      const email = signUpOptions.email ?? `user-${randomBytes(6).toString('hex')}@example.test`;
      const password = signUpOptions.password ?? `pw-${randomBytes(8).toString('hex')}`;
      const data = await anonymous.ok<{ signUp: { token: string; user: { id: string } } }>(
        SIGN_UP,
        {
          input: {
            email,
            password,
            displayName: signUpOptions.displayName ?? email.split('@')[0],
            roles,
          },
        },
      );
      return {
        client: anonymous.withToken(data.signUp.token),
        userId: data.signUp.user.id,
        email,
        password,
        token: data.signUp.token,
      };
    },
    async close() {
      await app.close();
      await db?.drop();
    },
  };
}

/** `beforeAll`/`afterAll` wiring for a test file that needs a running server. */
export function useTestServer(options: Parameters<typeof startTestServer>[0] = {}): TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(options);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });
  return new Proxy({} as TestServer, {
    get(_target, property) {
      if (!server) throw new Error('test server not started: use it inside a test');
      const value = server[property as keyof TestServer];
      return typeof value === 'function' ? value.bind(server) : value;
    },
  });
}
