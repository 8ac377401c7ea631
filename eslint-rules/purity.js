// @ts-check
'use strict';
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
  'src/modules/kinds/**/*.ts',
  'src/reports/audit/**/*.ts',
];

/**
 * The application layers an algorithm may not reach by a relative import either: services,
 * entities and the database layer (db/). An algorithm gets its inputs as arguments (typed
 * arrays, plain records), so it stays testable and benchmarkable alone.
 */
const APP_LAYERS = [
  '**/*.service',
  '**/*.service.ts',
  '**/*.entity',
  '**/*.entity.ts',
  '**/db/**',
  '**/db',
];

/** Options of `no-restricted-imports` in the pure files. */
const pureImportOptions = {
  patterns: [
    {
      group: IMPURE_MODULES,
      message: 'Pure code: no database, GraphQL, HTTP, Stripe, ONNX or Node built-in imports.',
    },
    {
      group: APP_LAYERS,
      message: 'Pure code: no services, entities or db/ (pass their data in as arguments).',
    },
  ],
};

module.exports = { IMPURE_MODULES, APP_LAYERS, PURE_FILES, pureImportOptions };
