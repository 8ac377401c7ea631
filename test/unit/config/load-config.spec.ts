import { ConfigError, DEFAULT_DEV_JWT_SECRET, loadConfig } from '../../../src/config/load-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe(loadConfig.name, () => {
  it('gives safe local defaults: embedded database, port 4000, development secret', () => {
    const config = loadConfig({});
    expect(config.database.url).toBeNull();
    expect(config.database.dataDir).toBe('./data');
    expect(config.http.port).toBe(4000);
    expect(config.auth.jwtSecret).toBe(DEFAULT_DEV_JWT_SECRET);
    expect(config.graphql.introspection).toBe(true);
    expect(config.stripe.secretKey).toBeNull();
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      JWT_SECRET: 'short',
      STRIPE_SECRET_KEY: 'pk_live_123',
    });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/JWT_SECRET/);
    expect(problems.join('\n')).toMatch(/STRIPE_SECRET_KEY/);
  });

  it('refuses to run in production with the default secret', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET: the development default cannot be used when NODE_ENV=production',
    ]);
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(config.graphql.introspection).toBe(false);
  });

  it('requires the webhook secret with a Stripe key', () => {
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_test_abc' })).toEqual([
      'STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set',
    ]);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).database.url).toBeNull();
  });
});
