#!/usr/bin/env node
// Launcher for the `quorum` CLI (package.json "bin").
//
// Runs the compiled CLI from dist/ (built by `npm run build:cli`, which `npm install` runs as
// `prepare`, or by the full `npm run build`): start-up is then a few milliseconds beyond Node's
// own. If there is no build, or a source file of a loaded module is newer than its compiled
// file (after a `git pull` or an edit), it runs the TypeScript sources instead, transpiled on
// the fly by @swc/core (bin/register-swc.js): slower to start, never stale.
// QUORUM_FROM_SOURCE=1 forces the sources.
'use strict';
const { existsSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const compiledEntry = join(dist, 'src', 'cli', 'quorum.js');
/** Loaded later, in worker threads, so not in require.cache when the check runs. */
const compiledWorker = join(
  dist,
  'src',
  'modules',
  'aggregation',
  'parallel',
  'dawid-skene.worker.js',
);

/** True when a compiled file is older than its TypeScript source (or the source is gone). */
function isStale(compiled) {
  const source = join(root, relative(dist, compiled).replace(/\.js$/, '.ts'));
  const sourceStat = statSync(source, { throwIfNoEntry: false });
  const compiledStat = statSync(compiled, { throwIfNoEntry: false });
  return !sourceStat || !compiledStat || compiledStat.mtimeMs < sourceStat.mtimeMs;
}

function loadCompiled() {
  if (process.env.QUORUM_FROM_SOURCE === '1' || !existsSync(compiledEntry)) return undefined;
  const cli = require(compiledEntry);
  const loaded = Object.keys(require.cache).filter(file => file.startsWith(dist));
  return [...loaded, compiledWorker].some(isStale) ? undefined : cli;
}

const compiled = loadCompiled();
if (compiled) {
  compiled.run();
} else {
  require('./register-swc.js');
  require(join(root, 'src', 'cli', 'quorum.ts')).run();
}
