/**
 * Argument parsing shared by the API subcommands: `--help` on every one, strict flags, and the
 * usage text after any mistake.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

import type { QuorumApi } from '../api/api-client';
import { CliError } from '../cli-error';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/**
 * A subcommand's action and the arguments after it; `null` once `usage` is printed because there
 * is no action or the user asked for help.
 */
export function actionOf(
  argv: readonly string[],
  usage: string,
): { action: string; rest: string[] } | null {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h') {
    process.stdout.write(usage);
    return null;
  }
  return { action, rest };
}

/** An API subcommand: its arguments, and `api()` to call only once an action needs the server. */
export type ApiCommand = (argv: readonly string[], api: () => QuorumApi) => Promise<void>;

/**
 * The `quorum <noun> <action>` subcommands all start alike: read the action, or print `usage` when
 * there is none or -h/--help comes first. This is that start, once; `run` gets the action and the
 * arguments after it.
 */
export function withAction(
  usage: string,
  run: (action: string, rest: string[], api: () => QuorumApi) => Promise<void>,
): ApiCommand {
  return async (argv, api) => {
    const command = actionOf(argv, usage);
    if (command) await run(command.action, command.rest, api);
  };
}

/** The refusal of an action `noun` does not have, with its usage text (exit code 2). */
export function unknownAction(noun: string, action: string, usage: string): CliError {
  return new CliError(`unknown action "${noun} ${action}"\n\n${usage}`);
}

/** Parsed flags and positionals, or `help` when the user asked for the usage text. */
export type ParsedCommand<O extends OptionSpecs> =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly values: ReturnType<
        typeof parseArgs<{ options: O; allowPositionals: true }>
      >['values'];
      readonly positionals: string[];
    };

/** Parses `argv` against `options`; prints `usage` and returns `{ help: true }` for -h/--help. */
export function parseCommand<O extends OptionSpecs>(
  argv: readonly string[],
  options: O,
  usage: string,
): ParsedCommand<O> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage);
    return { help: true };
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { help: false, values, positionals };
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`);
  }
}

/**
 * Flags only (no positionals), strictly: `quorum aggregate` in both its forms. A mistake is a
 * CliError followed by `usage`.
 */
export function parseFlags<O extends OptionSpecs>(
  argv: readonly string[],
  options: O,
  usage: string,
): ReturnType<typeof parseArgs<{ options: O; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`);
  }
}

/** The value of a required flag; CliError naming it otherwise. */
export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new CliError(`${flag} is required`);
  return value;
}

/** A number flag within [min, max]; undefined when absent. */
export function numberFlag(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < min || number > max) {
    throw new CliError(`${flag} expects a number from ${min} to ${max}, got "${value}"`);
  }
  return number;
}
