// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * Imports a pure file may never make: no database, GraphQL, HTTP, Stripe, ONNX, or Node
 * built-ins. Pure code (aggregation algorithms, quality math, money math) is then testable and
 * benchmarkable alone, and could run in a browser or a batch engine (STYLE.md 5.2).
 */
const IMPURE_MODULES = [
  'typeorm',
  'typeorm/*',
  'pg',
  'pg/*',
  '@electric-sql/*',
  'type-graphql',
  'graphql',
  'graphql/*',
  'graphql-scalars',
  '@apollo/*',
  'express',
  'express/*',
  '@as-integrations/*',
  'stripe',
  'onnxruntime-node',
  'onnx-proto',
  'passport',
  'passport-*',
  'dataloader',
  'pino',
  'pino-http',
  'node:*',
  'fs',
  'path',
  'os',
  'http',
  'https',
  'net',
  'crypto',
  'child_process',
  'worker_threads',
  'stream',
  'url',
  'util',
  'zlib',
  'events',
  'process',
  'buffer',
];

/** Folders and files that must stay pure. */
const PURE_FILES = [
  'src/**/algorithms/**/*.ts',
  'src/**/math/**/*.ts',
  'src/modules/aggregation/encode-responses.ts',
  'src/modules/aggregation/encode-project-answers.ts',
  'src/modules/aggregation/compute-aggregation.ts',
  'src/modules/aggregation/results-export.ts',
  'src/modules/aggregation/gold-accuracy.ts',
  'src/modules/quality/report/**/*.ts',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      'coverage/**',
      'schema/**',
      'bin/**',
      'reports/**',
      'web/dist/**',
      'web/src/gql/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        globalThis: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: PURE_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: IMPURE_MODULES,
              message:
                'Pure code: no database, GraphQL, HTTP, Stripe, ONNX or Node built-in imports.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Pure code does not read the process environment.' },
        { name: 'require', message: 'Pure code does not load modules dynamically.' },
      ],
    },
  },
);
