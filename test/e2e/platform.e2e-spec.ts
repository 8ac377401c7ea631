import { Writable } from 'node:stream';
import { createLogger } from '../../src/common/logger';
import { errorCode, startTestServer, useTestServer } from '../helpers/test-server';

/** Collects log lines written by the app under test. */
function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('platform (e2e)', () => {
  const logs = captureLogs();
  const server = useTestServer({ overrides: { logger: logs.logger } });

  it('reports health with the database checked', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('serves Prometheus metrics including GraphQL operations', async () => {
    await server.anonymous().ok(`query Probe { __typename }`);
    const response = await fetch(`${server.url}/metrics`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(
      /quorum_graphql_operations_total\{type="query",name="Probe",outcome="ok"\} [1-9]/,
    );
    expect(text).toContain('quorum_http_request_duration_seconds_bucket');
  });

  it('echoes a safe request id and logs it, and never logs passwords or tokens', async () => {
    const password = 'very-secret-password-42';
    const user = await server.signUp(['WORKER'], { password });
    const result = await server
      .anonymous()
      .withToken(user.token)
      .query(`{ me { id } }`, undefined, { 'x-request-id': 'req-abc.123' });
    expect(result.headers.get('x-request-id')).toBe('req-abc.123');
    const joined = logs.lines.join('\n');
    expect(joined).toContain('req-abc.123');
    expect(joined).not.toContain(password);
    expect(joined).not.toContain(user.token);
    // A header that is not a safe token is replaced by a fresh id.
    const unsafe = await server
      .anonymous()
      .query(`{ __typename }`, undefined, { 'x-request-id': 'a b<c>' });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses cross-site simple requests (CSRF prevention)', async () => {
    const response = await fetch(`${server.url}/graphql?query=%7B__typename%7D`, { method: 'GET' });
    expect(response.status).toBe(400);
  });

  it('answers a malformed JSON body with BAD_USER_INPUT', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('platform in production mode (e2e)', () => {
  it('turns introspection off and hides stack traces', async () => {
    const server = await startTestServer({
      env: { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(48) },
    });
    try {
      const introspection = await server.anonymous().query(`{ __schema { queryType { name } } }`);
      expect(errorCode(introspection)).toBe('GRAPHQL_VALIDATION_FAILED');
      const unauthenticated = await server.anonymous().query(`{ me { id } }`);
      expect(errorCode(unauthenticated)).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(unauthenticated.errors)).not.toContain('stacktrace');
    } finally {
      await server.close();
    }
  });
});
