import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed document nodes for every `graphql(...)` document in web/src, from the committed SDL.
 * `npm run codegen -w web` rewrites src/gql; test/unit/web/codegen-drift.spec.ts fails when the
 * committed output differs from a fresh generation (schema or documents changed without it).
 */
const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: true,
        scalars: {
          DateTimeISO: 'string',
          JSONObject: 'Record<string, unknown>',
          SafeInt: 'number',
        },
      },
    },
  },
};

export default config;
