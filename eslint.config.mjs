// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import tableOwnership from './eslint-rules/table-ownership.js';

import purity from './eslint-rules/purity.js';

const { PURE_FILES, pureImportOptions } = purity;

/**
 * Writes a module may make to a table another module owns (the table-ownership rule), each
 * limited to named columns and with its reason.
 */
const TABLE_GRANTS = [
  {
    module: 'aggregation',
    table: 'tasks',
    columns: [
      'posterior',
      'consensus_labels',
      'consensus_answer',
      'consensus_confidence',
      'serve_priority',
      'updated_at',
    ],
    reason:
      'aggregation is the one writer of a task’s consensus, confidence and posterior, and of the serving priority derived from the posterior (or, before any answer, from the voting model’s prediction)',
  },
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
    files: ['src/**/*.ts'],
    plugins: { quorum: { rules: { 'table-ownership': tableOwnership } } },
    rules: { 'quorum/table-ownership': ['error', { grants: TABLE_GRANTS }] },
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
      'no-restricted-imports': ['error', pureImportOptions],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Pure code does not read the process environment.' },
        { name: 'require', message: 'Pure code does not load modules dynamically.' },
      ],
    },
  },
);
