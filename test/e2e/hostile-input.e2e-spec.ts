import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import jwt from 'jsonwebtoken';
import Stripe from 'stripe';
import { MAX_JSON_DEPTH } from '../../src/graphql/input-guard';
import { errorCode, GraphQLClient, useTestServer } from '../helpers/test-server';
import { sentimentProjectInput } from '../helpers/e2e-project-input';
import { CREATE_PROJECT_ID, IMPORT_TASKS } from '../helpers/e2e-operations';
import { singleChoice } from '../helpers/label-schemas';

const SIGN_UP = /* GraphQL */ `
  mutation ($input: SignUpInput!) {
    signUp(input: $input) {
      token
    }
  }
`;

function projectInput(overrides: Record<string, unknown> = {}) {
  return sentimentProjectInput({ name: 'Hostile', currency: 'USD', ...overrides });
}

/** `{"a":{"a":…}}` nested `depth` levels. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

/**
 * Hostile input over real HTTP: every refusal is a stable code (never INTERNAL_SERVER_ERROR,
 * never a 5xx) and writes nothing. The argument guard (src/graphql/input-guard.ts) covers every
 * string, id, list and JSON argument of every operation; the HTTP layer covers bodies.
 */
describe('hostile input (e2e)', () => {
  const server = useTestServer();
  let requester: GraphQLClient;
  let projectId: string;

  const count = async (table: string) =>
    (await server.db!.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

  beforeAll(async () => {
    requester = (await server.signUp(['REQUESTER'])).client;
    projectId = (await requester.ok(CREATE_PROJECT_ID, { input: projectInput() })).createProject.id;
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['a lone surrogate', 'a\ud800b'],
  ])(
    'refuses %s in any string argument with BAD_USER_INPUT and writes nothing',
    async (_l, bad) => {
      const before = await Promise.all(['users', 'projects', 'tasks', 'api_keys'].map(count));
      const results = [
        await server.anonymous().query(SIGN_UP, {
          input: {
            email: 'x@example.test',
            password: 'long enough pw',
            displayName: bad,
            roles: ['WORKER'],
          },
        }),
        await requester.query(
          `mutation ($n: String!) { createApiKey(input: { name: $n, scopes: [REQUESTER] }) { secret } }`,
          { n: bad },
        ),
        await requester.query(CREATE_PROJECT_ID, {
          input: projectInput({ labelSchema: singleChoice(['a', bad], ['b', 'B']) }),
        }),
        await requester.query(CREATE_PROJECT_ID, { input: projectInput({ currency: bad }) }),
        await requester.query(IMPORT_TASKS, {
          input: { projectId, tasks: [{ externalId: bad, payload: { text: 'hi' } }] },
        }),
        await requester.query(IMPORT_TASKS, {
          input: { projectId, tasks: [{ payload: { text: bad } }] },
        }),
        await requester.query(IMPORT_TASKS, {
          input: { projectId, tasks: [{ payload: { [bad]: 1 } }] },
        }),
      ];
      for (const result of results) {
        expect({ code: errorCode(result), status: result.status }).toEqual({
          code: 'BAD_USER_INPUT',
          status: 200,
        });
        expect(result.errors?.[0]?.extensions?.field).toEqual(expect.any(String));
      }
      expect(await Promise.all(['users', 'projects', 'tasks', 'api_keys'].map(count))).toEqual(
        before,
      );
    },
  );

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels, and numbers JSON cannot hold exactly`, async () => {
    const before = await count('tasks');
    const fits = await requester.query(IMPORT_TASKS, {
      input: { projectId, tasks: [{ externalId: 'deep-ok', payload: nested(MAX_JSON_DEPTH) }] },
    });
    expect(fits.errors).toBeUndefined();
    const tooDeep = await requester.query(IMPORT_TASKS, {
      input: { projectId, tasks: [{ payload: nested(MAX_JSON_DEPTH + 1) }] },
    });
    expect(errorCode(tooDeep)).toBe('BAD_USER_INPUT');
    expect(tooDeep.errors?.[0]?.extensions?.limit).toBe(MAX_JSON_DEPTH);
    // Raw JSON from here on: JSON.stringify cannot write 10,000 levels or these numbers.
    const importRaw = (payload: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${requester.token}` },
        body: `{"query":${JSON.stringify(IMPORT_TASKS)},"variables":{"input":{"projectId":"${projectId}","tasks":[{"payload":${payload}}]}}}`,
      }).then(async response => ({
        status: response.status,
        code: ((await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> })
          .errors?.[0]?.extensions?.code,
      }));
    const depth = 10_000;
    expect(await importRaw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)).toEqual({
      status: 200,
      code: 'BAD_USER_INPUT',
    });
    for (const number of ['1e999', '-1e999', '123456789012345678901234567890']) {
      expect({ number, ...(await importRaw(`{"n":${number}}`)) }).toEqual({
        number,
        status: 200,
        code: 'BAD_USER_INPUT',
      });
    }
    expect(await count('tasks')).toBe(before + 1);
  });

  it('refuses page sizes below 1 and answers malformed ids like unknown ones', async () => {
    for (const query of [
      `{ myFundings(first: 0) { id } }`,
      `{ myFundings(first: -1) { id } }`,
      `{ qualityAuditLog(limit: -1, projectId: "${projectId}") { id } }`,
      `{ projects(first: 0) { totalCount } }`,
    ]) {
      const result = await requester.query(query);
      expect({ query, code: errorCode(result) }).toEqual({ query, code: 'BAD_USER_INPUT' });
    }
    const malformed = await requester.query(`mutation { revokeApiKey(id: "x") { id } }`);
    expect(errorCode(malformed)).toBe('NOT_FOUND');
  });

  it('does not echo the input of a failed validation, and names the field', async () => {
    const password = `secret-${randomBytes(6).toString('hex')}`;
    const result = await server.anonymous().query(SIGN_UP, {
      input: { email: 'not-an-email', password, displayName: 'x', roles: ['WORKER'] },
    });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe('email');
    expect(JSON.stringify(result)).not.toContain(password);
    expect(JSON.stringify(result)).not.toContain('target');
  });

  it('answers UNAUTHENTICATED with HTTP 401 whether the token is missing or bad', async () => {
    const missing = await server.anonymous().query(`{ me { id } }`);
    expect({ status: missing.status, code: errorCode(missing) }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');

    const now = Math.floor(server.clock.now().getTime() / 1000);
    const user = await server.signUp(['WORKER']);
    const sub = (jwt.decode(user.token) as { sub: string }).sub;
    const { iss, aud } = jwt.decode(user.token) as { iss: string; aud: string };
    for (const claims of [
      { sub, roles: ['WORKER'], iat: now }, // no exp: would never expire
      { sub: 'not-a-uuid', roles: ['WORKER'], iat: now, exp: now + 60 },
    ]) {
      const token = jwt.sign(claims, server.app.config.auth.jwtSecret, {
        algorithm: 'HS256',
        issuer: iss,
        audience: aud,
      });
      const result = await server.anonymous().withToken(token).query(`{ me { id } }`);
      expect({ status: result.status, code: errorCode(result) }).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    }
  });

  it.each([
    [
      'a bogus charset',
      { 'content-type': 'application/json; charset=bogus' },
      '{"query":"{ __typename }"}',
    ],
    [
      'a content-encoding the body is not',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      '{"query":"{ __typename }"}',
    ],
    [
      'an unknown content-encoding',
      { 'content-type': 'application/json', 'content-encoding': 'bogus' },
      '{"query":"{ __typename }"}',
    ],
  ])('answers a body with %s with 4xx BAD_USER_INPUT on every route', async (_l, headers, body) => {
    const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body });
    expect(response.status).toBe(400);
    const answer = (await response.json()) as {
      errors?: Array<{ extensions?: { code?: string } }>;
    };
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // The webhook reads raw bytes: no charset to refuse, but never a 5xx for the encoding.
    const webhook = await fetch(`${server.url}/webhooks/stripe`, { method: 'POST', headers, body });
    expect(webhook.status).toBe(400);
    const gzipped = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync('{"query":"{ __typename }"}'),
    });
    expect(await gzipped.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('prices page sizes sent as variables: a page of pages is QUERY_TOO_COMPLEX with 400', async () => {
    const pageOfPages = /* GraphQL */ `
      query ($n: Int!) {
        projects(first: $n) {
          nodes {
            id
            tasks(first: $n) {
              nodes {
                id
                payload
              }
            }
          }
        }
      }
    `;
    const refused = await requester.query(pageOfPages, { n: 100 });
    expect({ status: refused.status, code: errorCode(refused), data: refused.data }).toEqual({
      status: 400,
      code: 'QUERY_TOO_COMPLEX',
      data: undefined,
    });
    expect(refused.errors?.[0]?.message).toMatch(/cost limit of 20000 exceeded/i);
    // The variable's default is what gets priced when none is sent.
    const defaulted = await requester.query(pageOfPages.replace('Int!', 'Int! = 100'));
    expect(errorCode(defaulted)).toBe('QUERY_TOO_COMPLEX');
    // The same query with small pages runs.
    const small = await requester.ok<{ projects: { nodes: Array<{ id: string }> } }>(pageOfPages, {
      n: 2,
    });
    expect(small.projects.nodes.map(node => node.id)).toContain(projectId);
  });

  it('prices lists by omitted defaults and declared sizes: nesting them is QUERY_TOO_COMPLEX', async () => {
    // No size written anywhere: projects and tasks at their default 20, each task's
    // assignments (no size argument) at its declared size. Priced as one row each before.
    const nested = /* GraphQL */ `
      {
        projects {
          nodes {
            tasks {
              nodes {
                assignments {
                  id
                  status
                }
              }
            }
          }
        }
      }
    `;
    const refused = await requester.query(nested);
    expect({ status: refused.status, code: errorCode(refused), data: refused.data }).toEqual({
      status: 400,
      code: 'QUERY_TOO_COMPLEX',
      data: undefined,
    });
    // Small written pages of the same shape run.
    const small = await requester.ok<{ projects: { nodes: unknown[] } }>(
      nested.replace('projects {', 'projects(first: 2) {').replace('tasks {', 'tasks(first: 2) {'),
    );
    expect(small.projects.nodes.length).toBeGreaterThan(0);
  });
});

