/**
 * Where the CLI finds the server and the API key: QUORUM_URL / QUORUM_API_KEY, else the file
 * `quorum login` wrote (QUORUM_CONFIG, else $XDG_CONFIG_HOME/quorum/credentials.json, else
 * ~/.config/quorum/credentials.json). The file is created readable by its owner only (0600,
 * its folder 0700), and rewritten with that mode if it existed with a looser one.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import { CliError } from '../cli-error';
import type { ApiCredentials } from './api-client';

/** The environment variables the CLI reads. */
export type CliEnv = Readonly<Record<string, string | undefined>>;

/** The credentials file's path for this environment. */
export function credentialsPath(env: CliEnv): string {
  if (env.QUORUM_CONFIG) return env.QUORUM_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'quorum', 'credentials.json');
}

/** Writes the credentials file, owner-only. */
export function saveCredentials(env: CliEnv, credentials: ApiCredentials): string {
  const path = credentialsPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

function readSaved(env: CliEnv): Partial<ApiCredentials> {
  let text: string;
  try {
    text = readFileSync(credentialsPath(env), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as Partial<ApiCredentials>;
    return {
      url: typeof parsed.url === 'string' ? parsed.url : undefined,
      apiKey: typeof parsed.apiKey === 'string' ? parsed.apiKey : undefined,
    };
  } catch {
    throw new CliError(`${credentialsPath(env)} is not valid JSON: run "quorum login" again`);
  }
}

/** The credentials to use: environment first, then the saved file; CliError when missing. */
export function resolveCredentials(env: CliEnv): ApiCredentials {
  const saved = env.QUORUM_URL && env.QUORUM_API_KEY ? {} : readSaved(env);
  const url = env.QUORUM_URL || saved.url;
  const apiKey = env.QUORUM_API_KEY || saved.apiKey;
  if (!url || !apiKey) {
    throw new CliError(
      'no server configured: set QUORUM_URL and QUORUM_API_KEY, or run "quorum login"',
    );
  }
  return { url: validateServerUrl(url), apiKey };
}

/** The URL without trailing slashes; CliError unless http(s). */
export function validateServerUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`not a URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new CliError(`the server URL must be http(s): ${url}`);
  }
  return url.replace(/\/+$/, '');
}
