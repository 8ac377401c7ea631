#!/usr/bin/env node
// Launcher for the `quorum` CLI (package.json "bin").
//
// Runs the compiled CLI from dist/ when it exists (`npm run build`): start-up is then a few
// milliseconds beyond Node's own, which is what makes `quorum aggregate` on 150k answers finish
// in well under a second. Without a build (a fresh clone, or QUORUM_FROM_SOURCE=1 while
// developing), it transpiles the TypeScript sources on the fly with @swc/core
// (bin/register-swc.js): slower to start, same behaviour.
//
// Note: dist/ is not rebuilt automatically; after editing src/, run `npm run build` or set
// QUORUM_FROM_SOURCE=1, or the launcher runs the previous build.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const compiled = join(root, 'dist', 'src', 'cli', 'quorum.js');

if (process.env.QUORUM_FROM_SOURCE !== '1' && existsSync(compiled)) {
  require(compiled).run();
} else {
  require('./register-swc.js');
  require(join(root, 'src', 'cli', 'quorum.ts')).run();
}
