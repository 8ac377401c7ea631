import { randomBytes } from 'node:crypto';
import { RequestContext } from '../../src/common/request-context';
import type { GraphQLClient, TestServer } from './test-server';

/** Creates an admin the way `npm run admin:create` does, logs in, and returns their client. */
export async function signInAdmin(server: TestServer): Promise<GraphQLClient> {
  const email = `admin-${randomBytes(6).toString('hex')}@example.test`;
  const password = `admin-${randomBytes(12).toString('hex')}`;
  await server.app.services.auth.createAdmin(RequestContext.create({ clock: server.clock }), {
    email,
    password,
  });
  const login = await server
    .anonymous()
    .ok(`mutation ($input: LogInInput!) { logIn(input: $input) { token } }`, {
      input: { email, password },
    });
  return server.anonymous().withToken(login.logIn.token);
}

/** A valid CreateProjectInput: two labels, reward 1, overlap 1; `overrides` replace fields. */
export function minimalProjectInput(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Minimal',
    labelSchema: {
      kind: 'SINGLE_CHOICE',
      labels: [
        { key: 'pos', displayName: 'Positive' },
        { key: 'neg', displayName: 'Negative' },
      ],
    },
    rewardAmount: 1,
    currency: 'usd',
    overlap: { minOverlap: 1 },
    ...overrides,
  };
}
