// @ts-check
/**
 * Three tiers (STYLE.md 5.12): unit (pure code, no I/O), integration (services + real PostgreSQL),
 * e2e (HTTP → Apollo → PostgreSQL). @swc/jest transpiles with decorator metadata; types are
 * checked separately by `npm run typecheck`.
 */
const swc = ['@swc/jest', require('./bin/swc-options')];

const common = {
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: '<rootDir>/test/helpers/node-environment.js',
};

/** @type {import('jest').Config} */
module.exports = {
  // A cap, not a speed goal: a 2-core CI machine running jest workers beside PostgreSQL can take
  // seconds over a database test, and jest's default of 5 s would make that a failure. Jest 30
  // reads testTimeout only here, at the top level: inside a `projects` entry it is ignored.
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/helpers/global-setup-e2e.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
  ],
};
