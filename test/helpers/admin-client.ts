import { randomBytes } from 'node:crypto';
import { RequestContext } from '../../src/common/request-context';
import type { GraphQLClient, TestServer } from './test-server';

const LOG_IN = /* GraphQL */ `
  mutation ($input: LogInInput!) {
    logIn(input: $input) {
      token
    }
  }
`;

/**
 * Creates a fresh admin through the service (admins cannot sign up over the API) and logs them
 * in over GraphQL, so e2e specs get an admin client the way a real admin would.
 */
export async function signInNewAdmin(
  server: Pick<TestServer, 'app' | 'clock' | 'anonymous'>,
): Promise<GraphQLClient> {
  const email = `admin-${randomBytes(6).toString('hex')}@example.test`;
  const password = `admin-${randomBytes(12).toString('hex')}`;
  await server.app.services.auth.createAdmin(RequestContext.create({ clock: server.clock }), {
    email,
    password,
  });
  const { logIn } = await server
    .anonymous()
    .ok<{ logIn: { token: string } }>(LOG_IN, { input: { email, password } });
  return server.anonymous().withToken(logIn.token);
}
