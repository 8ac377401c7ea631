import { describeStartupError } from '../../../src/config/startup-error';

/** pg's errors carry PostgreSQL's SQLSTATE or Node's errno in `code`. */
function pgError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('describeStartupError', () => {
  it('tells a missing database with the createdb command for its name, without a stack', () => {
    const shown = describeStartupError(
      pgError('database "quorum" does not exist', '3D000'),
      'postgres://postgres@127.0.0.1:5432/quorum',
    );
    expect(shown).toContain('database "quorum" does not exist');
    expect(shown).toContain('createdb -h 127.0.0.1 -U postgres quorum');
    expect(shown).not.toContain('    at ');
  });

  it('tells a refused connection with the address, never the password', () => {
    const shown = describeStartupError(
      pgError('connect ECONNREFUSED 127.0.0.1:5999', 'ECONNREFUSED'),
      'postgres://postgres:s3cret@127.0.0.1:5999/quorum',
    );
    expect(shown).toContain('no PostgreSQL server answers at 127.0.0.1:5999');
    expect(shown).not.toContain('s3cret');
  });

  it('keeps the stack of anything else', () => {
    const error = new Error('boom');
    expect(describeStartupError(error, undefined)).toBe(error.stack);
  });
});
