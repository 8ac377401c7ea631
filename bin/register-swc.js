// Lets Node require TypeScript sources directly, transpiled by @swc/core (already a dependency
// for jest and `ts-node --swc`): no type checking, the settings jest uses (bin/swc-options.js).
// Used where compiled JavaScript is not available: bin/quorum.js before `npm run build`, and
// the worker threads of the parallel Dawid–Skene runner when it runs from source (jest, ts-node).
// Far lighter than ts-node's register (which loads the TypeScript compiler even in swc mode).
'use strict';
const { readFileSync } = require('node:fs');
const Module = require('node:module');

const OPTIONS = { ...require('./swc-options'), sourceMaps: 'inline' };

if (!Module._extensions['.ts']) {
  const { transformSync } = require('@swc/core');
  Module._extensions['.ts'] = (module, filename) => {
    const { code } = transformSync(readFileSync(filename, 'utf8'), { ...OPTIONS, filename });
    module._compile(code, filename);
  };
}
