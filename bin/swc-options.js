// The @swc/core settings that transpile Quorum's TypeScript (decorators with metadata, as
// TypeORM and type-graphql need): one copy for jest.config.js (@swc/jest) and
// bin/register-swc.js (Node's require hook), so tests and source runs transpile alike.
'use strict';

module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};
