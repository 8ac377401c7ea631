/**
 * Headless Chromium for the audit report tests, through its command line (no extra npm
 * package). CI machines are fresh: `.ci/run` installs the Debian package `chromium`; when no
 * Chromium is found the tests FAIL with instructions rather than skip.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Flags for a quiet, offline, throwaway browser (no sandbox: CI runs as root in a container). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** The Chromium executable: $CHROMIUM_PATH, else the first candidate on PATH; throws if none. */
export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
  }
  for (const name of CANDIDATES) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    const path = found.stdout.trim();
    if (found.status === 0 && path) return path;
  }
  throw new Error(
    'Chromium is required by the audit report test and was not found on PATH. Install it ' +
      '(Debian: `apt-get install -y chromium`) or set CHROMIUM_PATH to the executable.',
  );
}

/** Renders the HTML file at `htmlPath` and writes a `width` × `height` PNG to `pngPath`. */
export async function screenshot(
  chromium: string,
  htmlPath: string,
  pngPath: string,
  size: { width: number; height: number },
): Promise<void> {
  await withProfile(profile =>
    run(
      chromium,
      [
        ...FLAGS,
        `--user-data-dir=${profile}`,
        `--screenshot=${pngPath}`,
        `--window-size=${size.width},${size.height}`,
        pathToFileURL(htmlPath).href,
      ],
      { timeout: 90_000 },
    ),
  );
  if (!existsSync(pngPath)) throw new Error(`Chromium wrote no screenshot to ${pngPath}`);
}

/** The DOM of the page after load (scripts, if any were allowed to run, have run). */
export async function dumpDom(chromium: string, htmlPath: string): Promise<string> {
  const { stdout } = await withProfile(profile =>
    run(
      chromium,
      [...FLAGS, `--user-data-dir=${profile}`, '--dump-dom', pathToFileURL(htmlPath).href],
      {
        timeout: 90_000,
        maxBuffer: 64 << 20,
      },
    ),
  );
  return stdout;
}

async function withProfile<T>(work: (profile: string) => Promise<T>): Promise<T> {
  const profile = mkdtempSync(join(tmpdir(), 'quorum-chromium-'));
  try {
    return await work(profile);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
