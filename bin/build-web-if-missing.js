#!/usr/bin/env node
// `npm start` on a checkout where `npm install` did not build the web app (e.g. installed with
// --ignore-scripts): build it once, so http://localhost:4000/ serves the app without a second step.
const { existsSync } = require('node:fs');
const { execSync } = require('node:child_process');
const path = require('node:path');

const index = path.join(__dirname, '..', 'web', 'dist', 'index.html');
if (!existsSync(index)) {
  console.error('web/dist is missing: building the web app (npm run build:web)…');
  execSync('npm run build:web', { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
}
