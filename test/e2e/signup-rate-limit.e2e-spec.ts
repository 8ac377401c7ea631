import { errorCode, useTestServer } from '../helpers/test-server';

const SIGN_UP = /* GraphQL */ `
  mutation ($input: SignUpInput!) {
    signUp(input: $input) {
      token
    }
  }
`;

/** Sign-up is rate-limited per client address (200 accounts in 25 s from one address before). */
describe('sign-up rate limit (e2e)', () => {
  const server = useTestServer({ env: { SIGNUP_MAX_PER_ADDRESS: '3', TRUST_PROXY: 'true' } });

  const signUp = (n: number, address: string) =>
    server.anonymous().query(
      SIGN_UP,
      {
        input: {
          email: `farm-${address.replace(/\W/g, '')}-${n}@example.test`,
          password: 'long enough password',
          displayName: `farm ${n}`,
          roles: ['WORKER'],
        },
      },
      { 'x-forwarded-for': address },
    );
  const users = async () =>
    (await server.db!.dataSource.query(`SELECT count(*)::int AS n FROM users`))[0].n as number;

  it('lets one address create a few accounts, then answers RATE_LIMITED and creates none', async () => {
    for (let n = 0; n < 3; n++) expect((await signUp(n, '203.0.113.7')).errors).toBeUndefined();
    const before = await users();
    const limited = await signUp(3, '203.0.113.7');
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(await users()).toBe(before);
    // Another address has its own allowance.
    expect((await signUp(0, '198.51.100.9')).errors).toBeUndefined();
  });
});
