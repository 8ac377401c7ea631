import jwt from 'jsonwebtoken';
import { errorCode, GraphQLClient, useTestServer } from '../helpers/test-server';

const ME = /* GraphQL */ `
  query {
    me {
      id
      displayName
      roles
    }
  }
`;
const LOG_IN = /* GraphQL */ `
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      token
      expiresAt
      user {
        id
        roles
      }
    }
  }
`;
const CREATE_KEY = /* GraphQL */ `
  mutation CreateKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      secret
      apiKey {
        id
        name
        prefix
        scopes
        revokedAt
      }
    }
  }
`;
const REVOKE_KEY = /* GraphQL */ `
  mutation Revoke($id: ID!) {
    revokeApiKey(id: $id) {
      id
      revokedAt
    }
  }
`;

// The same flow on PostgreSQL and on the embedded default database.
describe.each([
  ['PostgreSQL', false],
  ['embedded PGlite', true],
])('auth (e2e) on %s', (_engine, embedded) => {
  const server = useTestServer({
    embedded,
    env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000' },
  });

  it('signs up a requester and a worker, logs in and answers me', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const worker = await server.signUp(['WORKER']);

    const login = await server.anonymous().ok(LOG_IN, {
      input: { email: requester.email.toUpperCase(), password: requester.password },
    });
    expect(login.logIn.user.id).toBe(requester.userId);
    expect(new Date(login.logIn.expiresAt).getTime()).toBeGreaterThan(server.clock.now().getTime());

    const asRequester = server.anonymous().withToken(login.logIn.token);
    expect((await asRequester.ok(ME)).me).toMatchObject({
      id: requester.userId,
      roles: ['REQUESTER'],
    });
    expect((await worker.client.ok(ME)).me).toMatchObject({ id: worker.userId, roles: ['WORKER'] });
  });

  it('creates an API key, uses it, revokes it and is then refused', async () => {
    const user = await server.signUp(['REQUESTER', 'WORKER']);
    const created = await user.client.ok(CREATE_KEY, { input: { name: 'ci', scopes: ['WORKER'] } });
    const { secret, apiKey } = created.createApiKey;
    expect(secret.startsWith(apiKey.prefix)).toBe(true);

    const asKey = server.anonymous().withToken(secret);
    const me = await asKey.ok(ME);
    expect(me.me.id).toBe(user.userId);

    // The key's scopes narrow the roles it acts with; its secret is never listed again.
    const listed = await user.client.ok(`query { apiKeys { id prefix scopes } }`);
    expect(listed.apiKeys).toEqual([{ id: apiKey.id, prefix: apiKey.prefix, scopes: ['WORKER'] }]);
    expect(JSON.stringify(listed)).not.toContain(secret);

    await user.client.ok(REVOKE_KEY, { id: apiKey.id });
    const refused = await asKey.query(ME);
    expect(refused.status).toBe(401);
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
  });

  it('refuses to create a key with a role the user does not hold', async () => {
    const worker = await server.signUp(['WORKER']);
    const result = await worker.client.query(CREATE_KEY, {
      input: { name: 'x', scopes: ['ADMIN'] },
    });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect((await worker.client.ok(`query { apiKeys { id } }`)).apiKeys).toEqual([]);
  });

  it('answers a wrong password and an unknown email alike with INVALID_CREDENTIALS', async () => {
    const user = await server.signUp(['WORKER']);
    const wrong = await server
      .anonymous()
      .query(LOG_IN, { input: { email: user.email, password: 'not-the-password' } });
    const unknown = await server.anonymous().query(LOG_IN, {
      input: { email: 'nobody@example.test', password: 'whatever-password' },
    });
    expect(errorCode(wrong)).toBe('INVALID_CREDENTIALS');
    expect(errorCode(unknown)).toBe('INVALID_CREDENTIALS');
    expect(wrong.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
  });

  it('rate-limits failed logins per account', async () => {
    const user = await server.signUp(['WORKER']);
    const attempt = (password: string) =>
      server.anonymous().query(LOG_IN, { input: { email: user.email, password } });
    for (let i = 0; i < 3; i++)
      expect(errorCode(await attempt('wrong-password-x'))).toBe('INVALID_CREDENTIALS');
    const limited = await attempt(user.password);
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('refuses malformed, re-signed, expired and unknown credentials with their codes', async () => {
    const user = await server.signUp(['WORKER']);
    const claims = jwt.decode(user.token) as Record<string, unknown>;
    const resigned = jwt.sign(claims, 'another-secret-another-secret-another-secret');
    const noneAlg = jwt.sign(claims, '', { algorithm: 'none' });
    const cases: Array<[string, string]> = [
      ['not-a-jwt', 'UNAUTHENTICATED'],
      [resigned, 'UNAUTHENTICATED'],
      [noneAlg, 'UNAUTHENTICATED'],
      [`qrm_0123456789ab_${'a'.repeat(43)}`, 'UNAUTHENTICATED'],
    ];
    for (const [token, code] of cases) {
      const result = await new GraphQLClient(server.url, token).query(ME);
      expect({ token, status: result.status, code: errorCode(result) }).toEqual({
        token,
        status: 401,
        code,
      });
    }
    const malformedHeader = await server
      .anonymous()
      .query(ME, undefined, { authorization: 'Basic abc' });
    expect(errorCode(malformedHeader)).toBe('UNAUTHENTICATED');

    server.clock.advance(2 * 3600 * 1000);
    const expired = await user.client.query(ME);
    expect(errorCode(expired)).toBe('TOKEN_EXPIRED');
  });

  it('asks anonymous callers to authenticate', async () => {
    const result = await server.anonymous().query(ME);
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(result.data).toBeNull();
  });

  it('rejects invalid sign-up input with BAD_USER_INPUT and duplicate emails with CONFLICT', async () => {
    const bad = await server
      .anonymous()
      .query(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
        i: { email: 'not-an-email', password: 'short', displayName: 'x', roles: ['ADMIN'] },
      });
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    const user = await server.signUp(['WORKER']);
    const duplicate = await server
      .anonymous()
      .query(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
        i: {
          email: user.email,
          password: 'long-enough-password',
          displayName: 'x',
          roles: ['WORKER'],
        },
      });
    expect(errorCode(duplicate)).toBe('CONFLICT');
  });

  it('refuses too-deep, alias-heavy and huge requests', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: me { id }`).join(' ');
    expect(errorCode(await server.anonymous().query(`{ ${aliases} }`))).toBe('QUERY_TOO_COMPLEX');
    const deep = `{ __type(name: "Query") { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }`;
    const deepResult = await server.anonymous().query(deep);
    expect(errorCode(deepResult)).toBe('QUERY_TOO_COMPLEX');

    const huge = await server
      .anonymous()
      .query(`{ __typename }`, { padding: 'x'.repeat(2_000_000) });
    expect(huge.status).toBe(413);
    expect(errorCode(huge)).toBe('PAYLOAD_TOO_LARGE');
  });
});
