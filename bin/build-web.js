#!/usr/bin/env node
// Builds the web app into web/dist and records a hash of the sources it was built from, so that
// `npm start` and the browser tests rebuild only when web/ changed (`--if-stale`), once, instead
// of each test file rebuilding (vite empties web/dist first, which broke pages other test files
// were loading) or `npm start` serving an app older than the checkout.
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { execSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const web = path.join(root, 'web');
const stamp = path.join(web, 'dist', '.source-hash');
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json'];

/** A hash of every source file the build reads (paths and contents, in a stable order). */
function sourceHash() {
  const hash = createHash('sha256');
  const visit = relative => {
    const full = path.join(web, relative);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full).sort()) visit(path.join(relative, name));
    } else {
      hash.update(`${relative}\0`).update(readFileSync(full)).update('\0');
    }
  };
  SOURCES.forEach(visit);
  return hash.digest('hex');
}

const onlyIfStale = process.argv.includes('--if-stale');
const wanted = sourceHash();
const built = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : null;
if (onlyIfStale && built === wanted && existsSync(path.join(web, 'dist', 'index.html'))) {
  process.exit(0);
}
if (onlyIfStale) console.error('web/dist is missing or older than web/: building the web app…');
// Always a production build: Vite keeps an inherited NODE_ENV (jest sets `test`, `npm start` in
// development may set `development`), and React's development build is half again as large.
execSync('npm run build --workspace web', {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production' },
});
writeFileSync(stamp, `${wanted}\n`);
