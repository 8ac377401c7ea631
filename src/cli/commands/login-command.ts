/**
 * `quorum login`: checks a server URL and API key against the server, then stores them in the
 * owner-only credentials file. The key comes from stdin (piped) or QUORUM_API_KEY, never from a
 * flag, so it stays out of shell history and the process list.
 */
import { QuorumApi } from '../api/api-client';
import { type CliEnv, saveCredentials, validateServerUrl } from '../api/credentials';
import { CliError } from '../cli-error';
import { parseCommand } from './command-args';

/** `quorum login --help`. */
export const LOGIN_USAGE = `Usage: quorum login --url URL < key.txt

Checks the API key against the server and stores URL and key in a file only you can read
(mode 0600): $QUORUM_CONFIG, else $XDG_CONFIG_HOME/quorum/credentials.json, else
~/.config/quorum/credentials.json. The key is read from stdin, or from QUORUM_API_KEY.
QUORUM_URL and QUORUM_API_KEY in the environment override the file.

Options:
      --url URL   the server, e.g. https://quorum.example.com (default: QUORUM_URL)
  -h, --help      this text
`;

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** Runs `quorum login`. */
export async function runLoginCommand(argv: readonly string[], env: CliEnv): Promise<void> {
  const parsed = parseCommand(argv, { url: { type: 'string' } }, LOGIN_USAGE);
  if (parsed.help) return;
  const url = validateServerUrl(parsed.values.url ?? env.QUORUM_URL ?? '');
  const apiKey = env.QUORUM_API_KEY || (await readStdin());
  if (!apiKey) throw new CliError('no API key: pipe it on stdin or set QUORUM_API_KEY');
  const api = new QuorumApi({ url, apiKey });
  const { me } = await api.request<{ me: { displayName: string } }>('query { me { displayName } }');
  const path = saveCredentials(env, { url, apiKey });
  process.stderr.write(`logged in to ${url} as ${me.displayName}; credentials in ${path}\n`);
}
