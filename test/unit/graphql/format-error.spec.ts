import { GraphQLError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { createLogger } from '../../../src/common/logger';
import { NotFoundError } from '../../../src/common/errors';
import { createFormatError } from '../../../src/graphql/format-error';

describe(createFormatError.name, () => {
  const logged: unknown[] = [];
  const logger = createLogger('silent');
  logger.error = ((obj: unknown) => {
    logged.push(obj);
  }) as typeof logger.error;
  const formatError = createFormatError(logger);

  it('masks unexpected errors and logs them', () => {
    const bug = new Error('relation "tasks" does not exist at SELECT * FROM tasks');
    const wrapped = new GraphQLError(bug.message, { originalError: bug, path: ['tasks'] });
    const formatted = formatError(
      { message: bug.message, path: ['tasks'], extensions: {} },
      wrapped,
    );
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['tasks'],
      locations: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logged).toHaveLength(1);
  });

  it('passes domain errors through with their code', () => {
    const error = new NotFoundError('Project', 'p1');
    const formatted = formatError({ message: error.message, extensions: error.extensions }, error);
    expect(formatted.extensions?.code).toBe('NOT_FOUND');
    expect(formatted.message).toBe('Project p1 was not found');
  });

  it('answers a value PostgreSQL refuses as data or as too big to index with BAD_USER_INPUT', () => {
    for (const code of ['22P02', '54000']) {
      const driverError = Object.assign(new Error('index row size 8200 exceeds maximum 2704'), {
        code,
      });
      const failure = new QueryFailedError('INSERT INTO secret_table ...', [], driverError);
      const wrapped = new GraphQLError(failure.message, { originalError: failure, path: ['x'] });
      const formatted = formatError({ message: failure.message, extensions: {} }, wrapped);
      expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT' });
      expect(formatted.message).not.toMatch(/secret_table|index row/);
    }
  });
});