/** A Stripe-configured app: a validly signed delivery that is not a well-formed event is a 400. */
describe('malformed signed Stripe events (e2e)', () => {
  const secret = `whsec_${randomBytes(12).toString('hex')}`;
  const server = useTestServer({
    env: {
      STRIPE_SECRET_KEY: 'sk_test_unused',
      STRIPE_WEBHOOK_SECRET: secret,
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: '9',
      STRIPE_API_PROTOCOL: 'http',
    },
  });

  it.each([
    ['an empty object', {}],
    ['no data', { id: 'evt_1', type: 'payment_intent.succeeded', created: 1 }],
    ['a non-object data.object', { id: 'evt_2', type: 'x', created: 1, data: { object: 'str' } }],
    ['a NUL in the id', { id: 'evt_\u0000', type: 'x', created: 1, data: { object: {} } }],
    ['a numeric id', { id: 5, type: 'x', created: 1, data: { object: {} } }],
    ['a JSON array', []],
  ])('answers %s with 400 and records nothing', async (_l, event) => {
    const payload = JSON.stringify(event);
    const header = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret,
      timestamp: Math.floor(server.clock.now().getTime() / 1000),
    });
    const response = await fetch(`${server.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
      body: payload,
    });
    expect(response.status).toBe(400);
    const rows = await server.db!.dataSource.query(`SELECT count(*)::int AS n FROM stripe_events`);
    expect(rows[0].n).toBe(0);
  });
});
