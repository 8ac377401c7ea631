/**
 * Jest 30 reads `testTimeout` only at the top level of its config; inside a `projects` entry it
 * is silently ignored and every test falls back to 5 s, which a loaded 2-core CI machine exceeds
 * on database race tests. This keeps the cap where it takes effect.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jestConfig = require('../../../jest.config.js') as {
  testTimeout?: number;
  projects: Array<Record<string, unknown>>;
};

describe('jest.config.js', () => {
  it('sets testTimeout at the top level, where Jest 30 reads it', () => {
    expect(jestConfig.testTimeout).toBeGreaterThanOrEqual(30_000);
  });

  it('sets no per-project testTimeout, which Jest 30 would ignore', () => {
    for (const project of jestConfig.projects) expect(project).not.toHaveProperty('testTimeout');
  });
});
